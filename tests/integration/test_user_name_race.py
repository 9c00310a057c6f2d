"""Two sign-ups of look-alike user names at the same moment, on PostgreSQL (issue 12):
both pass the form's check, the advisory lock makes them take turns, one account is made
and the other request gets the form's message."""

import threading

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from competition.forms import SignupForm

PASSWORD = "a-long-enough-passphrase-9"


def test_racing_sign_ups_of_look_alike_names_make_one_account(monkeypatch):
    barrier = threading.Barrier(2, timeout=30)
    check = SignupForm.clean_username

    def check_together(form):
        name = check(form)
        barrier.wait()  # both have seen the name free
        return name

    monkeypatch.setattr(SignupForm, "clean_username", check_together)
    answers = {}

    def sign_up(name):
        try:
            response = Client().post(
                "/accounts/signup/",
                {"username": name, "password1": PASSWORD, "password2": PASSWORD},
            )
            answers[name] = (response.status_code, response.content.decode())
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(name,)) for name in ("Alice", "ａｌｉｃｅ")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    codes = sorted(code for code, _ in answers.values())
    assert codes == [200, 302]
    loser = next(body for code, body in answers.values() if code == 200)
    assert "looks the same, already exists" in loser
    assert get_user_model().objects.count() == 1
