"""Final selection: up to max_final submissions a team marks final, one per system, until
the selection deadline and never after the reveal; once the phase has closed only finals
are ranked, and a team that marked none is represented by its K best systems on the public
split, else its K latest (automatically, and the board says so)."""

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from competition import finals, leaderboard, standings
from competition.models import Submission, Team
from tests.factories import make_competition, make_team, scored

pytestmark = pytest.mark.django_db

CLOSES = datetime(2026, 1, 31, 23, 59, tzinfo=UTC)
BEFORE = CLOSES - timedelta(days=1)
AFTER = CLOSES + timedelta(days=1)


@pytest.fixture
def phase(test_phase):
    test_phase.opens_at, test_phase.closes_at, test_phase.max_final = (
        datetime(2026, 1, 1, tzinfo=UTC), CLOSES, 2
    )  # fmt: skip
    test_phase.save()
    return test_phase


def select(client, submission, action="select"):
    return client.post(f"/api/submissions/{submission.pk}/{action}/")


def finals_of(team, phase):
    return set(
        Submission.objects.filter(team=team, phase=phase, selected_for_final=True).values_list(
            "system_name", flat=True
        )
    )


@time_machine.travel(BEFORE, tick=False)
def test_k_finals_are_taken_and_the_next_is_refused_with_409(api_alice, aurora, phase):
    subs = [scored(phase, aurora, f"A_{n}", (0.5, 0.5, 0.5, 1.0), minutes=n) for n in range(3)]
    assert select(api_alice, subs[0]).json()["final"] is True
    assert select(api_alice, subs[1]).status_code == 200
    refused = select(api_alice, subs[2])
    assert refused.status_code == 409
    assert refused.json() == {
        "errors": [
            "Your team has selected 2 final submissions, the most the test phase allows; "
            "unselect one first."
        ],
        "code": "selection_refused",
    }
    assert finals_of(aurora, phase) == {"A_0", "A_1"}
    assert api_alice.get("/api/competitions/xacle/phases/test/").json()["finals"] == {
        "max_final": 2, "selected": 2, "closes_at": "2026-01-31T23:59:00Z", "open": True
    }  # fmt: skip
    assert select(api_alice, subs[1], "unselect").json()["final"] is False
    assert select(api_alice, subs[2]).status_code == 200
    assert finals_of(aurora, phase) == {"A_0", "A_2"}


