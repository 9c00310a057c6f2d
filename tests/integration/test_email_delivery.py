"""E-mail for real: the web process queues, a real Celery worker renders and sends through
EMAIL_URL to a real SMTP server (aiosmtpd) started by the test, which reads it back."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts import mail
from accounts.models import Profile
from competition import submitting
from tests.factories import PASSWORD, make_competition, make_team, make_user, upload

NEW_PASSWORD = "a-new-passphrase-for-smtp-7"


def link_in(message) -> str:
    url = re.search(r"https?://\S+", message.get_content()).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def alice(celery_worker_process):
    user = make_user("alice")
    Profile.objects.create(user=user, confirmed_email=user.email)
    return user


def test_a_password_reset_arrives_by_smtp_and_works(alice, smtp_server):
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert response.status_code == 302
    message = smtp_server.received("alice@example.org", "Reset your XACLE password")
    response = client.get(link_in(message), follow=True)
    form_url = response.redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    # A log-in through the page: django-axes needs the request a test client's login() lacks.
    response = Client().post("/accounts/login/", {"username": "alice", "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_the_address_given_at_sign_up_is_confirmed_by_the_mailed_link(
    celery_worker_process, smtp_server
):
    data = {"username": "carol", "email": "carol@example.org", "password1": PASSWORD,
            "password2": PASSWORD}  # fmt: skip
    Client().post("/accounts/signup/", data)
    message = smtp_server.received("carol@example.org", "Confirm your e-mail address")
    carol = get_user_model().objects.get(username="carol")
    assert not mail.is_verified(carol)
    Client().get(link_in(message))
    assert mail.is_verified(carol)


def test_a_scored_submission_is_notified_by_the_worker(alice, smtp_server):
    Profile.objects.filter(user=alice).update(notify_submissions=True)
    competition = make_competition(slug="mailed")
    team = make_team(competition, "Aurora", alice)
    phase = competition.phases.get(kind="validation")
    # The real path: queued on commit, scored by the worker, noticed by the worker.
    submission = submitting.submit(phase, team, "Aurora_01", upload(phase), user=alice)
    message = smtp_server.received("alice@example.org", f"submission #{submission.pk}")
    submission.refresh_from_db()
    assert submission.status == "scored" and "is scored" in message["Subject"]
    assert f"SRCC {submission.scores.get().srcc:.4f}" in message.get_content()


def test_a_reveal_is_announced_by_the_worker(alice, smtp_server):
    import io

    from django.core.management import call_command

    make_competition(slug="revealed")
    Profile.objects.filter(user=alice).update(notify_phases=True)
    call_command("reveal", competition="revealed", phase="test", stdout=io.StringIO())
    subject = "the test phase of revealed challenge leaderboard is revealed"
    message = smtp_server.received("alice@example.org", subject)
    assert "/c/revealed/leaderboard/test/" in message.get_content()
