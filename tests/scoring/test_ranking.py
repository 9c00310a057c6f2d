"""The leaderboard order (SRCC > LCC > KTAU > MSE > time), shared ranks, team and system ranks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from scoring.ranking import Ranked, assign_ranks, rank_systems, rank_teams, sort_key

T0 = datetime(2026, 1, 15, 12, 0)


@dataclass
class Row:
    name: str
    srcc: float
    lcc: float = 0.5
    ktau: float = 0.4
    mse: float = 3.0
    minutes: int = 0
    team: str | None = None
    baseline: bool = False

    @property
    def submitted_at(self) -> datetime:
        return T0 + timedelta(minutes=self.minutes)


def names(ranked: list[Ranked]) -> list[str]:
    return [r.row.name for r in ranked]


def ranks(ranked: list[Ranked]) -> list[int | None]:
    return [r.rank for r in ranked]


def test_it_orders_by_srcc_first():
    rows = [Row("b", 0.60, lcc=0.9), Row("a", 0.64, lcc=0.1)]
    assert names(rank_systems(rows)) == ["a", "b"]


def test_it_breaks_equal_srcc_by_lcc_then_ktau_then_lower_mse():
    rows = [
        Row("mse_high", 0.6, lcc=0.5, ktau=0.4, mse=9.6),
        Row("ktau_low", 0.6, lcc=0.5, ktau=0.3, mse=1.0),
        Row("lcc_high", 0.6, lcc=0.7, ktau=0.1, mse=9.9),
        Row("mse_low", 0.6, lcc=0.5, ktau=0.4, mse=2.8),
    ]
    assert names(rank_systems(rows)) == ["lcc_high", "mse_low", "mse_high", "ktau_low"]
    assert ranks(rank_systems(rows)) == [1, 2, 3, 4]


def test_systems_equal_on_all_metrics_share_a_rank_listed_earliest_first():
    rows = [
        Row("d", 0.1),
        Row("c_late", 0.5, minutes=30),
        Row("b_early", 0.5, minutes=5),
        Row("a", 0.9),
    ]
    ranked = rank_systems(rows)
    assert names(ranked) == ["a", "b_early", "c_late", "d"]
    assert ranks(ranked) == [1, 2, 2, 4]


def test_sort_key_puts_the_earlier_submission_first_on_a_full_tie():
    early, late = Row("early", 0.5, minutes=1), Row("late", 0.5, minutes=2)
    assert sort_key(early) < sort_key(late)


def test_baseline_rows_get_no_rank_and_use_up_no_rank_number():
    rows = [Row("sun", 0.64), Row("baseline", 0.33, baseline=True), Row("x", 0.30)]
    ranked = rank_systems(rows)
    assert names(ranked) == ["sun", "baseline", "x"]
    assert ranks(ranked) == [1, None, 2]


def test_assign_ranks_keeps_the_given_order():
    rows = [Row("a", 0.9), Row("b", 0.9), Row("c", 0.8)]
    assert ranks(assign_ranks(rows)) == [1, 1, 3]
    assert assign_ranks([]) == []


def test_team_rank_compares_each_teams_best_system():
    rows = [
        Row("Sun_NPU_01", 0.60, team="Sun"),
        Row("Sun_NPU_02", 0.6402, team="Sun"),
        Row("Chunarkar_NTHU_01", 0.6382, team="Chunarkar"),
        Row("Shiota_TMU_01", 0.6327, team="Shiota"),
        Row("Shiota_TMU_02", 0.50, team="Shiota"),
        Row("Baseline", 0.3345, baseline=True),
    ]
    ranked = rank_teams(rows)
    assert names(ranked) == ["Sun_NPU_02", "Chunarkar_NTHU_01", "Shiota_TMU_01", "Baseline"]
    assert ranks(ranked) == [1, 2, 3, None]
    assert ranks(rank_systems(rows)) == [1, 2, 3, 4, 5, None]


def test_team_rank_uses_the_earlier_of_two_equal_systems_and_shares_ranks_across_teams():
    rows = [
        Row("A_late", 0.5, team="A", minutes=9),
        Row("A_early", 0.5, team="A", minutes=1),
        Row("B", 0.5, team="B", minutes=5),
        Row("C", 0.4, team="C"),
    ]
    ranked = rank_teams(rows)
    assert names(ranked) == ["A_early", "B", "C"]
    assert ranks(ranked) == [1, 1, 3]


def test_every_baseline_row_is_kept_on_its_own():
    rows = [
        Row("b1", 0.33, baseline=True),
        Row("b2", 0.38, baseline=True, minutes=1),
        Row("t", 0.35, team="T"),
    ]
    ranked = rank_teams(rows)
    assert names(ranked) == ["b2", "t", "b1"]
    assert ranks(ranked) == [None, 1, None]