@time_machine.travel(BEFORE, tick=False)
def test_marking_a_system_again_unmarks_its_other_submission(api_alice, aurora, phase):
    first = scored(phase, aurora, "A_1", (0.5, 0.5, 0.5, 1.0), minutes=1)
    second = scored(phase, aurora, "A_1", (0.4, 0.5, 0.5, 1.0), minutes=2)
    other = scored(phase, aurora, "A_2", (0.3, 0.5, 0.5, 1.0), minutes=3)
    select(api_alice, first)
    select(api_alice, other)
    # Two finals already, but replacing A_1's final is not a third one.
    assert select(api_alice, second).status_code == 200
    assert list(
        Submission.objects.filter(selected_for_final=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    ) == [second.pk, other.pk]


def test_unscored_submissions_may_be_marked_failed_and_late_ones_not(api_alice, aurora, phase):
    with time_machine.travel(BEFORE, tick=False):
        queued = scored(phase, aurora, "A_1", (0.5, 0.5, 0.5, 1.0), status=Submission.QUEUED)
        failed = scored(phase, aurora, "A_2", (0.5, 0.5, 0.5, 1.0), status=Submission.FAILED)
        assert select(api_alice, queued).status_code == 200
        assert "failed to score" in select(api_alice, failed).json()["errors"][0]
    phase.final_selection_closes_at = AFTER + timedelta(days=1)
    phase.save()
    late = scored(phase, aurora, "A_3", (0.5, 0.5, 0.5, 1.0))
    Submission.objects.filter(pk=late.pk).update(is_late=True)
    with time_machine.travel(AFTER, tick=False):
        assert "is late" in select(api_alice, late).json()["errors"][0]


def test_the_selection_closes_at_its_deadline_which_may_be_after_the_close(
    api_alice, aurora, phase
):
    submission = scored(phase, aurora, "A_1", (0.5, 0.5, 0.5, 1.0))
    with time_machine.travel(CLOSES, tick=False):
        refused = select(api_alice, submission)
    assert refused.status_code == 409
    assert refused.json()["errors"] == [
        "The final selection of the test phase closed at 2026-01-31 23:59 UTC."
    ]
    phase.final_selection_closes_at = CLOSES + timedelta(days=2)
    phase.save()
    with time_machine.travel(AFTER, tick=False):
        assert select(api_alice, submission).status_code == 200
    with time_machine.travel(CLOSES + timedelta(days=2), tick=False):
        assert select(api_alice, submission, "unselect").status_code == 409


def test_no_selection_after_the_reveal(api_alice, aurora, phase):
    submission = scored(phase, aurora, "A_1", (0.5, 0.5, 0.5, 1.0))
    phase.final_selection_closes_at = AFTER + timedelta(days=10)
    phase.save()
    with time_machine.travel(AFTER, tick=False):
        call_command("reveal", competition="xacle", phase="test", stdout=io.StringIO())
        refused = select(api_alice, submission)
    assert refused.status_code == 409 and "revealed" in refused.json()["errors"][0]


def test_a_phase_without_selection_refuses_it(api_alice, aurora, validation):
    submission = scored(validation, aurora, "A_1", (0.5, 0.5, 0.5, 1.0))
    refused = select(api_alice, submission)
    assert refused.status_code == 409 and "no final selection" in refused.json()["errors"][0]


def test_another_teams_submission_is_a_404(api_bob, aurora, phase):
    submission = scored(phase, aurora, "A_1", (0.5, 0.5, 0.5, 1.0))
    assert select(api_bob, submission).status_code == 404


@time_machine.travel(BEFORE, tick=False)
def test_the_page_marks_a_final_and_counts_them(as_alice, aurora, phase):
    submission = scored(phase, aurora, "A_1", (0.5, 0.5, 0.5, 1.0))
    page = as_alice.get("/c/xacle/submissions/").content.decode()
    assert "<strong>0 of 2</strong> final submissions selected" in page
    assert "Select as final" in page
    response = as_alice.post(f"/submissions/{submission.pk}/final/", {"action": "select"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.selected_for_final
    page = as_alice.get("/c/xacle/submissions/").content.decode()
    assert "<strong>1 of 2</strong>" in page and "Unselect final" in page
    assert "is now final" in page


# Who is ranked once the phase closes


def board_systems(phase, split_name, by="system"):
    board = leaderboard.build(phase, phase.splits.get(name=split_name), by, organizer=True)
    return [(row.team, row.system, row.selection) for row in board.rows]


def test_after_the_close_only_finals_or_the_automatic_choice_are_ranked(phase, competition):
    chosen = Team.objects.create(competition=competition, name="Chosen")
    auto = Team.objects.create(competition=competition, name="Auto")
    org = Team.objects.create(competition=competition, name="Organizers", is_organizer=True)
    scored(phase, chosen, "C_1", (0.9, 0.9, 0.9, 1.0))
    final = scored(phase, chosen, "C_2", (0.2, 0.2, 0.2, 1.0), minutes=1)
    Submission.objects.filter(pk=final.pk).update(selected_for_final=True)
    # Auto's best on the public split are A_2 and A_3; A_1 is best on the private split.
    scored(phase, auto, "A_1", (0.1, 0.1, 0.1, 1.0), minutes=2, private=(0.99, 0.9, 0.9, 1.0))
    scored(phase, auto, "A_2", (0.8, 0.8, 0.8, 1.0), minutes=3)
    scored(phase, auto, "A_3", (0.7, 0.7, 0.7, 1.0), minutes=4)
    scored(phase, org, "Baseline", (0.5, 0.5, 0.5, 1.0), baseline=True)
    scored(phase, org, "Baseline_2", (0.4, 0.4, 0.4, 1.0), minutes=1, baseline=True)
    standings.rebuild(phase)
    with time_machine.travel(BEFORE, tick=False):
        assert len(board_systems(phase, "public")) == 7  # open: every system
    with time_machine.travel(AFTER, tick=False):
        phase.refresh_from_db()
        assert board_systems(phase, "public") == [
            ("Auto", "A_2", "auto"),
            ("Auto", "A_3", "auto"),
            ("Organizers", "Baseline", ""),
            ("Organizers", "Baseline_2", ""),
            ("Chosen", "C_2", "team"),
        ]
        assert {s for _, s, _ in board_systems(phase, "private")} == {
            "A_2", "A_3", "Baseline", "Baseline_2", "C_2"
        }  # fmt: skip
        page = leaderboard_page(phase)
        assert 'title="Selected as final by the team">final' in page
        assert 'title="The team selected no final: chosen automatically">auto' in page


def leaderboard_page(phase):
    from django.test import Client

    return Client().get("/c/xacle/leaderboard/test/?by=system&split=public").content.decode()


def test_without_a_public_split_the_automatic_choice_is_the_latest_systems(db):
    competition = make_competition(slug="uncut")
    phase = competition.phases.get(kind="test")
    phase.opens_at, phase.closes_at, phase.max_final = datetime(2026, 1, 1, tzinfo=UTC), CLOSES, 2
    phase.save()
    team = make_team(competition, "Latest")
    scored(phase, team, "L_1", (0.9, 0.9, 0.9, 1.0), minutes=1)
    scored(phase, team, "L_2", (0.1, 0.1, 0.1, 1.0), minutes=2)
    scored(phase, team, "L_3", (0.2, 0.2, 0.2, 1.0), minutes=3)
    scored(phase, team, "L_1", (0.3, 0.3, 0.3, 1.0), minutes=0)  # an older L_1
    with time_machine.travel(AFTER, tick=False):
        phase.refresh_from_db()
        assert sorted(board_systems(phase, "all")) == [
            ("Latest", "L_2", "auto"), ("Latest", "L_3", "auto")
        ]  # fmt: skip


def test_the_selection_module_decides_alone():
    from competition.selection import AUTOMATIC, CHOSEN, Entry, choose
    from tests.factories import T0

    def entry(pk, name, srcc, final=False, baseline=False):
        metrics = type("M", (), dict(srcc=srcc, lcc=0, ktau=0, mse=0, submitted_at=T0))
        return Entry(pk, name, T0 + timedelta(minutes=pk), final, baseline, {1: metrics})

    entries = [entry(1, "a", 0.1), entry(2, "b", 0.5), entry(3, "c", 0.3)]
    open_choice = choose(entries, 1, max_final=2, finals_only=False)
    assert set(open_choice) == {"a", "b", "c"}
    closed = choose(entries, 1, max_final=2, finals_only=True)
    assert {n: c.selection for n, c in closed.items()} == {"b": AUTOMATIC, "c": AUTOMATIC}
    entries.append(entry(4, "a", 0.0, final=True))
    closed = choose(entries, 1, max_final=2, finals_only=True)
    assert {n: (c.entry.submission_id, c.selection) for n, c in closed.items()} == {
        "a": (4, CHOSEN)
    }
    assert choose(entries, 1, max_final=0, finals_only=True).keys() == {"a", "b", "c"}


def test_finals_select_refuses_a_reference_system(phase, competition):
    org = Team.objects.create(competition=competition, name="Organizers", is_organizer=True)
    baseline = scored(phase, org, "Baseline", (0.5, 0.5, 0.5, 1.0), baseline=True)
    with time_machine.travel(BEFORE, tick=False), pytest.raises(finals.SelectionError):
        finals.select(baseline)


def test_entrants_are_what_the_boards_rank(phase, competition):
    team = Team.objects.create(competition=competition, name="Auto")
    for n in range(3):
        scored(phase, team, f"A_{n}", (0.1 * n, 0.1, 0.1, 1.0), minutes=n)
    with time_machine.travel(AFTER, tick=False):
        phase.refresh_from_db()
        systems = set(standings.entrants(phase).values_list("system_name", flat=True))
    assert systems == {"A_1", "A_2"}
