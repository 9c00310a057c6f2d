"""The core loop on the real servers: import, submit, a worker scores, the leaderboard ranks;
and what happens when a worker dies or the broker is away."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from competition import leaderboard
from competition.models import Phase, Score, Submission, Team
from competition.submitting import submit
from competition.tasks import sweep_stale_submissions
from tests.factories import change_first_rating, rewrite_csv, truth_of, upload, write_dataset
from tests.integration.conftest import WorkerProcess, wait_for


@pytest.fixture
def phase(tmp_path):
    dataset = write_dataset(tmp_path, n_validation=30, n_test=30)
    call_command("import_dataset", str(dataset), competition="xacle", stdout=io.StringIO())
    return Phase.objects.get(kind="validation")


def status_of(submission):
    return Submission.objects.values_list("status", flat=True).get(pk=submission.pk)


def scored(submission):
    return status_of(submission) == Submission.SCORED


def test_a_worker_scores_a_submission_and_the_leaderboard_ranks_it(phase, celery_worker_process):
    owls = Team.objects.create(competition=phase.competition, name="owls")
    larks = Team.objects.create(competition=phase.competition, name="larks")
    good = submit(phase, owls, "owls_01", upload(phase, truth_of(phase)))
    poor = submit(phase, larks, "larks_01", upload(phase))
    wait_for(lambda: scored(good) and scored(poor))
    board = leaderboard.build(phase, by="team")
    assert [(row.rank, row.team) for row in board.rows] == [(1, "owls"), (2, "larks")]
    assert board.rows[0].srcc == 1.0


def test_a_worker_keeps_its_database_session_from_task_to_task(phase, celery_worker_process):
    # Celery's Django fixup would close it after every task: a new PostgreSQL session (a
    # server process, cold caches) for every submission scored.
    team = Team.objects.create(competition=phase.competition, name="owls")
    first = submit(phase, team, "owls_00", upload(phase))
    wait_for(lambda: scored(first))

    def sessions() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
            )
            return cursor.fetchone()[0]

    before = sessions()
    for i in range(1, 11):
        submission = submit(phase, team, f"owls_{i:02d}", upload(phase))
        wait_for(lambda s=submission: scored(s))
    assert sessions() - before <= 1  # at most one: a pool process that had none yet


def test_a_submission_survives_a_worker_killed_mid_task(phase, celery_worker_process, tmp_path):
    celery_worker_process.stop()
    marker = tmp_path / "running"
    env = dict(celery_worker_process.env, XACLE_TEST_MARKER=str(marker))
    doomed = WorkerProcess(env, "doomed", "--include", "tests.integration.worker_hooks").start()
    try:
        team = Team.objects.create(competition=phase.competition, name="owls")
        submission = submit(phase, team, "owls_01", upload(phase))
        wait_for(marker.exists)
        doomed.kill()
        assert status_of(submission) != Submission.SCORED
    finally:
        doomed.kill()
        celery_worker_process.start()
    # The unacknowledged task comes back to the surviving worker.
    wait_for(lambda: scored(submission), timeout=90)


def test_a_submission_made_while_the_broker_is_down_is_kept_and_scored_later(
    phase, celery_worker_process, settings, monkeypatch
):
    from config.celery import app

    team = Team.objects.create(competition=phase.competition, name="owls")
    with broker_down(app, monkeypatch):
        submission = submit(phase, team, "owls_01", upload(phase))
    assert status_of(submission) == Submission.QUEUED
    settings.STALE_QUEUED_SECONDS = 0
    assert sweep_stale_submissions() == 1
    wait_for(lambda: scored(submission))


def test_score_all_pending_only_picks_up_what_the_broker_missed(
    phase, celery_worker_process, monkeypatch
):
    from config.celery import app

    team = Team.objects.create(competition=phase.competition, name="owls")
    with broker_down(app, monkeypatch):
        submission = submit(phase, team, "owls_01", upload(phase))
    out = io.StringIO()
    call_command("score_all", competition="xacle", pending_only=True, stdout=out)
    assert "Scored 1, failed 0" in out.getvalue()
    assert scored(submission)


def test_rescoring_through_the_workers_keeps_the_same_rows(phase, celery_worker_process):
    team = Team.objects.create(competition=phase.competition, name="owls")
    submission = submit(phase, team, "owls_01", upload(phase))
    wait_for(lambda: scored(submission))
    before = list(Score.objects.order_by("pk").values_list("pk", "split_id", "srcc", "mse"))
    out = io.StringIO()
    call_command("score_all", competition="xacle", stdout=out)
    assert "Scored 1, failed 0" in out.getvalue()
    call_command("score_all", competition="xacle", stdout=out)
    assert list(Score.objects.order_by("pk").values_list("pk", "split_id", "srcc", "mse")) == before


def test_a_ratings_correction_is_followed_by_rescoring(phase, celery_worker_process, tmp_path):
    team = Team.objects.create(competition=phase.competition, name="owls")
    oracle = submit(phase, team, "oracle", upload(phase, truth_of(phase)))
    wait_for(lambda: scored(oracle))
    assert oracle.scores.get().mse == 0.0
    dataset = tmp_path / "XACLE_dataset"
    rewrite_csv(dataset / "meta_data" / "validation.csv", change_first_rating)
    call_command("import_dataset", str(dataset), competition="xacle", stdout=io.StringIO())
    wait_for(lambda: scored(oracle) and Score.objects.get(submission=oracle).mse > 0)


class broker_down:
    """Point this process's producer at a port where no broker listens."""

    def __init__(self, app, monkeypatch):
        self.app, self.monkeypatch = app, monkeypatch

    def __enter__(self):
        self._reset()
        self.monkeypatch.setattr(self.app.conf, "broker_url", "redis://127.0.0.1:9/0")
        return self

    def __exit__(self, *exc):
        self._reset()
        self.monkeypatch.undo()

    def _reset(self):
        # Connections and producers are pooled: drop them so the next send reconnects.
        from kombu import pools

        pools.reset()
        self.app._pool = None
        self.app.amqp._producer_pool = None
