"""Idempotency-Key on the submissions endpoint: a retried submit replays the first answer
and stores nothing; a reused key on another request is a 409."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from competition.models import IdempotentSubmit, Submission
from tests.factories import csv_bytes

pytestmark = pytest.mark.django_db

URL = "/api/competitions/xacle/phases/validation/submissions/"


def post(client, phase, key="k-1", system="Aurora_01", content=None, name="predictions.csv"):
    content = content if content is not None else csv_bytes(phase)
    data = {"system_name": system, "file": SimpleUploadedFile(name, content)}
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(URL, data, format="multipart", headers=headers)


def test_a_repeat_with_the_same_key_replays_the_first_answer_and_stores_nothing(
    api_alice, validation
):
    first = post(api_alice, validation)
    again = post(api_alice, validation)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == first.json()
    assert Submission.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [{"system": "Aurora_02"}, {"name": "other.csv"}, {"content": b"wav_file_name,x\n"}],
    ids=["system name", "file name", "file content"],
)
def test_the_same_key_with_any_field_different_is_409(api_alice, validation, change):
    assert post(api_alice, validation).status_code == 201
    response = post(api_alice, validation, **change)
    assert response.status_code == 409
    assert "Idempotency-Key" in response.json()["errors"][0]
    assert Submission.objects.count() == 1


def test_the_replay_is_found_before_the_window_the_quota_and_the_throttle(
    api_alice, validation, monkeypatch
):
    validation.max_submissions_total = 1
    validation.save()
    assert post(api_alice, validation).status_code == 201
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"uploads": "1/min", "user": "1/min", "anon": "1/min"}
    )
    validation.closes_at = timezone.now() - timedelta(minutes=1)
    validation.save()
    assert post(api_alice, validation).status_code == 200
    assert post(api_alice, validation, key="k-2").status_code in (400, 429)


def test_keys_are_per_user_and_kept_for_a_day(api_alice, api_bob, validation):
    assert post(api_alice, validation).status_code == 201
    assert post(api_bob, validation, system="Borealis_01").status_code == 201
    assert Submission.objects.count() == 2
    IdempotentSubmit.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert post(api_alice, validation).status_code == 201
    assert Submission.objects.count() == 3


def test_a_refused_file_keeps_no_answer_under_its_key(api_alice, validation):
    assert post(api_alice, validation, content=b"nonsense\n").status_code == 400
    assert post(api_alice, validation).status_code == 201
    assert IdempotentSubmit.objects.count() == 1


def test_without_a_key_every_post_is_a_new_submission(api_alice, validation):
    assert post(api_alice, validation, key=None).status_code == 201
    assert post(api_alice, validation, key=None).status_code == 201
    assert Submission.objects.count() == 2


def test_the_201_needs_no_read_after_the_commit(api_alice, validation, monkeypatch):
    """The answer is built inside the transaction that stores the submission: a database
    that fails right after the commit cannot turn a stored submission into an error."""
    from django.db.backends.utils import CursorWrapper

    from competition.api import views

    stored, after = [], []
    real_accept, real_execute = views.accept_upload, CursorWrapper.execute

    def accept(*args, **kwargs):
        submissions = real_accept(*args, **kwargs)  # returns once the transaction is over
        stored.extend(submission.pk for submission in submissions)
        return submissions

    def execute(self, sql, params=None):
        if stored:
            after.append(sql)
        return real_execute(self, sql, params)

    monkeypatch.setattr(views, "accept_upload", accept)
    monkeypatch.setattr(CursorWrapper, "execute", execute)
    response = post(api_alice, validation)
    assert response.status_code == 201 and response.json()["id"] == stored[0]
    assert after == []


def test_a_package_is_replayed_whole_with_its_submissions(api_alice, validation):
    from tests.factories import xacle_package

    content = xacle_package(validation, ["Aurora_01", "Aurora_02"])
    first = post(api_alice, validation, system="", content=content, name="aurora.zip")
    again = post(api_alice, validation, system="", content=content, name="aurora.zip")
    assert first.status_code == 201, first.content
    assert again.status_code == 200
    assert again.json() == first.json()
    assert [s["system_name"] for s in first.json()["submissions"]] == ["Aurora_01", "Aurora_02"]
    assert Submission.objects.count() == 2
