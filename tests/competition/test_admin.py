"""The organizers' admin: every model's list and the phase actions work."""

import pytest
from django.urls import reverse

from competition.models import Phase
from tests.factories import make_competition, make_user

pytestmark = pytest.mark.django_db

MODELS = ["competition", "phase", "split", "item", "rating", "team", "membership",
          "submission", "score"]  # fmt: skip


@pytest.fixture
def organizer_client(client):
    make_competition()
    client.force_login(make_user("olga", staff=True))
    return client


@pytest.mark.parametrize("model", MODELS)
def test_every_model_has_a_working_list_and_add_page(organizer_client, model):
    assert organizer_client.get(reverse(f"admin:competition_{model}_changelist")).status_code == 200


def test_an_organizer_can_reveal_a_phase_from_the_admin(organizer_client):
    test = Phase.objects.get(kind="test")
    response = organizer_client.post(
        reverse("admin:competition_phase_changelist"),
        {"action": "reveal", "_selected_action": [test.pk]},
    )
    assert response.status_code == 302
    test.refresh_from_db()
    assert test.leaderboard == Phase.REVEALED


def test_a_participant_cannot_open_the_admin(client):
    client.force_login(make_user("alice"))
    assert client.get(reverse("admin:competition_submission_changelist")).status_code == 302
