"""Row locks on PostgreSQL: a standings refresh holding its team does not block that team's
new submissions (storing one needs only a key-share lock on the team); a worker handed a
submission that another worker's pass is scoring waits for it instead of sending it again,
and one held by a session that never lets go is retried."""

import threading
import time

import pytest
from celery.exceptions import Retry
from django.db import connection, transaction

from competition import standings, tasks
from competition.models import Score, Submission, Team
from competition.submitting import submit
from tests.factories import make_competition, upload


def test_a_team_held_by_a_standings_refresh_can_still_submit(monkeypatch):
    monkeypatch.setattr("competition.tasks.enqueue", lambda ids: len(ids))
    phase = make_competition(n_validation=10).phases.get(kind="validation")
    team = Team.objects.create(competition=phase.competition, name="owls")
    held, release = threading.Event(), threading.Event()

    def refresh_in_progress():
        try:
            with transaction.atomic():
                standings._lock_teams([team.pk])
                held.set()
                release.wait(30)
        finally:
            connection.close()

    holder = threading.Thread(target=refresh_in_progress)
    holder.start()
    try:
        assert held.wait(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")  # FOR UPDATE would make this wait
        submission = submit(phase, team, "owls_01", upload(phase))
    finally:
        release.set()
        holder.join(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = DEFAULT")
    assert Submission.objects.get().pk == submission.pk


def _held_by_another_worker(submission, finish: bool):
    """A thread whose transaction holds the submission's row, as a worker's pass scoring it
    does, until released; then marks it scored (finish) or lets go without a change."""
    held, release = threading.Event(), threading.Event()

    def pass_in_progress():
        try:
            with transaction.atomic():
                list(Submission.objects.select_for_update().filter(pk=submission.pk))
                held.set()
                release.wait(30)
                if finish:
                    Submission.objects.filter(pk=submission.pk).update(status="scored")
        finally:
            connection.close()

    holder = threading.Thread(target=pass_in_progress)
    holder.start()
    assert held.wait(30)
    return holder, release


def _deliver(submission, lock_timeout="10s"):
    """The submission's message handled by a worker, in a thread: (thread, outcome)."""
    outcome = {}

    def run():
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = '{lock_timeout}'")
            tasks.score_submission_task.apply(args=(submission.pk,), throw=True)
            outcome["finished"] = True
        except Exception as exc:
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _someone_waits_on_a_lock() -> bool:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


@pytest.fixture
def waiting_submission(monkeypatch):
    monkeypatch.setattr("competition.tasks.enqueue", lambda ids: len(ids))
    phase = make_competition(n_validation=10).phases.get(kind="validation")
    team = Team.objects.create(competition=phase.competition, name="owls")
    return submit(phase, team, "owls_01", upload(phase))


def test_a_submission_another_worker_is_scoring_is_waited_for_not_sent_again(waiting_submission):
    holder, release = _held_by_another_worker(waiting_submission, finish=True)
    try:
        delivery, outcome = _deliver(waiting_submission)
        assert _someone_waits_on_a_lock()  # the delivery waits on the row, not skipping it
    finally:
        release.set()
        holder.join(30)
    delivery.join(30)
    assert outcome == {"finished": True}  # no Retry: it found the submission scored
    waiting_submission.refresh_from_db()
    assert waiting_submission.status == "scored" and not Score.objects.exists()


def test_a_submission_held_by_a_session_that_never_lets_go_is_retried(waiting_submission):
    holder, release = _held_by_another_worker(waiting_submission, finish=False)
    try:
        delivery, outcome = _deliver(waiting_submission, lock_timeout="1s")
        delivery.join(30)
    finally:
        release.set()
        holder.join(30)
    assert isinstance(outcome.get("error"), Retry)
    waiting_submission.refresh_from_db()
    assert waiting_submission.status == "queued"  # left for the retry, nothing claimed
