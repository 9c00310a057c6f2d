"""Sign-up, log-in, log-out and password change (throttles: test_throttles.py)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-passphrase-77"


def test_signing_up_creates_the_account_and_logs_in(anonymous, competition):
    response = anonymous.post(
        "/accounts/signup/",
        {"username": "carol", "email": "", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="carol").exists()
    assert "carol" in anonymous.get("/c/xacle/").content.decode()


def test_sign_up_refuses_a_weak_password(anonymous):
    response = anonymous.post(
        "/accounts/signup/", {"username": "carol", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not get_user_model().objects.filter(username="carol").exists()


def test_sign_up_returns_to_the_page_asked_for(anonymous, competition):
    response = anonymous.post(
        "/accounts/signup/?next=/c/xacle/submit/",
        {"username": "carol", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response["Location"] == "/c/xacle/submit/"


def test_sign_up_never_redirects_off_site(anonymous):
    response = anonymous.post(
        "/accounts/signup/",
        {"username": "carol", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
         "next": "https://evil.example/"},
    )  # fmt: skip
    assert response["Location"] == "/"


def test_logging_in_and_out(alice):
    client = Client()
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_is_refused(alice):
    response = Client().post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_log_ins_pause_after_repeated_failures(alice, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(3):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    blocked = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) == settings.LOGIN_FAILURE_WINDOW_SECONDS
    assert "Too many failed log-ins" in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_log_in_clears_the_count(alice, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client(REMOTE_ADDR="10.0.0.1")
    client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert (
        client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code
        == 302
    )


def test_changing_the_password(as_alice, alice):
    response = as_alice.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)


def test_forms_are_protected_against_cross_site_posts(alice):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 403
    assert "expired" in response.content.decode()


def test_pages_needing_an_account_send_visitors_to_log_in(anonymous, competition):
    for url in ["/c/xacle/submit/", "/c/xacle/submissions/", "/c/xacle/team/"]:
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_the_log_in_link_returns_to_the_page_but_never_to_itself(anonymous, competition):
    assert 'href="/accounts/login/?next=/c/xacle/"' in anonymous.get("/c/xacle/").content.decode()
    page = anonymous.get("/accounts/login/").content.decode()
    assert "?next=/accounts/login/" not in page
