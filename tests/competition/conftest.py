"""Named users for the site and API tests, one per access level: alice is a participant
(team Aurora), bob is on another team (Borealis), olga organizes (staff), and an
anonymous visitor. The competition's test phase is cut into a public part (shown while
the leaderboard is live) and a private part (hidden until the reveal)."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from competition import scorer, submitting, tasks, truth
from tests.factories import make_competition, make_team, make_user, upload


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path, monkeypatch):
    """Files in a temporary folder, throttle counters reset, and no broker: a submission's
    task is recorded instead of sent (tests score in-process when they need scores)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed
    cache.clear()
    sent = []
    monkeypatch.setattr(tasks, "enqueue", lambda ids: sent.extend(ids) or len(ids))
    yield sent
    cache.clear()
    truth.forget()


@pytest.fixture
def enqueued(_isolated):
    return _isolated


@pytest.fixture
def competition(db):
    return make_competition(test_fraction=0.5)


@pytest.fixture
def validation(competition):
    return competition.phases.get(kind="validation")


@pytest.fixture
def test_phase(competition):
    return competition.phases.get(kind="test")


@pytest.fixture
def alice(db):
    return make_user("alice")


@pytest.fixture
def bob(db):
    return make_user("bob")


@pytest.fixture
def olga(db):
    return make_user("olga", staff=True)


@pytest.fixture
def aurora(competition, alice):
    return make_team(competition, "Aurora", alice)


@pytest.fixture
def borealis(competition, bob):
    return make_team(competition, "Borealis", bob)


def _client(cls, user):
    client = cls()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def as_alice(alice, aurora):
    return _client(Client, alice)


@pytest.fixture
def as_bob(bob, borealis):
    return _client(Client, bob)


@pytest.fixture
def as_olga(olga):
    return _client(Client, olga)


@pytest.fixture
def anonymous():
    return Client()


@pytest.fixture
def api_alice(alice, aurora):
    return _client(APIClient, alice)


@pytest.fixture
def api_bob(bob, borealis):
    return _client(APIClient, bob)


@pytest.fixture
def api_olga(olga):
    return _client(APIClient, olga)


@pytest.fixture
def api_anonymous():
    return APIClient()


@pytest.fixture
def scored_submission():
    """Submit through the one path participants take, then score it in-process."""

    def make(phase, team, system="Aurora_01", predictions=None, baseline=False):
        submission = submitting.submit(
            phase,
            team,
            system,
            upload(phase, predictions),
            filename="predictions.csv",
            is_baseline=baseline,
        )
        scorer.score_submission(submission.pk)
        submission.refresh_from_db()
        return submission

    return make
