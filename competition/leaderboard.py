"""Leaderboards built in the database in one query, in the order `scoring.ranking`
defines: SRCC, LCC, KTAU (higher first), MSE (lower first), then the earlier submission.

A system is a team's system name; its row is its best scored submission. By team, a row is
the team's best system. Baseline rows are shown in place but take no rank."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from competition.models import Phase, Split, Submission

SYSTEM, TEAM = "system", "team"

_SQL = """
WITH best AS (
    SELECT s.id AS submission_id, s.team_id, s.system_name, s.submitted_at, s.is_baseline,
           sc.srcc, sc.lcc, sc.ktau, sc.mse, sc.n,
           ROW_NUMBER() OVER (
               PARTITION BY {partition}
               ORDER BY sc.srcc DESC, sc.lcc DESC, sc.ktau DESC, sc.mse ASC,
                        s.submitted_at ASC, s.id ASC
           ) AS pos
    FROM competition_score sc
    JOIN competition_submission s ON s.id = sc.submission_id
    WHERE sc.split_id = %s AND s.status = %s
), counts AS (
    SELECT {group}, COUNT(*) AS submissions, MAX(submitted_at) AS last_submitted_at
    FROM competition_submission s
    WHERE s.phase_id = %s
    GROUP BY {group}
), ranked AS (
    SELECT b.*,
           CASE WHEN b.is_baseline THEN NULL ELSE RANK() OVER (
               PARTITION BY b.is_baseline
               ORDER BY b.srcc DESC, b.lcc DESC, b.ktau DESC, b.mse ASC
           ) END AS rank
    FROM best b
    WHERE b.pos = 1
)
SELECT r.rank, t.name, r.team_id, r.system_name, r.submission_id,
       r.srcc, r.lcc, r.ktau, r.mse, r.n, c.submissions, c.last_submitted_at,
       r.is_baseline, r.submitted_at, COUNT(*) OVER () AS total
FROM ranked r
JOIN competition_team t ON t.id = r.team_id
JOIN counts c ON {join}
ORDER BY r.srcc DESC, r.lcc DESC, r.ktau DESC, r.mse ASC, r.submitted_at ASC, r.submission_id ASC
{limit}
"""

_SHAPES = {
    SYSTEM: {
        "partition": "s.team_id, s.system_name",
        "group": "s.team_id, s.system_name",
        "join": "c.team_id = r.team_id AND c.system_name = r.system_name",
    },
    TEAM: {
        "partition": "s.team_id, s.is_baseline",
        "group": "s.team_id",
        "join": "c.team_id = r.team_id",
    },
}


@dataclass(frozen=True)
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
    """The leaderboard of one split; empty and `hidden` where a participant may not see it
    (an organizer always sees it)."""
    if by not in _SHAPES:
        raise ValueError(f"by must be {SYSTEM!r} or {TEAM!r}, not {by!r}")
    split = split or phase.default_split()
    hidden = not phase.is_split_visible(split)
    if hidden and not organizer:
        return Board(phase, split, by, True, [], 0)
    page = ""
    params = [split.pk, Submission.SCORED, phase.pk]
    if limit is not None:
        page = "LIMIT %s OFFSET %s"
        params += [int(limit), int(offset)]
    with connection.cursor() as cursor:
        cursor.execute(_SQL.format(limit=page, **_SHAPES[by]), params)
        records = cursor.fetchall()
    rows = [_row(record) for record in records]
    total = records[0][-1] if records else 0
    return Board(phase, split, by, hidden, rows, total)


def _row(record) -> Row:
    (rank, team, team_id, system, submission_id, srcc, lcc, ktau, mse, n, submissions, last, base,
     submitted_at, _total) = record  # fmt: skip
    return Row(
        rank=rank,
        team=team,
        team_id=team_id,
        system=system,
        submission_id=submission_id,
        srcc=srcc,
        lcc=lcc,
        ktau=ktau,
        mse=mse,
        n=n,
        submissions=submissions,
        last_submitted_at=_as_datetime(last),
        baseline=bool(base),
        submitted_at=_as_datetime(submitted_at),
    )


def _as_datetime(value) -> datetime:
    # SQLite hands raw-SQL datetimes back as text.
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value
