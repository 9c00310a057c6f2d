"""The results analysis on the real servers: a worker writes the per-subset scores with the
split scores, and runs the debounced analysis once the phase's scores are quiet."""

import io

import pytest
from django.core.management import call_command

from competition.models import Item, Phase, Submission, Team
from competition.submitting import submit
from results.models import Analysis, PendingAnalysis, SubsetScore
from tests.factories import upload, write_dataset
from tests.integration.conftest import WorkerProcess, wait_for


@pytest.fixture
def phase(tmp_path):
    dataset = write_dataset(tmp_path, n_validation=30, n_test=30)
    call_command("import_dataset", str(dataset), competition="xacle", stdout=io.StringIO())
    phase = Phase.objects.get(kind="validation")
    for number, item in enumerate(phase.items()):
        Item.objects.filter(pk=item.pk).update(
            subsets="natural" if number % 2 else "synthetic/Tango"
        )
    return phase


def test_a_worker_scores_the_subsets_and_analyses_the_phase_once_quiet(
    phase, celery_worker_process
):
    celery_worker_process.stop()
    env = dict(celery_worker_process.env, RESULTS_ANALYSIS_DEBOUNCE_SECONDS="1")
    worker = WorkerProcess(env, "results").start()
    try:
        owls = Team.objects.create(competition=phase.competition, name="owls")
        larks = Team.objects.create(competition=phase.competition, name="larks")
        submissions = [
            submit(phase, owls, "owls_01", upload(phase)),
            submit(phase, larks, "larks_01", upload(phase)),
        ]
        wait_for(
            lambda: (
                Submission.objects.filter(
                    pk__in=[s.pk for s in submissions], status=Submission.SCORED
                ).count()
                == 2
            )
        )
        for submission in submissions:
            subsets = set(
                SubsetScore.objects.filter(submission=submission).values_list("subset", flat=True)
            )
            assert subsets == {"natural", "synthetic", "synthetic/Tango"}
        analysis = wait_for(lambda: Analysis.objects.filter(split__phase=phase).first(), timeout=90)
        wait_for(lambda: analysis.systems.count() == 2, timeout=30)
        assert analysis.ceiling_srcc is not None
        assert not PendingAnalysis.objects.filter(phase=phase).exists()
    finally:
        worker.stop()
        celery_worker_process.start()
