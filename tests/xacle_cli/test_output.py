"""The tables the commands print: scores, leaderboards, a team's submissions."""

from __future__ import annotations

from tests.xacle_cli.canned import board, scored
from xacle_cli import output


def test_a_table_pads_columns_and_aligns_numbers_right():
    text = output.table(["NAME", "N"], [["a", "1"], ["longer", "100"]], "<>")
    assert text.splitlines() == ["NAME      N", "a         1", "longer  100"]


def test_a_scored_submission_shows_its_metrics_per_split():
    lines = output.submission_text(scored()).splitlines()
    assert lines[0] == (
        "Submission 17 scored: system Aurora_01, team Aurora, validation phase, "
        "submitted 2026-03-01 12:34 UTC"
    )
    assert lines[1].split() == ["SPLIT", "SRCC", "LCC", "KTAU", "MSE", "N"]
    assert lines[2].split() == ["all", "0.6123", "0.6000", "0.4500", "2.1000", "12"]


def test_a_failed_submission_shows_why_and_a_pending_one_its_status():
    failed = output.submission_text(scored(status="failed", reason="The phase changed."))
    assert failed.splitlines()[1] == "Reason: The phase changed."
    assert output.submission_text(scored(status="queued", scores=[])).count("\n") == 0


def test_a_scored_submission_on_hidden_splits_says_so():
    text = output.submission_text(scored(phase="test", scores=[]))
    assert "hidden until the reveal" in text


def test_a_late_submission_is_marked_and_says_when_its_scores_come():
    text = output.submission_text(scored(phase="test", scores=[], late=True))
    assert text.splitlines()[0].endswith("UTC [late]")
    assert "a late submission's scores are shown after the reveal" in text
    table = output.submissions_table([scored(late=True, final=False)], "test")
    assert "scored [late]" in table.splitlines()[1]


def test_the_quota_says_what_is_left_and_when_the_next_is_possible():
    quota = {"per_day": 3, "total": 10, "left_today": 0, "left_total": 7, "extra": 0,
             "left": 0, "next_at": "2026-03-02T00:00:00Z"}  # fmt: skip
    assert output.quota_text(quota) == (
        "Submissions left: 0 of 3 today (UTC), 7 of 10 in total. "
        "Next possible at 2026-03-02 00:00 UTC."
    )
    assert output.quota_text({**quota, "per_day": None, "total": None, "left": None}) == (
        "Submissions left: no limit."
    )


def test_the_leaderboard_ranks_rows_and_marks_the_baseline():
    lines = output.leaderboard_text(board()).splitlines()
    assert lines[0] == "Leaderboard: validation phase, split all, by team"
    assert lines[1].split()[:5] == ["TEAM_RANK", "SYSTEM_RANK", "TEAM", "SYSTEM", "SRCC"]
    assert lines[2].split()[:5] == ["1", "1", "Aurora", "Aurora_good", "0.9000"]
    assert lines[3].split()[:5] == ["-", "-", "Organizers", "(baseline)", "Baseline"]
    assert lines[4].split()[:5] == ["2", "3", "Borealis", "B_01", "0.1235"]
    srcc_ends = {lines[1].index("SRCC") + 4, lines[2].index("0.9000") + 6}
    assert len(srcc_ends) == 1  # numbers right-aligned under their heading


def test_a_hidden_or_empty_leaderboard_is_one_sentence():
    hidden = board(hidden=True, rows=[], reveal_planned_at="2026-06-01T00:00:00Z", split="all")
    assert output.leaderboard_text(hidden).endswith(
        "Hidden until the reveal (planned 2026-06-01 00:00 UTC)."
    )
    assert output.leaderboard_text(board(rows=[])).endswith("No scored submissions yet.")


def test_the_submissions_table_has_a_column_per_visible_split():
    public = {"split": "public", "srcc": 0.5, "lcc": 0, "ktau": 0, "mse": 0, "n": 6}
    submissions = [
        scored(id=18, status="queued", scores=[]),
        scored(id=17, phase="test", scores=[public]),
    ]
    lines = output.submissions_table(submissions, "test").splitlines()
    assert lines[0].split() == ["ID", "SUBMITTED", "(UTC)", "SYSTEM", "STATUS", "SRCC", "public"]
    assert lines[1].split() == ["18", "2026-03-01", "12:34", "Aurora_01", "queued", "-"]
    assert lines[2].split()[-2:] == ["scored", "0.5000"]
    assert output.submissions_table([], "test") == "Your team has no submissions in the test phase."
