"""One phase's results as the page and the exports show them: Table 2 (both ranks, the
metrics on the deciding split with their SRCC interval, and the same system on
validation), the per-subset table, the ceiling and the census. Reads stored rows only."""

from dataclasses import dataclass, field

import numpy as np

from competition.models import Phase, Split
from results import descriptions
from results.models import Analysis, SubsetScore
from results.subsets import subset_order
from results.systems import RankedSystem, deciding_split, ranked_systems
from scoring.ranking import rank_systems

METRICS = ("srcc", "lcc", "ktau", "mse")
WIN_TABLE_LIMIT = 15


@dataclass
class SystemResult:
    ranked: RankedSystem
    srcc_ci: tuple[float, float] | None = None
    group: int | None = None
    validation: dict | None = None  # the same system's metrics on validation
    subsets: dict = field(default_factory=dict)  # subset -> {metrics, n, rank}

    @property
    def key_names(self) -> tuple[str, str]:
        return (self.ranked.team, self.ranked.system)

    def __getattr__(self, name):  # the ranked system's fields, read through
        return getattr(self.__dict__["ranked"], name)


@dataclass
class Report:
    phase: Phase
    split: Split
    analysis: Analysis | None
    systems: list[SystemResult]  # board order, baselines in place
    validation_split: Split | None
    subsets: list[str]
    census: dict
    descriptions: list[dict]

    @property
    def subset_sizes(self) -> dict[str, int]:
        """Pairs per subset of the split (the same for every system)."""
        sizes = {}
        for system in self.systems:
            for name, score in system.subsets.items():
                sizes.setdefault(name, score["n"])
        return sizes

    @property
    def ranked(self) -> list[SystemResult]:
        return [s for s in self.systems if not s.baseline]

    @property
    def baselines(self) -> list[SystemResult]:
        return [s for s in self.systems if s.baseline]

    @property
    def ceiling(self) -> dict | None:
        return self.analysis.ceiling if self.analysis else None

    def win_table(self, limit: int | None = None) -> list[tuple[SystemResult, list]]:
        """Rows of (system, [P(it beats each other system)]) for the systems of the stored
        analysis, in board order (the first `limit`); None on the diagonal."""
        if self.analysis is None:
            return []
        matrix = self.analysis.win_matrix()
        place = {iv.submission_id: iv.position for iv in self.analysis.systems.all()}
        shown = [s for s in self.systems if s.submission_id in place][:limit]
        return [
            (
                a,
                [
                    None
                    if a is b
                    else float(matrix[place[a.submission_id], place[b.submission_id]])
                    for b in shown
                ],
            )
            for a in shown
        ]

    @property
    def top_wins(self):
        """The win table of the first WIN_TABLE_LIMIT systems, as the page shows it."""
        return self.win_table(WIN_TABLE_LIMIT)

    def team_best(self) -> list[SystemResult]:
        """Each team's best system (the first on the board), for Fig. 3."""
        seen, best = set(), []
        for system in self.ranked:
            if system.team_id not in seen:
                seen.add(system.team_id)
                best.append(system)
        return best

    def best_values(self) -> dict:
        """The best value of each metric among ranked systems (for bold in LaTeX)."""
        rows = self.ranked
        if not rows:
            return {}
        best = {m: max(getattr(s, m) for s in rows) for m in ("srcc", "lcc", "ktau")}
        best["mse"] = min(s.mse for s in rows)
        with_val = [s.validation for s in rows if s.validation]
        if with_val:
            for m in ("srcc", "lcc", "ktau"):
                best[f"val_{m}"] = max(v[m] for v in with_val)
            best["val_mse"] = min(v["mse"] for v in with_val)
        return best

    def correlation(self, xs, ys) -> float | None:
        x, y = np.asarray(xs, float), np.asarray(ys, float)
        if len(x) < 3 or x.std() == 0 or y.std() == 0:
            return None
        return float(np.corrcoef(x, y)[0, 1])


def build_report(phase: Phase, organizer: bool = True) -> Report:
    """The phase's report; for a participant (`organizer` False) nothing from a split
    they may not see (the validation columns of a validation phase still hidden)."""
    split = deciding_split(phase)
    systems = [SystemResult(ranked) for ranked in ranked_systems(phase, split)]
    analysis = Analysis.objects.filter(split=split).first()
    if analysis is not None:
        # An interval stands for the submission it was computed on, not a later best.
        stored = {iv.submission_id: iv for iv in analysis.systems.all()}
        for system in systems:
            iv = stored.get(system.submission_id)
            if iv is not None:
                system.srcc_ci, system.group = (iv.low, iv.high), iv.group
    validation_split = _attach_validation(phase, systems, organizer)
    subsets = _attach_subsets(split, systems)
    found = descriptions.system_descriptions(phase)
    return Report(
        phase=phase,
        split=split,
        analysis=analysis,
        systems=systems,
        validation_split=validation_split,
        subsets=subsets,
        census=descriptions.census(found),
        descriptions=found,
    )


def _attach_validation(phase: Phase, systems: list[SystemResult], organizer: bool):
    if phase.kind != Phase.TEST:
        return None
    validation = phase.competition.phases.filter(kind=Phase.VALIDATION).first()
    if validation is None or not validation.splits.exists():
        return None
    split = deciding_split(validation)
    if not (organizer or validation.is_split_visible(split)):
        return None
    same = {s.key: s for s in ranked_systems(validation, split)}
    for system in systems:
        other = same.get(system.key)
        if other is not None:
            system.validation = {m: getattr(other, m) for m in METRICS} | {
                "system_rank": other.system_rank,
                "team_rank": other.team_rank,
            }
    return split


@dataclass
class _SubsetRow:
    srcc: float
    lcc: float
    ktau: float
    mse: float
    submitted_at: object
    baseline: bool
    system: SystemResult


def _attach_subsets(split: Split, systems: list[SystemResult]) -> list[str]:
    by_submission = {s.submission_id: s for s in systems}
    rows = SubsetScore.objects.filter(split=split, submission_id__in=list(by_submission))
    per_subset: dict[str, list[_SubsetRow]] = {}
    for score in rows:
        system = by_submission[score.submission_id]
        system.subsets[score.subset] = {m: getattr(score, m) for m in METRICS} | {"n": score.n}
        per_subset.setdefault(score.subset, []).append(
            _SubsetRow(
                score.srcc,
                score.lcc,
                score.ktau,
                score.mse,
                system.submitted_at,
                system.baseline,
                system,
            )  # fmt: skip
        )
    # The same ranking rule within each subset; it decides nothing.
    for name, entries in per_subset.items():
        for ranked in rank_systems(entries):
            ranked.row.system.subsets[name]["rank"] = ranked.rank
    return sorted(per_subset, key=subset_order)
