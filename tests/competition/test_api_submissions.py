"""The submissions API: upload, list, one submission, its file; auth and throttles."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts import tokens
from competition.models import Membership, Submission
from tests.factories import csv_bytes, upload

pytestmark = pytest.mark.django_db

URL = "/api/competitions/xacle/phases/{}/submissions/"
FIELDS = {"id", "phase", "system_name", "status", "reason", "submitted_at", "scores"}


def post(client, phase="validation", system="Aurora_01", file=None):
    data = {"system_name": system}
    if file is not None:
        data["file"] = file
    return client.post(URL.format(phase), data, format="multipart")


def bad_file(phase):
    ids = list(phase.items().values_list("wav_file_name", flat=True))
    body = "wav_file_name,prediction_score\n" + f"{ids[0]},nan\n" + f"{ids[0]},1\n"
    return SimpleUploadedFile("bad.csv", body.encode())


def test_an_upload_answers_201_with_the_submission(
    api_alice, validation, aurora, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api_alice, file=upload(validation))
    assert response.status_code == 201
    data = response.json()
    assert FIELDS <= set(data)
    assert data["phase"] == "validation" and data["status"] == "queued" and data["scores"] == []
    assert data["team"] == "Aurora" and data["system_name"] == "Aurora_01"
    assert Submission.objects.get().pk == data["id"] and enqueued == [data["id"]]


def test_a_bad_file_answers_400_with_the_forms_messages(api_alice, as_alice, validation):
    response = post(api_alice, file=bad_file(validation))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(e.startswith("Line 2:") for e in errors) and any("missing" in e for e in errors)
    page = as_alice.post(
        "/c/xacle/submit/",
        {"phase": "validation", "system_name": "x", "file": bad_file(validation)},
    ).content.decode()
    for message in errors:
        assert escape(message) in page
    assert Submission.objects.count() == 0


def test_missing_fields_are_errors_too(api_alice, validation):
    assert post(api_alice).json() == {
        "errors": ["Choose a CSV file (or an XACLE package, .zip) to upload."]
    }
    response = post(api_alice, system="", file=upload(validation))
    assert response.status_code == 400 and "name" in response.json()["errors"][0]


def test_only_csv_is_taken(api_alice, validation):
    response = post(api_alice, file=SimpleUploadedFile("p.txt", csv_bytes(validation)))
    assert response.status_code == 400 and "not a CSV file" in response.json()["errors"][0]


def test_an_oversized_file_answers_400(api_alice, validation, settings):
    settings.SUBMISSION_MAX_BYTES = 100
    response = post(api_alice, file=upload(validation))
    assert response.status_code == 400
    assert "larger than the limit" in response.json()["errors"][0]


def test_a_body_far_over_the_limit_answers_400_in_json(api_alice, validation, settings):
    settings.SUBMISSION_MAX_BYTES = 100
    big = SimpleUploadedFile("big.csv", b"x" * (1024 * 1024 + 1000))
    response = post(api_alice, file=big)
    assert response.status_code == 400
    assert "larger than the limit" in response.json()["errors"][0]


def test_a_participant_without_a_team_gets_a_team_of_one(validation, bob):
    client = APIClient()
    client.force_authenticate(bob)
    response = post(client, system="bob_01", file=upload(validation))
    assert response.status_code == 201 and response.json()["team"] == "bob"
    assert Membership.objects.get(user=bob).team.name == "bob"


def test_token_authentication(validation, alice, aurora):
    _, key = tokens.create(alice)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert post(client, file=upload(validation)).status_code == 201
    assert len(client.get(URL.format("validation")).json()) == 1


def test_session_uploads_need_the_csrf_token(alice, aurora, validation):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice)
    assert post(client, file=upload(validation)).status_code == 403


def test_anonymous_uploads_are_refused(api_anonymous, validation):
    response = post(api_anonymous, file=upload(validation))
    assert response.status_code == 401
    assert Submission.objects.count() == 0


def test_the_list_holds_the_teams_submissions_of_the_phase(api_alice, validation, test_phase,
                                                           aurora, scored_submission):  # fmt: skip
    first = scored_submission(validation, aurora, "A1")
    second = scored_submission(validation, aurora, "A2")
    scored_submission(test_phase, aurora, "T1")
    data = api_alice.get(URL.format("validation")).json()
    assert [s["id"] for s in data] == [second.pk, first.pk]


def test_an_empty_list_for_a_user_without_team(validation, bob):
    client = APIClient()
    client.force_authenticate(bob)
    assert client.get(URL.format("validation")).json() == []


def test_one_submission_with_its_scores_at_full_precision(api_alice, validation, aurora,
                                                         scored_submission):  # fmt: skip
    submission = scored_submission(validation, aurora)
    score = submission.scores.get()
    data = api_alice.get(f"/api/submissions/{submission.pk}/").json()
    assert data["status"] == "scored"
    assert data["scores"] == [
        {"split": "all", "srcc": score.srcc, "lcc": score.lcc, "ktau": score.ktau,
         "mse": score.mse, "n": 12}
    ]  # fmt: skip


def test_the_original_file_through_the_api(api_alice, validation, aurora, scored_submission):
    submission = scored_submission(validation, aurora)
    response = api_alice.get(f"/api/submissions/{submission.pk}/file/")
    assert b"".join(response.streaming_content) == csv_bytes(validation)


def test_an_unknown_phase_or_competition_is_404(api_alice, competition):
    assert post(api_alice, phase="train").status_code == 404
    assert api_alice.get("/api/competitions/nope/phases/validation/submissions/").status_code == 404


@pytest.fixture
def tight_rates(monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"uploads": "2/min", "user": "5/min", "anon": "3/min"},
    )


def test_uploads_are_throttled_with_retry_after(api_alice, validation, tight_rates):
    for _ in range(2):
        assert post(api_alice, file=upload(validation)).status_code == 201
    throttled = post(api_alice, file=upload(validation))
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert api_alice.get(URL.format("validation")).status_code == 200  # reading is not uploading


def test_reading_is_throttled_per_user(api_alice, api_bob, validation, tight_rates):
    for _ in range(5):
        assert api_alice.get(URL.format("validation")).status_code == 200
    assert api_alice.get(URL.format("validation")).status_code == 429
    assert api_bob.get(URL.format("validation")).status_code == 200


def test_anonymous_reading_is_throttled_per_address(api_anonymous, competition, tight_rates):
    for _ in range(3):
        assert api_anonymous.get("/api/competitions/xacle/").status_code == 200
    response = api_anonymous.get("/api/competitions/xacle/")
    assert response.status_code == 429 and "Retry-After" in response


def test_the_competitions_are_listed_for_anyone(api_anonymous, competition):
    response = api_anonymous.get("/api/competitions/")
    assert response.status_code == 200
    assert response.json() == [{"slug": "xacle", "title": competition.title}]
