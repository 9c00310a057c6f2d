"""The workers' side: sending never raises nor waits long, a task that finds its
submission held retries instead of finishing, and a worker's start sends what waits."""

import socket
from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.db import OperationalError
from django.utils import timezone

from competition import scorer, tasks
from competition.models import Beacon, Score, Submission
from competition.submitting import submit
from tests.factories import upload

pytestmark = pytest.mark.django_db
REAL_ENQUEUE = tasks.enqueue  # the conftest records instead of sending; these tests send


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def silent_broker():
    """A broker that accepts connections and never answers (a hung Redis)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()


@pytest.fixture
def broker(settings, monkeypatch):
    from config.celery import app

    def use(url):
        # The write URL first: its saved value must be read before broker_url changes.
        monkeypatch.setattr(app.conf, "broker_write_url", None)
        monkeypatch.setattr(app.conf, "broker_url", url)

    return use


@pytest.mark.parametrize("kind", ["refused", "hung"])
def test_a_broker_that_is_down_or_hangs_is_logged_not_raised(broker, silent_broker, kind, caplog):
    broker(f"redis://127.0.0.1:{closed_port()}/0" if kind == "refused" else silent_broker)
    assert REAL_ENQUEUE([1, 2, 3]) == 0  # logged, never raised
    assert "could not queue 3 of 3" in caplog.text


def test_senders_connect_and_send_with_a_deadline_and_no_retries(settings):
    options = tasks.publish_options()
    assert options["socket_connect_timeout"] + options["socket_timeout"] <= 0.2
    assert options["max_retries"] == 0 and settings.PUBLISH_TIMEOUT <= 0.2


def test_an_upload_with_the_broker_down_is_stored_and_answered(
    broker, api_alice, validation, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(tasks, "enqueue", REAL_ENQUEUE)
    broker(f"redis://127.0.0.1:{closed_port()}/0")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_alice.post(
            "/api/competitions/xacle/phases/validation/submissions/",
            {"system_name": "Aurora_01", "file": upload(validation)},
            format="multipart",
        )
    assert response.status_code == 201
    assert Submission.objects.get().status == Submission.QUEUED


def test_a_held_submission_is_retried_not_acknowledged(validation, aurora, monkeypatch):
    submission = submit(validation, aurora, "a1", upload(validation))
    monkeypatch.setattr(scorer, "score_next", lambda pk, batch: {})  # as if skip_locked
    with pytest.raises(Retry):
        tasks.score_submission_task.apply(args=(submission.pk,), throw=True)


def test_a_database_blip_is_retried(validation, aurora, monkeypatch):
    submission = submit(validation, aurora, "a1", upload(validation))

    def blip(pk, batch):
        raise OperationalError("could not serialize access")

    monkeypatch.setattr(scorer, "score_next", blip)
    with pytest.raises(Retry):
        tasks.score_submission_task.apply(args=(submission.pk,), throw=True)


def test_a_pass_also_scores_the_submissions_that_waited_longest(validation, aurora, settings):
    settings.SCORING_BATCH = 3
    waiting = [submit(validation, aurora, f"a{i}", upload(validation)) for i in range(4)]
    for age, submission in zip([60, 50, 40, 30], waiting, strict=True):
        Submission.objects.filter(pk=submission.pk).update(
            queued_at=timezone.now() - timedelta(seconds=age)
        )
    fresh = submit(validation, aurora, "a_fresh", upload(validation))
    tasks.score_submission_task.apply(args=(waiting[3].pk,), throw=True)
    status = dict(Submission.objects.values_list("pk", "status"))
    assert [status[s.pk] for s in waiting] == ["scored", "scored", "queued", "scored"]
    # A submission queued this very moment is left to its own message: the workers keep up.
    assert scorer.score_next(waiting[2].pk, batch=10) == {waiting[2].pk: "scored"}
    assert Submission.objects.get(pk=fresh.pk).status == "queued"
    # Their own messages find them scored and finish with no retry and without scoring them
    # again; a pass they make takes what still waits.
    written = list(Score.objects.order_by("pk").values_list("pk", "submission_id", "srcc"))
    Submission.objects.filter(pk=fresh.pk).update(queued_at=timezone.now() - timedelta(hours=1))
    for submission in waiting[:2]:
        tasks.score_submission_task.apply(args=(submission.pk,), throw=True)
    scores = Score.objects.order_by("pk").values_list("pk", "submission_id", "srcc")
    assert [row for row in scores if row[1] != fresh.pk] == written
    assert set(Submission.objects.values_list("status", flat=True)) == {"scored"}


def test_a_submission_delivered_on_time_is_scored_alone(validation, aurora):
    # The workers keep up: nothing else is looked for, not even one whose message was lost
    # (the sweep sends it again).
    lost = submit(validation, aurora, "a_lost", upload(validation))
    Submission.objects.filter(pk=lost.pk).update(queued_at=timezone.now() - timedelta(hours=1))
    fresh = submit(validation, aurora, "a_fresh", upload(validation))
    assert scorer.score_next(fresh.pk, batch=10) == {fresh.pk: "scored"}
    assert Submission.objects.get(pk=lost.pk).status == "queued"


def test_a_batch_of_one_scores_only_the_delivered_submission(validation, aurora, settings):
    settings.SCORING_BATCH = 1
    first, second = (submit(validation, aurora, f"a{i}", upload(validation)) for i in range(2))
    Submission.objects.update(queued_at=timezone.now() - timedelta(minutes=1))
    tasks.score_submission_task.apply(args=(second.pk,), throw=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("queued", "scored")


def test_a_pass_leaves_claimed_and_failed_submissions_to_their_own_course(validation, aurora):
    claimed, failed, fresh = (submit(validation, aurora, f"a{i}", upload(validation))
                              for i in range(3))  # fmt: skip
    Submission.objects.filter(pk=claimed.pk).update(status="scoring", claimed_at=timezone.now())
    Submission.objects.filter(pk=failed.pk).update(status="failed")
    assert scorer.score_next(fresh.pk, batch=10) == {fresh.pk: "scored"}


def test_the_retries_are_bounded_and_back_off():
    assert [tasks._backoff(n) for n in range(7)] == [1, 2, 4, 8, 16, 30, 30]


def test_a_scored_submission_finishes_its_task(validation, aurora):
    submission = submit(validation, aurora, "a1", upload(validation))
    tasks.score_submission_task.apply(args=(submission.pk,), throw=True)
    submission.refresh_from_db()
    assert submission.status == Submission.SCORED


def test_a_worker_start_sends_every_waiting_submission_at_once(validation, aurora, enqueued):
    fresh = submit(validation, aurora, "a1", upload(validation))
    enqueued.clear()
    tasks.sweep_at_start()
    assert enqueued == [fresh.pk]
    assert Beacon.last("sweep") is not None


def test_the_periodic_sweep_sends_only_what_waited_too_long(validation, aurora, enqueued):
    fresh = submit(validation, aurora, "a1", upload(validation))
    old = submit(validation, aurora, "a2", upload(validation))
    Submission.objects.filter(pk=old.pk).update(queued_at=timezone.now() - timedelta(hours=1))
    enqueued.clear()
    tasks.sweep_stale_submissions()
    assert enqueued == [old.pk] and fresh.pk not in enqueued
    enqueued.clear()
    tasks.sweep_stale_submissions()  # sent again only after another stale interval
    assert enqueued == []


def test_a_claim_marks_scoring_with_the_time_and_a_stuck_claim_is_sent_again(
    validation, aurora, settings, enqueued
):
    submission = submit(validation, aurora, "a1", upload(validation))
    assert scorer._claim([submission.pk]) == 1
    submission.refresh_from_db()
    assert submission.status == Submission.SCORING and submission.claimed_at is not None
    enqueued.clear()
    tasks.sweep_stale_submissions()
    assert enqueued == []  # a fresh claim: a worker is on it
    Submission.objects.filter(pk=submission.pk).update(
        claimed_at=timezone.now() - timedelta(seconds=settings.STALE_SCORING_SECONDS + 1)
    )
    tasks.sweep_stale_submissions()
    assert enqueued == [submission.pk]
    assert scorer.score_submission(submission.pk) == Submission.SCORED  # the next delivery
