import io

import pytest
from django.core.management import CommandError, call_command

import scoring
from competition import leaderboard, scorer
from competition.models import Submission
from tests.factories import make_competition, truth_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def competition():
    return make_competition()


@pytest.fixture
def run(tmp_path, competition):
    """A trainer run folder with its two submission files."""
    for phase in competition.phases.all():
        ids = list(phase.items().values_list("wav_file_name", flat=True))
        scoring.write_submission(
            tmp_path / f"inference_result_for_{phase.kind}.csv", ids, truth_of(phase) * 0.5 + 2
        )
    return tmp_path


def register(run, *args):
    call_command("register_baseline", str(run), "--competition", "xacle", *args,
                 stdout=io.StringIO())  # fmt: skip


def test_it_registers_both_files_as_an_unranked_baseline(run, competition):
    register(run)
    baseline = Submission.objects.filter(is_baseline=True, system_name="Baseline")
    assert baseline.count() == 2
    assert baseline.first().team.is_organizer
    scorer.score_many(list(baseline.values_list("pk", flat=True)))
    rows = leaderboard.build(competition.phases.get(kind="validation")).rows
    assert [(row.system, row.rank, row.baseline) for row in rows] == [("Baseline", None, True)]


def test_it_refuses_a_second_registration_unless_told_to_replace_it(run):
    register(run)
    with pytest.raises(CommandError, match="--replace"):
        register(run)
    register(run, "--replace")
    assert Submission.objects.filter(is_baseline=True).count() == 2


def test_it_names_a_missing_file(run):
    (run / "inference_result_for_test.csv").unlink()
    with pytest.raises(CommandError, match="inference_result_for_test.csv is missing"):
        register(run)
    assert not Submission.objects.exists()


def test_a_participant_team_named_organizers_never_receives_the_baseline(run, competition):
    from competition.models import Team

    participants = Team.objects.create(competition=competition, name="Organizers")
    register(run)
    baseline = Submission.objects.filter(is_baseline=True)
    assert baseline.count() == 2
    assert not baseline.filter(team=participants).exists()
    assert baseline.first().team.is_organizer


def test_a_second_reference_system_keeps_the_first_and_both_stay_unranked(
    run, tmp_path_factory, competition
):
    from competition.models import Team

    register(run)  # the 2026 recipe's files, as "Baseline"
    later = tmp_path_factory.mktemp("run2027")
    for phase in competition.phases.all():
        ids = list(phase.items().values_list("wav_file_name", flat=True))
        scoring.write_submission(
            later / f"inference_result_for_{phase.kind}.csv", ids, truth_of(phase) * 0.9 + 0.3
        )
    register(later, "--name", "Baseline_2027")
    team = Team.objects.create(competition=competition, name="Participants")
    for phase in competition.phases.all():
        ids = list(phase.items().values_list("wav_file_name", flat=True))
        buffer = io.StringIO()
        scoring.write_submission(buffer, ids, truth_of(phase) * 0.7 + 1)
        from competition.submitting import submit

        submit(phase, team, "mine", io.BytesIO(buffer.getvalue().encode()), filename="p.csv",
               check_open=False)  # fmt: skip
    scorer.score_many(list(Submission.objects.values_list("pk", flat=True)))
    for phase in competition.phases.all():
        # The organizer's view: the test board too, before it is revealed.
        rows = leaderboard.build(phase, organizer=True).rows
        marked = sorted((row.system, row.rank, row.baseline) for row in rows if row.baseline)
        assert marked == [("Baseline", None, True), ("Baseline_2027", None, True)], phase.kind
        ranked = [(row.system, row.rank) for row in rows if not row.baseline]
        assert ranked == [("mine", 1)], phase.kind
        # By team: the organizers' best reference row, still marked and unranked.
        rows = leaderboard.build(phase, by=leaderboard.TEAM, organizer=True).rows
        assert any(row.baseline for row in rows)
        assert all(row.rank is None for row in rows if row.baseline)
        assert [row.rank for row in rows if not row.baseline] == [1]
