"""/healthz is the web process's liveness; /healthz/queue and `manage.py health` say
whether the queue moves."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from competition import tasks
from competition.models import Submission
from competition.submitting import submit
from tests.factories import upload

pytestmark = pytest.mark.django_db


def test_liveness_does_not_depend_on_the_queue(anonymous, validation, aurora):
    submission = submit(validation, aurora, "a1", upload(validation))
    Submission.objects.filter(pk=submission.pk).update(queued_at=timezone.now() - timedelta(days=1))
    assert anonymous.get("/healthz").status_code == 200


def test_an_empty_or_moving_queue_is_healthy(anonymous, validation, aurora):
    submit(validation, aurora, "a1", upload(validation))
    tasks.sweep_stale_submissions()
    report = anonymous.get("/healthz/queue").json()
    assert report["ok"] is True and report["oldest_waiting_seconds"] < 60
    assert report["last_sweep_at"] is not None
    call_command("health")


def test_a_submission_waiting_twice_the_stale_threshold_fails_both_checks(
    anonymous, validation, aurora, settings
):
    submission = submit(validation, aurora, "a1", upload(validation))
    waited = timedelta(seconds=2 * settings.STALE_QUEUED_SECONDS + 5)
    Submission.objects.filter(pk=submission.pk).update(queued_at=timezone.now() - waited)
    response = anonymous.get("/healthz/queue")
    assert response.status_code == 503
    assert response.json()["oldest_waiting_id"] == submission.pk
    assert response.json()["last_sweep_at"] is None  # no sweep has run: say so
    with pytest.raises(CommandError, match=f"submission {submission.pk} has waited"):
        call_command("health")


def test_sending_again_does_not_hide_how_long_it_waited(anonymous, validation, aurora, settings):
    submission = submit(validation, aurora, "a1", upload(validation))
    waited = timedelta(seconds=2 * settings.STALE_QUEUED_SECONDS + 5)
    Submission.objects.filter(pk=submission.pk).update(queued_at=timezone.now() - waited)
    tasks.sweep_stale_submissions()
    assert anonymous.get("/healthz/queue").status_code == 503
