"""The challenge's leaderboard order: SRCC, then LCC, then KTAU (higher is better), then MSE
(lower is better), then the earlier submission.

Rows are any objects with the attributes `srcc, lcc, ktau, mse, submitted_at` and optionally
`team` and `baseline` (model instances, dataclasses, named tuples...); dicts are not read.
Systems equal on all four metrics share a rank ("1, 2, 2, 4"): the submission time only decides
which of them is listed first. Baseline rows are shown in their place but take no rank.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Ranked", "assign_ranks", "metric_key", "rank_systems", "rank_teams", "sort_key"]


@dataclass(frozen=True)
class Ranked:
    """A row and its rank; `rank` is None for a baseline row."""

    rank: int | None
    row: Any


def metric_key(row: Any) -> tuple[float, float, float, float]:
    """The part of the order that decides ranks: the four metrics, best first when sorted."""
    return (-row.srcc, -row.lcc, -row.ktau, row.mse)


def sort_key(row: Any) -> tuple:
    """Sort key: SRCC desc, LCC desc, KTAU desc, MSE asc, then `submitted_at` asc."""
    return (*metric_key(row), row.submitted_at)


def _is_baseline(row: Any) -> bool:
    return bool(getattr(row, "baseline", False))


def assign_ranks(ordered_rows: Iterable[Any]) -> list[Ranked]:
    """Competition ranks ("1, 2, 2, 4") for rows already sorted by `sort_key`.

    Baseline rows get rank None and do not use up a rank number.
    """
    ranked: list[Ranked] = []
    position = 0  # how many non-baseline rows have been ranked so far
    rank = 0
    previous_key = None
    for row in ordered_rows:
        if _is_baseline(row):
            ranked.append(Ranked(None, row))
            continue
        position += 1
        key = metric_key(row)
        if key != previous_key:
            rank = position
            previous_key = key
        ranked.append(Ranked(rank, row))
    return ranked


def rank_systems(rows: Iterable[Any]) -> list[Ranked]:
    """The system rank: every row, sorted and ranked."""
    return assign_ranks(sorted(rows, key=sort_key))


def rank_teams(rows: Iterable[Any]) -> list[Ranked]:
    """The team rank: each team's best non-baseline row, sorted and ranked.

    Baseline rows are kept, each on its own and in its place, with rank None.
    """
    best: dict[Any, Any] = {}
    baselines: list[Any] = []
    for row in rows:
        if _is_baseline(row):
            baselines.append(row)
            continue
        team = row.team
        if team not in best or sort_key(row) < sort_key(best[team]):
            best[team] = row
    return assign_ranks(sorted([*best.values(), *baselines], key=sort_key))


def ranks(ranked: Sequence[Ranked]) -> list[int | None]:
    """Just the ranks, in order: handy for display and tests."""
    return [r.rank for r in ranked]
