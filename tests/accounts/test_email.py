"""E-mail: an optional address confirmed by a link, password reset through Django's views
for confirmed addresses, every message sent by the worker and never in the request."""

import ast
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail as outbox_module
from django.test import Client

from accounts import mail
from accounts.models import Profile
from tests.accounts.conftest import verify
from tests.factories import PASSWORD
from tests.test_settings import settings_of

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-31"


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def sign_up(client, **extra):
    data = {"username": "carol", "password1": PASSWORD, "password2": PASSWORD, **extra}
    return client.post("/accounts/signup/", data, follow=True)


def test_sign_up_says_what_an_account_without_an_address_cannot_do(anonymous):
    page = anonymous.get("/accounts/signup/").content.decode()
    assert "cannot reset a forgotten password" in page
    assert "post in the discussion" in page


def test_an_address_given_at_sign_up_is_confirmed_by_a_link(anonymous, queued):
    sign_up(anonymous, email="carol@example.org")
    carol = get_user_model().objects.get(username="carol")
    assert not mail.is_verified(carol)
    # Nothing was sent in the request: the message waits for the worker.
    assert outbox_module.outbox == [] and queued.names() == ["send_message"]
    queued.run()
    (message,) = outbox_module.outbox
    assert message.to == ["carol@example.org"]
    response = Client().get(path_of(link_in(message)), follow=True)
    assert "is confirmed" in response.content.decode()
    assert mail.is_verified(carol)


def test_sign_up_without_an_address_sends_nothing(anonymous, queued):
    sign_up(anonymous)
    assert queued == []
    assert not mail.is_verified(get_user_model().objects.get(username="carol"))


def test_a_broken_or_stale_link_confirms_nothing(as_alice, alice, queued):
    token = mail.confirmation_token(alice)
    assert as_alice.get("/accounts/email/confirm/not-a-token/").status_code == 400
    alice.email = "alice@elsewhere.org"
    alice.save()
    # The link was for the old address.
    assert as_alice.get(f"/accounts/email/confirm/{token}/").status_code == 400
    assert not mail.is_verified(alice)


def test_changing_the_address_asks_to_confirm_it_again(as_alice, alice, queued):
    verify(alice)
    response = as_alice.post("/accounts/email/", {"email": "alice@new.example"}, follow=True)
    assert "We sent a confirmation link to alice@new.example" in response.content.decode()
    alice.refresh_from_db()
    assert alice.email == "alice@new.example" and not mail.is_verified(alice)
    queued.run()
    as_alice.get(path_of(link_in(outbox_module.outbox[-1])))
    assert mail.is_verified(alice)


def test_an_address_of_another_account_is_refused(as_alice, bob):
    response = as_alice.post("/accounts/email/", {"email": "BOB@example.org"})
    assert "Another account uses this address." in response.content.decode()


def test_the_link_can_be_sent_again(as_alice, alice, queued):
    as_alice.post("/accounts/email/resend/")
    queued.run()
    assert outbox_module.outbox[-1].to == [alice.email]


def test_notices_are_opt_in_and_saved_from_the_page(as_alice, alice):
    as_alice.get("/accounts/email/")
    profile = Profile.objects.get(user=alice)
    assert not any(
        [profile.notify_submissions, profile.notify_phases, profile.notify_replies,
         profile.notify_announcements]
    )  # fmt: skip
    as_alice.post("/accounts/email/", {"notify_submissions": "on", "notify_replies": "on"})
    profile.refresh_from_db()
    assert profile.notify_submissions and profile.notify_replies and not profile.notify_phases


def test_a_password_is_reset_through_the_mailed_link(alice, queued):
    verify(alice)
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert "/accounts/password/reset/" in page  # the log-in page points there
    response = client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert response.status_code == 302 and outbox_module.outbox == []
    queued.run()
    (message,) = outbox_module.outbox
    assert message.subject == "Reset your XACLE password"
    response = client.get(path_of(link_in(message)), follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert "Password changed" in response.content.decode()
    # A log-in through the page: django-axes needs the request a test client's login() lacks.
    response = Client().post("/accounts/login/", {"username": "alice", "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_an_unconfirmed_address_gets_no_reset_link(alice, queued):
    response = Client().post("/accounts/password/reset/", {"email": "alice@example.org"})
    # The same answer as for a confirmed one: the page says nothing about who has an account.
    assert response.status_code == 302
    assert queued == []


def test_email_url_is_read_by_the_library(tmp_path):
    fields = "s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, " \
        "s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS"  # fmt: skip
    url = "smtp://mailer:s%40cret@mail.example.org:587?tls=1"
    result = settings_of(tmp_path, fields, EMAIL_URL=url)
    assert result.returncode == 0, result.stderr
    assert ast.literal_eval(result.stdout) == (
        "django.core.mail.backends.smtp.EmailBackend", "mail.example.org", 587, "mailer",
        "s@cret", True,
    )  # fmt: skip
    result = settings_of(tmp_path, "s.EMAIL_BACKEND", EMAIL_URL="console://")
    assert "console.EmailBackend" in result.stdout


def test_by_default_messages_are_files_under_var_dir(tmp_path):
    result = settings_of(tmp_path, "s.EMAIL_BACKEND, str(s.EMAIL_FILE_PATH)", EMAIL_URL="")
    backend, path = ast.literal_eval(result.stdout)
    assert backend == "django.core.mail.backends.filebased.EmailBackend"
    assert path == str(tmp_path / "mail")


def test_an_unknown_email_url_is_refused(tmp_path):
    result = settings_of(tmp_path, "s.EMAIL_BACKEND", EMAIL_URL="carrier-pigeon://loft")
    assert result.returncode != 0
    assert "EMAIL_URL='carrier-pigeon://loft'" in result.stderr


def test_an_address_confirmed_by_another_account_is_not_confirmed_twice(alice, bob, anonymous):
    verify(alice)
    bob.email = alice.email
    bob.save()
    response = anonymous.get(f"/accounts/email/confirm/{mail.confirmation_token(bob)}/")
    assert response.status_code == 400
    assert not mail.is_verified(bob) and mail.is_verified(alice)
