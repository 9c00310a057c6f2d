"""Leaderboard pages per phase and split, by team and by system."""

import re

import pytest

from competition.models import Phase, Score, Team
from competition.views import leaderboards
from tests.factories import make_team, make_user, truth_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(validation, aurora, borealis, competition, scored_submission):
    truth = truth_of(validation)
    scored_submission(validation, aurora, "Aurora_good", truth + 0.1)
    scored_submission(validation, aurora, "Aurora_weak", truth[::-1])
    scored_submission(validation, borealis, "Borealis_01", truth * 0.5 + (truth > 5))
    organizers = Team.objects.create(competition=competition, name="Organizers", is_organizer=True)
    scored_submission(validation, organizers, "Baseline", truth * 0.1, baseline=True)


def test_by_team_shows_each_teams_best_system(as_alice, board):
    page = as_alice.get("/c/xacle/leaderboard/validation/").content.decode()
    assert "Aurora_good" in page and "Aurora_weak" not in page and "Borealis_01" in page


def test_by_system_shows_every_system(anonymous, board):
    page = anonymous.get("/c/xacle/leaderboard/validation/?by=system").content.decode()
    assert "Aurora_good" in page and "Aurora_weak" in page


def test_the_own_teams_rows_are_highlighted(as_alice, as_bob, board):
    page = as_alice.get("/c/xacle/leaderboard/validation/").content.decode()
    assert page.count('class="own"') == 1 and "your team" in page
    row = page[page.index('class="own"') :]
    assert row.index("Aurora") < row.index("</tr>")


def test_baseline_rows_are_marked_and_unranked(anonymous, board):
    page = anonymous.get("/c/xacle/leaderboard/validation/").content.decode()
    row = page[page.index(' baseline"') :]
    row = row[: row.index("</tr>")]
    assert '<td class="team-rank">—</td>' in row and '<td class="system-rank">—</td>' in row
    assert 'tr class=" baseline"' in page
    # It reads "Baseline" once: its system's name, without a "baseline" badge beside it.
    system = row[row.index('<td class="system-col">') :]
    system = system[: system.index("</td>")]
    assert re.sub("<[^>]+>", "", system).strip() == "Baseline"


def test_metrics_have_four_decimals(anonymous, board, validation):
    score = Score.objects.filter(submission__system_name="Borealis_01").get()
    page = anonymous.get("/c/xacle/leaderboard/validation/").content.decode()
    assert len(repr(score.lcc)) > 8
    assert f"{score.lcc:.4f}" in page and repr(score.lcc) not in page


def test_a_hidden_split_says_so(anonymous, test_phase):
    page = anonymous.get("/c/xacle/leaderboard/test/?split=private").content.decode()
    assert "This leaderboard is hidden" in page
    assert "announce the results" in page


def test_a_hidden_phase_names_the_planned_reveal(anonymous, test_phase):
    from django.utils import timezone

    test_phase.leaderboard = Phase.HIDDEN
    test_phase.reveal_planned_at = timezone.make_aware(timezone.datetime(2026, 2, 2, 9, 30))
    test_phase.save()
    page = anonymous.get("/c/xacle/leaderboard/test/").content.decode()
    assert "2026-02-02 09:30 UTC" in page


def test_organizers_see_a_hidden_board_marked_as_such(
    as_olga, test_phase, aurora, scored_submission
):
    scored_submission(test_phase, aurora)
    page = as_olga.get("/c/xacle/leaderboard/test/?split=private").content.decode()
    assert "you see it as an organizer" in page and "Aurora" in page


def test_an_unknown_split_or_phase_is_404(anonymous, competition):
    assert anonymous.get("/c/xacle/leaderboard/test/?split=nope").status_code == 404
    assert anonymous.get("/c/xacle/leaderboard/train/").status_code == 404
    assert anonymous.get("/c/nope/leaderboard/test/").status_code == 404


def test_the_tabs_link_phases_views_and_splits(anonymous, competition):
    page = anonymous.get("/c/xacle/leaderboard/test/").content.decode()
    for link in [
        "/c/xacle/leaderboard/validation/",
        "?by=system",
        "?split=public",
        "?split=private",
    ]:
        assert link in page, link


def test_long_boards_are_paged(anonymous, validation, competition, scored_submission, monkeypatch):
    monkeypatch.setattr(leaderboards, "PAGE_SIZE", 2)
    truth = truth_of(validation)
    for number in range(5):
        team = make_team(competition, f"T{number}", make_user(f"user{number}"))
        scored_submission(validation, team, f"S{number}", truth + number)
    first = anonymous.get("/c/xacle/leaderboard/validation/").content.decode()
    assert "Page 1 of 3" in first and "S0" in first and "S2" not in first
    last = anonymous.get("/c/xacle/leaderboard/validation/?page=3").content.decode()
    assert "S4" in last and "S0" not in last


def test_a_bad_page_number_shows_the_first(anonymous, competition):
    assert anonymous.get("/c/xacle/leaderboard/validation/?page=x").status_code == 200
