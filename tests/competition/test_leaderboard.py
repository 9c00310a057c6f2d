from datetime import timedelta

import pytest

from competition import leaderboard, standings
from competition.models import Phase, Submission, Team
from scoring import ranking
from tests.factories import T0, make_competition, scored

pytestmark = pytest.mark.django_db


@pytest.fixture
def competition():
    return make_competition(test_fraction=0.5)


@pytest.fixture
def board_data(competition):
    phase = competition.phases.get(kind="validation")
    teams = {name: Team.objects.create(competition=competition, name=name) for name in "ABCD"}
    org = Team.objects.create(competition=competition, name="Organizers", is_organizer=True)
    scored(phase, teams["A"], "a1", (0.60, 0.6, 0.4, 3.0), minutes=1)
    scored(phase, teams["A"], "a2", (0.50, 0.5, 0.3, 3.0), minutes=2)
    scored(phase, teams["B"], "b1", (0.55, 0.6, 0.4, 3.0), minutes=3)
    scored(phase, teams["C"], "c1", (0.55, 0.6, 0.4, 3.0), minutes=4)  # ties b1 on all four
    scored(phase, teams["D"], "d1", (0.55, 0.6, 0.4, 2.0), minutes=5)  # wins on MSE
    scored(phase, teams["D"], "d1", (0.10, 0.1, 0.1, 9.0), minutes=6)  # a worse revision
    scored(phase, teams["D"], "d2", (0.00, 0.0, 0.0, 9.0), status=Submission.FAILED, minutes=7)
    scored(phase, org, "Baseline", (0.38, 0.34, 0.23, 4.8), baseline=True)
    standings.rebuild(phase)
    return phase


def names(board):
    return [(row.rank, row.team, row.system) for row in board.rows]


def test_systems_are_ranked_by_srcc_then_lcc_ktau_and_mse(board_data):
    board = leaderboard.build(board_data, by="system")
    assert names(board) == [
        (1, "A", "a1"),
        (2, "D", "d1"),
        (3, "B", "b1"),
        (3, "C", "c1"),
        (5, "A", "a2"),
        (None, "Organizers", "Baseline"),
    ]
    assert board.total == 6
    assert board.rows[-1].baseline


def test_a_system_shows_its_best_submission_and_counts_them_all(board_data):
    d1 = next(row for row in leaderboard.build(board_data).rows if row.system == "d1")
    assert d1.mse == 2.0
    assert d1.submissions == 2
    assert d1.last_submitted_at == T0 + timedelta(minutes=6)


def test_teams_are_ranked_by_their_best_system(board_data):
    board = leaderboard.build(board_data, by="team")
    assert names(board) == [
        (1, "A", "a1"),
        (2, "D", "d1"),
        (3, "B", "b1"),
        (3, "C", "c1"),
        (None, "Organizers", "Baseline"),
    ]
    assert board.rows[0].submissions == 2
    assert board.rows[1].submissions == 2  # scored submissions only: d2 failed


def test_the_database_order_is_the_order_scoring_ranking_defines(board_data):
    rows = leaderboard.build(board_data).rows
    expected = ranking.rank_systems(rows)
    assert [(r.rank, r.row.submission_id) for r in expected] == [
        (row.rank, row.submission_id) for row in rows
    ]


def test_a_page_keeps_the_global_ranks(board_data):
    board = leaderboard.build(board_data, offset=2, limit=2)
    assert names(board) == [(3, "B", "b1"), (3, "C", "c1")]
    assert board.total == 6


def test_it_takes_two_queries_however_many_rows(board_data, django_assert_num_queries):
    split = board_data.splits.get()
    # By team: the rows, and the systems above the page's last row for their system ranks.
    with django_assert_num_queries(2):
        leaderboard.build(board_data, split, by="team")
    with django_assert_num_queries(2):
        leaderboard.build(board_data, split, by="system", limit=100)


def test_deleting_a_systems_best_submission_lets_the_next_best_stand(
    board_data, django_capture_on_commit_callbacks
):
    best = Submission.objects.get(system_name="d1", scores__mse=2.0, scores__split__isnull=False)
    with django_capture_on_commit_callbacks(execute=True):
        best.delete()
    d1 = next(row for row in leaderboard.build(board_data).rows if row.system == "d1")
    assert (d1.srcc, d1.submissions) == (0.10, 1)


def test_a_hidden_split_shows_participants_nothing_and_organizers_everything(competition):
    phase = competition.phases.get(kind="test")
    team = Team.objects.create(competition=competition, name="A")
    scored(phase, team, "a1", (0.5, 0.5, 0.5, 1.0))
    standings.rebuild(phase)
    public, private = phase.splits.get(name="public"), phase.splits.get(name="private")
    assert leaderboard.build(phase, public).rows
    hidden = leaderboard.build(phase, private)
    assert hidden.hidden and hidden.rows == [] and hidden.total == 0
    assert leaderboard.build(phase, private, organizer=True).rows
    phase.leaderboard = Phase.REVEALED
    assert not leaderboard.build(phase, private).hidden
    assert phase.default_split() == private


def test_a_hidden_phase_hides_even_its_public_split(competition):
    phase = competition.phases.get(kind="test")
    phase.leaderboard = Phase.HIDDEN
    assert leaderboard.build(phase, phase.splits.get(name="public")).hidden


GOOD, POOR = (0.6, 0.6, 0.4, 3.0), (0.2, 0.2, 0.1, 6.0)


@pytest.fixture
def lucky_and_steady(competition):
    """One system, two submissions: steady is best on the public split, lucky on the private."""
    phase = competition.phases.get(kind="test")
    team = Team.objects.create(competition=competition, name="A")
    steady = scored(phase, team, "a1", GOOD, minutes=1, private=POOR)
    lucky = scored(phase, team, "a1", POOR, minutes=2, private=GOOD)
    phase.leaderboard = Phase.REVEALED
    phase.save()
    return phase, steady, lucky


def board_submission(phase, split_name):
    return leaderboard.build(phase, phase.splits.get(name=split_name)).rows[0].submission_id


def test_a_system_is_the_same_submission_on_every_split(lucky_and_steady):
    phase, steady, _ = lucky_and_steady
    standings.rebuild(phase)
    # Chosen on the public split: the private split cannot pick the lucky one afterwards.
    assert board_submission(phase, "public") == steady.pk
    assert board_submission(phase, "private") == steady.pk


def test_a_submission_selected_as_final_represents_its_system(lucky_and_steady):
    phase, _, lucky = lucky_and_steady
    Submission.objects.filter(pk=lucky.pk).update(selected_for_final=True)
    standings.rebuild(phase)
    assert board_submission(phase, "public") == lucky.pk
    assert board_submission(phase, "private") == lucky.pk


def test_without_a_public_split_a_system_is_its_latest_submission(competition):
    phase = competition.phases.get(kind="test")
    phase.splits.exclude(name="private").delete()
    phase.leaderboard = Phase.REVEALED
    team = Team.objects.create(competition=competition, name="A")
    scored(phase, team, "a1", GOOD, minutes=1)
    latest = scored(phase, team, "a1", POOR, minutes=2)
    standings.rebuild(phase)
    assert board_submission(phase, "private") == latest.pk
