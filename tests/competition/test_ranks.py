"""Both ranks side by side (Table 2 of the overview paper): system_rank among every ranked
system, team_rank among each team's best system (empty for the others), on every board:
the API, manage.py leaderboard (CSV, JSON) and the page."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from competition import leaderboard, standings
from competition.models import Team
from tests.factories import scored

pytestmark = pytest.mark.django_db

# Team A has three systems; B one; a baseline sits between them.
EXPECTED = [
    # (team, system, system_rank, team_rank)
    ("A", "A_1", 1, 1),
    ("A", "A_2", 2, None),
    ("Organizers", "Baseline", None, None),
    ("B", "B_1", 3, 2),
    ("A", "A_3", 4, None),
]


@pytest.fixture
def board(validation, competition):
    a = Team.objects.create(competition=competition, name="A")
    b = Team.objects.create(competition=competition, name="B")
    org = Team.objects.create(competition=competition, name="Organizers", is_organizer=True)
    scored(validation, a, "A_1", (0.9, 0.5, 0.5, 1.0), minutes=1)
    scored(validation, a, "A_2", (0.8, 0.5, 0.5, 1.0), minutes=2)
    scored(validation, a, "A_3", (0.4, 0.5, 0.5, 1.0), minutes=3)
    scored(validation, b, "B_1", (0.6, 0.5, 0.5, 1.0), minutes=4)
    scored(validation, org, "Baseline", (0.7, 0.5, 0.5, 1.0), baseline=True)
    standings.rebuild(validation)
    return validation


def test_the_system_board_carries_both_ranks(board):
    rows = leaderboard.build(board, by="system").rows
    assert [(r.team, r.system, r.system_rank, r.team_rank) for r in rows] == EXPECTED
    assert [r.rank for r in rows] == [r.system_rank for r in rows]


def test_the_team_board_carries_both_ranks_on_every_page(board):
    rows = leaderboard.build(board, by="team").rows
    assert [(r.team, r.system_rank, r.team_rank, r.rank) for r in rows] == [
        ("A", 1, 1, 1), ("Organizers", None, None, None), ("B", 3, 2, 2)
    ]  # fmt: skip
    second_page = leaderboard.build(board, by="team", offset=2, limit=1).rows
    assert [(r.team, r.system_rank, r.team_rank) for r in second_page] == [("B", 3, 2)]


def test_the_api_rows_carry_both_ranks(api_anonymous, board):
    url = "/api/competitions/xacle/phases/validation/leaderboard/?by=system"
    rows = api_anonymous.get(url).json()["rows"]
    assert [(r["team"], r["system"], r["system_rank"], r["team_rank"]) for r in rows] == EXPECTED
    assert all(r["rank"] == r["system_rank"] for r in rows)


def test_manage_leaderboard_csv_and_json_carry_both_ranks(board):
    out = io.StringIO()
    call_command(
        "leaderboard", competition="xacle", phase="validation", by="system", format="csv",
        stdout=out,
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [
        (r["team"], r["system"], r["system_rank"], r["team_rank"]) for r in rows
    ] == [(t, s, "" if sr is None else str(sr), "" if tr is None else str(tr))
          for t, s, sr, tr in EXPECTED]  # fmt: skip
    out = io.StringIO()
    call_command(
        "leaderboard", competition="xacle", phase="validation", by="system", format="json",
        stdout=out,
    )  # fmt: skip
    data = json.loads(out.getvalue())["rows"]
    assert [(r["system_rank"], r["team_rank"]) for r in data][:2] == [(1, 1), (2, "")]
    out = io.StringIO()
    call_command("leaderboard", competition="xacle", phase="validation", by="system", stdout=out)
    table = out.getvalue().splitlines()
    assert table[3].split()[:4] == ["1", "1", "A", "A_1"]
    assert table[4].split()[:4] == ["-", "2", "A", "A_2"]


def test_the_page_shows_both_ranks(anonymous, board):
    page = anonymous.get("/c/xacle/leaderboard/validation/?by=system").content.decode()
    assert "<th" in page and "Team rank</th>" in page and "System rank</th>" in page
    body = page[page.index('<table class="board">') :]
    body = body[body.index("<tbody>") : body.index("</tbody>")]
    cells = [
        (row.split('class="team-rank">')[1].split("<")[0],
         row.split('class="system-rank">')[1].split("<")[0])
        for row in body.split("<tr")[1:]
    ]  # fmt: skip
    assert cells == [("1", "1"), ("—", "2"), ("—", "—"), ("2", "3"), ("—", "4")]
