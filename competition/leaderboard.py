"""Leaderboards read from the standings (competition.standings), in the order and with the
ranks `scoring.ranking` defines: SRCC, LCC, KTAU (higher first), MSE (lower first), then the
earlier submission.

A system is a team's system name, represented by one submission (competition.selection);
by team, a row is the team's best system. Every row carries both ranks, as Table 2 of the
challenge's overview paper shows them: `system_rank` among every ranked system and
`team_rank` among each team's best system (None on the team's other systems). `rank` is
the rank of the view asked for. Baseline rows are shown in place but take no rank."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Exists, OuterRef

from competition import standings
from competition.access import rounded, score_decimals
from competition.models import Membership, Phase, Split, Standing
from scoring.ranking import assign_ranks

SYSTEM, TEAM = "system", "team"
MAX_ROWS = 1_000_000

# The database's order is scoring.ranking's sort_key, with the submission id last so that
# pages never overlap; the standing_order indexes serve it.
ORDER = ["-srcc", "-lcc", "-ktau", "mse", "submitted_at", "submission_id"]


def _columns(by: str) -> dict[str, str]:
    """Row's fields (but the ranks), as standing columns."""
    counts = {"submissions": "team_submissions", "last_submitted_at": "team_last_submitted_at"}
    if by == SYSTEM:
        counts = {"submissions": "submissions", "last_submitted_at": "last_submitted_at"}
    return {"team": "team__name", "team_id": "team_id", "system": "system_name",
            "submission_id": "submission_id", "srcc": "srcc", "lcc": "lcc", "ktau": "ktau",
            "mse": "mse", "n": "n", **counts, "baseline": "is_baseline",
            "submitted_at": "submitted_at", "selection": "selection",
            "team_best": "team_best"}  # fmt: skip


@dataclass(slots=True)
class Row:
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
    selection: str  # "team", "auto" (a closed phase's final selection) or ""
    team_best: bool
    no_members: bool = False  # every member left the team; its systems stay
    rank: int | None = None
    system_rank: int | None = None
    team_rank: int | None = None


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
    standings.ensure_current(phase)
    shown = Standing.objects.filter(split=split)
    if by == TEAM:
        shown = shown.filter(team_best=True)
    end = None if limit is None else offset + limit
    # Ranks depend on every row above, so the rows before the page are read too (values
    # only); the first page, the one everybody looks at, reads just its own rows.
    columns = _columns(by)
    members = Membership.objects.filter(team_id=OuterRef("team_id"))
    query = (
        shown.annotate(no_members=~Exists(members))
        .order_by(*ORDER)
        .values_list(*columns.values(), "no_members")[:end]
    )
    names = [*columns, "no_members"]
    head = [Row(**dict(zip(names, values, strict=True))) for values in query]
    total = len(head) if end is None else shown.count()
    for ranked in assign_ranks(head):
        ranked.row.system_rank = ranked.rank
    for ranked in assign_ranks(row for row in head if row.team_best):
        ranked.row.team_rank = ranked.rank
    rows = head[offset:end]
    if by == TEAM:
        _system_ranks(split, rows)
    decimals = score_decimals(phase, split, organizer)
    for row in rows:
        row.rank = row.team_rank if by == TEAM else row.system_rank
    # Ranked at full precision, shown rounded.
    rows = [rounded(row, decimals) for row in rows]
    return Board(phase, split, by, hidden, rows, total)


# The system rank of each team's best system, computed by the database over every ranked
# system of the split (RANK() gives the same "1, 2, 2, 4" as scoring.ranking on the four
# metrics); only the teams' rows come back.
SYSTEM_RANKS = """
SELECT submission_id, system_rank FROM (
    SELECT submission_id, team_best,
        RANK() OVER (ORDER BY srcc DESC, lcc DESC, ktau DESC, mse ASC) AS system_rank
    FROM {table} WHERE split_id = %s AND NOT is_baseline
) ranked WHERE team_best
"""


def _system_ranks(split: Split, rows: list[Row]) -> None:
    """The system rank of each row of a by-team page, in one query however long the board."""
    found = {}
    if any(not row.baseline for row in rows):
        sql = SYSTEM_RANKS.format(table=connection.ops.quote_name(Standing._meta.db_table))
        with connection.cursor() as cursor:
            cursor.execute(sql, [split.pk])
            found = dict(cursor.fetchall())
    for row in rows:
        row.system_rank = None if row.baseline else found[row.submission_id]


# The columns of a leaderboard as `manage.py leaderboard` and the page's downloads give it.
COLUMNS = ["rank", "system_rank", "team_rank", "team", "system", "srcc", "lcc", "ktau", "mse",
           "n", "submissions", "last_submitted_at", "baseline", "selection"]  # fmt: skip


def record(row: Row) -> dict:
    """A row as a flat record of COLUMNS (a rank "" where there is none)."""
    return {
        "rank": "" if row.rank is None else row.rank,
        "system_rank": "" if row.system_rank is None else row.system_rank,
        "team_rank": "" if row.team_rank is None else row.team_rank,
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
        "selection": row.selection,
    }
