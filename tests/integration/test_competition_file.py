"""A competition loaded from its file on the real servers: the reference systems it names are
scored by a real worker, a re-cut the participants' scores depend on is refused until asked
for and then rescored, and a load that fails half-way leaves PostgreSQL as it was."""

import io

import pytest
from django.core.management import CommandError, call_command

from competition import competition_sync
from competition.models import Competition, Phase, Score, Split, Submission, Team
from competition.submitting import submit
from tests.competition_files import make_folder
from tests.factories import upload
from tests.integration.conftest import wait_for


def load(path, *args) -> str:
    out = io.StringIO()
    call_command("load_competition", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def all_scored():
    return not Submission.objects.exclude(status=Submission.SCORED).exists()


def worker_idle() -> bool:
    """No task running or waiting to run: a rescore the sweep sent twice is done too, so
    that the next test's flush never meets it."""
    from config.celery import app

    inspect = app.control.inspect(timeout=1.0)
    busy = [inspect.active() or {}, inspect.reserved() or {}]
    return not any(tasks for found in busy for tasks in found.values())


@pytest.fixture(autouse=True)
def settled(celery_worker_process):
    """Each test ends with its submissions scored and the worker idle: a task still running
    when the database is flushed for the next test deadlocks the flush."""
    yield
    wait_for(lambda: all_scored() and worker_idle())


def test_the_files_references_are_scored_and_a_recut_rescored(tmp_path):
    path = make_folder(tmp_path)
    assert load(path).startswith("Created xacle-2027")
    wait_for(all_scored)
    assert Submission.objects.filter(is_baseline=True).count() == 2
    test = Phase.objects.get(kind="test")
    team = Team.objects.create(competition=test.competition, name="owls")
    mine = submit(test, team, "owls_01", upload(test), check_open=False)
    wait_for(all_scored)
    public_before = set(
        Split.objects.get(phase=test, name="public").items.values_list("pk", flat=True)
    )

    path.write_text(path.read_text().replace("public_fraction: 0.5", "public_fraction: 0.25"))
    with pytest.raises(CommandError) as refused:
        load(path)
    assert refused.value.returncode == 2
    assert Phase.objects.get(pk=test.pk).public_fraction == 0.5

    assert "phases.test.public_fraction: 0.5 -> 0.25" in load(path, "--recut")
    public = Split.objects.get(phase=test, name="public")
    assert set(public.items.values_list("pk", flat=True)) < public_before
    wait_for(
        lambda: all_scored() and Score.objects.filter(submission=mine, split=public, n=2).exists()
    )


def test_a_load_that_fails_half_way_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    path = make_folder(tmp_path)
    load(path)
    before = list(Phase.objects.order_by("pk").values())
    path.write_text(
        path.read_text().replace("max_submissions_per_day: 3", "max_submissions_per_day: 9")
    )

    def fail(*args):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(competition_sync, "_resources", fail)
    with pytest.raises(RuntimeError):
        load(path)
    assert list(Phase.objects.order_by("pk").values()) == before
    assert Competition.objects.count() == 1
