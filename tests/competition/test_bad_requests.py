"""Absurd requests get a clear 4xx, never a 500 (the reviewer's list, kept as tests)."""

import io

import pytest
from rest_framework.test import APIClient

from competition.models import Submission
from tests.factories import csv_bytes, make_user

pytestmark = pytest.mark.django_db

SUBMIT = "/api/competitions/xacle/phases/validation/submissions/"


def csv_upload(phase, name="predictions.csv"):
    handle = io.BytesIO(csv_bytes(phase))
    handle.name = name
    return handle


@pytest.mark.parametrize(
    "url",
    [
        "/c/xacle/leaderboard/test/?page=99999999999999999999",
        "/api/competitions/xacle/phases/validation/leaderboard/?limit=99999999999999999999",
        "/api/competitions/xacle/phases/validation/leaderboard/?offset=9223372036854775807&limit=5",
    ],
)
def test_huge_pages_and_limits_are_answered(anonymous, competition, url):
    assert anonymous.get(url).status_code in (200, 400)


@pytest.mark.parametrize(
    "url",
    [
        "/c/xacle/leaderboard/test/?split=a%00b",
        "/api/competitions/xacle/phases/validation/leaderboard/?split=a%00b",
    ],
)
def test_a_nul_character_in_a_query_is_a_bad_request(anonymous, competition, url):
    assert anonymous.get(url).status_code == 400


def test_a_system_name_with_a_control_character_is_refused(api_alice, validation):
    response = api_alice.post(SUBMIT, {"file": csv_upload(validation), "system_name": "a\tb"})
    assert response.status_code == 400
    assert "control or invisible character U+0009" in response.json()["errors"][0]
    assert not Submission.objects.exists()


def test_a_user_with_a_very_long_name_gets_a_team_of_one(validation, enqueued):
    user = make_user("u" * 150)
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(SUBMIT, {"file": csv_upload(validation), "system_name": "Long_01"})
    assert response.status_code == 201
    assert len(Submission.objects.get().team.name) <= 100
