"""Leaderboards read from the standings (competition.standings), in the order and with the
ranks `scoring.ranking` defines: SRCC, LCC, KTAU (higher first), MSE (lower first), then the
earlier submission.

A system is a team's system name; its row is its best scored submission. By team, a row is
the team's best system. Baseline rows are shown in place but take no rank."""

from dataclasses import dataclass
from datetime import datetime

from competition.access import rounded, score_decimals
from competition.models import Phase, Split, Standing
from scoring.ranking import assign_ranks

SYSTEM, TEAM = "system", "team"
MAX_ROWS = 1_000_000

# The database's order is scoring.ranking's sort_key, with the submission id last so that
# pages never overlap; the standing_order indexes serve it.
ORDER = ["-srcc", "-lcc", "-ktau", "mse", "submitted_at", "submission_id"]


def _columns(by: str) -> list[str]:
    """Row's fields after the rank, as standing columns."""
    counts = ["team_submissions", "team_last_submitted_at"] if by == TEAM else [
        "submissions", "last_submitted_at"]  # fmt: skip
    return ["team__name", "team_id", "system_name", "submission_id", "srcc", "lcc", "ktau",
            "mse", "n", *counts, "is_baseline", "submitted_at"]  # fmt: skip


@dataclass(slots=True)
class Row:
    rank: int | None
    team: str
    team_id: int
    system: str
    submission_id: int
    srcc: float
    lcc: float
    ktau: float
    mse: float
    n: int
    submissions: int
    last_submitted_at: datetime
    baseline: bool
    submitted_at: datetime


@dataclass(frozen=True)
class Board:
    phase: Phase
    split: Split
    by: str
    hidden: bool
    rows: list[Row]
    total: int


def build(
    phase: Phase,
    split: Split | None = None,
    by: str = SYSTEM,
    *,
    offset: int = 0,
    limit: int | None = None,
    organizer: bool = False,
) -> Board:
    """The leaderboard of one split, a page at a time; empty and `hidden` where a participant
    may not see it (an organizer always sees it). Two queries, whatever the page."""
    if by not in (SYSTEM, TEAM):
        raise ValueError(f"by must be {SYSTEM!r} or {TEAM!r}, not {by!r}")
    # Past any real board; keeps absurd page numbers from overflowing the database's integers.
    offset = min(max(int(offset), 0), MAX_ROWS)
    limit = None if limit is None else min(max(int(limit), 0), MAX_ROWS)
    split = split or phase.default_split()
    hidden = not phase.is_split_visible(split)
    if hidden and not organizer:
        return Board(phase, split, by, True, [], 0)
    standings = Standing.objects.filter(split=split)
    if by == TEAM:
        standings = standings.filter(team_best=True)
    end = None if limit is None else offset + limit
    # Ranks depend on every row above, so the rows before the page are read too (values
    # only); the first page, the one everybody looks at, reads just its own rows.
    query = standings.order_by(*ORDER).values_list(*_columns(by))[:end]
    head = [Row(None, *values) for values in query]
    total = len(head) if end is None else standings.count()
    rows = []
    decimals = score_decimals(phase, split, organizer)
    for ranked in assign_ranks(head)[offset:end]:  # ranked at full precision, shown rounded
        ranked.row.rank = ranked.rank
        rows.append(rounded(ranked.row, decimals))
    return Board(phase, split, by, hidden, rows, total)


# The columns of a leaderboard as `manage.py leaderboard` and the page's downloads give it.
COLUMNS = ["rank", "team", "system", "srcc", "lcc", "ktau", "mse", "n", "submissions",
           "last_submitted_at", "baseline"]  # fmt: skip


def record(row: Row) -> dict:
    """A row as a flat record of COLUMNS (rank "" for a baseline)."""
    return {
        "rank": "" if row.rank is None else row.rank,
        "team": row.team,
        "system": row.system,
        "srcc": row.srcc,
        "lcc": row.lcc,
        "ktau": row.ktau,
        "mse": row.mse,
        "n": row.n,
        "submissions": row.submissions,
        "last_submitted_at": row.last_submitted_at.isoformat(),
        "baseline": row.baseline,
    }
