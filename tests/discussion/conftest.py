"""The competition's named users (alice, bob, olga, ...) and the accounts app's record of
queued tasks; carol has an account without a confirmed address."""

import pytest
from django.test import Client

from tests.accounts.conftest import queued, verify  # noqa: F401
from tests.competition.conftest import *  # noqa: F403
from tests.competition.conftest import _isolated  # noqa: F401  (autouse; * skips it)
from tests.factories import make_user


@pytest.fixture
def posters(alice, bob, olga):
    """alice and bob have confirmed addresses; olga organizes."""
    verify(alice), verify(bob)
    return alice, bob, olga


@pytest.fixture
def as_carol(db, competition):
    client = Client()
    client.force_login(make_user("carol"))
    return client
