"""The organizers' admin: every model's list and the phase actions work."""

import pytest
from django.urls import reverse

from competition.models import Phase
from tests.factories import make_competition, make_user

pytestmark = pytest.mark.django_db

MODELS = ["competition", "phase", "split", "item", "rating", "team", "membership",
          "submission", "score", "disqualification", "quotagrant"]  # fmt: skip


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
    assert test.closes_at is not None and test.state() == "revealed"  # it was open: closed
    page = organizer_client.get(response["Location"]).content.decode()
    assert "was still open: it is closed now" in page


def test_the_admin_refuses_to_reveal_a_phase_without_ground_truth(organizer_client):
    test = Phase.objects.get(kind="test")
    test.items().update(mean_score=None)
    response = organizer_client.post(
        reverse("admin:competition_phase_changelist"),
        {"action": "reveal", "_selected_action": [test.pk]},
        follow=True,
    )
    assert "no ground truth to reveal" in response.content.decode()
    test.refresh_from_db()
    assert test.leaderboard != Phase.REVEALED


def test_a_participant_cannot_open_the_admin(client):
    client.force_login(make_user("alice"))
    assert client.get(reverse("admin:competition_submission_changelist")).status_code == 302


def test_editing_a_rating_in_the_admin_updates_the_mean_and_requeues(organizer_client):
    from competition.models import Item, Rating, Submission, Team

    item = Item.objects.get(wav_file_name="00004.wav")  # a validation item
    rating = Rating.objects.create(item=item, listener_id="l1", score=2.0)
    phase = Phase.objects.get(kind="validation")
    team = Team.objects.create(competition=phase.competition, name="owls")
    submission = Submission.objects.create(
        team=team, phase=phase, system_name="s", original_filename="x.csv", predictions=b"",
        status=Submission.SCORED,
    )  # fmt: skip
    version = phase.truth_version
    response = organizer_client.post(
        reverse("admin:competition_rating_change", args=[rating.pk]),
        {"item": item.pk, "listener_id": "l1", "score": "9"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    phase.refresh_from_db()
    submission.refresh_from_db()
    assert item.mean_score == 9.0
    assert phase.truth_version == version + 1
    assert submission.status == Submission.QUEUED
