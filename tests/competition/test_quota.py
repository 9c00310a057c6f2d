"""The phase's submission limits: per UTC day and in total, refused with a reason."""

from datetime import timedelta

import pytest

import scoring
from competition.models import Submission
from competition.submitting import submit
from tests.factories import make_competition, make_team, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("competition.tasks.enqueue", lambda ids: len(ids))


@pytest.fixture
def phase():
    phase = make_competition().phases.get(kind="validation")
    phase.max_submissions_per_day = 2
    phase.save()
    return phase


def test_the_daily_limit_refuses_the_next_submission_until_midnight(phase):
    team = make_team(phase.competition, "owls")
    for number in range(2):
        submit(phase, team, f"s{number}", upload(phase))
    with pytest.raises(scoring.SubmissionError, match="its 2 submissions .* for today"):
        submit(phase, team, "s3", upload(phase))
    Submission.objects.update(
        submitted_at=Submission.objects.first().submitted_at - timedelta(days=1)
    )
    submit(phase, team, "s3", upload(phase))


def test_the_limit_is_per_team(phase):
    owls, larks = make_team(phase.competition, "owls"), make_team(phase.competition, "larks")
    for number in range(2):
        submit(phase, owls, f"s{number}", upload(phase))
    submit(phase, larks, "l1", upload(phase))


def test_failed_submissions_and_refused_files_cost_nothing(phase):
    team = make_team(phase.competition, "owls")
    first = submit(phase, team, "s1", upload(phase))
    Submission.objects.filter(pk=first.pk).update(status=Submission.FAILED)
    with pytest.raises(scoring.SubmissionError):
        submit(phase, team, "broken", upload(phase, predictions=[float("nan")] * 12))
    submit(phase, team, "s2", upload(phase))
    submit(phase, team, "s3", upload(phase))


def test_the_total_limit(phase):
    phase.max_submissions_per_day, phase.max_submissions_total = None, 1
    phase.save()
    team = make_team(phase.competition, "owls")
    submit(phase, team, "s1", upload(phase))
    with pytest.raises(scoring.SubmissionError, match="all 1 submissions"):
        submit(phase, team, "s2", upload(phase))


def test_the_organizers_reference_systems_are_not_counted(phase):
    team = make_team(phase.competition, "Organizers")
    for number in range(3):
        submit(phase, team, f"b{number}", upload(phase), is_baseline=True, check_open=False)
