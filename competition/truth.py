"""A phase's ground truth as the workers need it, cached per process.

Only workers and organizer commands call `phase_truth`: the web process needs the ids
(`phase_ids`), never the means.
"""

from dataclasses import dataclass

import numpy as np

import scoring
from competition.models import Item, Phase, Split

# (what, phase id) -> (the phase's truth_version when built, the value)
_cache: dict[tuple[str, int], tuple[int, object]] = {}


def _per_phase(what: str, phase: Phase, build):
    """build(phase), kept until the phase's truth_version moves on."""
    key = (what, phase.pk)
    cached = _cache.get(key)
    if cached is None or cached[0] != phase.truth_version:
        cached = _cache[key] = (phase.truth_version, build(phase))
    return cached[1]


@dataclass(frozen=True)
class SplitTruth:
    split_id: int
    index: np.ndarray  # positions of the split's items in the phase's canonical order
    prepared: object  # scoring.prepare(...) of the split's means


@dataclass(frozen=True)
class PhaseTruth:
    n: int
    splits: list[SplitTruth]


class TruthMissing(Exception):
    """The phase has items without ratings, so it cannot be scored."""


def phase_truth(phase: Phase) -> PhaseTruth:
    """The prepared truth of every split of the phase; rebuilt when the ratings change."""
    return _per_phase("truth", phase, _build_truth)


def _build_truth(phase: Phase) -> PhaseTruth:
    rows = list(phase.items().values_list("id", "mean_score"))
    if any(mean is None for _, mean in rows):
        raise TruthMissing(f"{phase} has items without ratings")
    position = {item_id: pos for pos, (item_id, _) in enumerate(rows)}
    means = np.array([mean for _, mean in rows], dtype=np.float64)
    members: dict[int, list[int]] = {}
    through = Split.items.through.objects.filter(split__phase=phase)
    for split_id, item_id in through.values_list("split_id", "item_id"):
        members.setdefault(split_id, []).append(position[item_id])
    splits = []
    for split_id in phase.splits.order_by("id").values_list("id", flat=True):
        index = np.sort(np.array(members.get(split_id, []), dtype=np.intp))
        if len(index) >= 2:
            splits.append(SplitTruth(split_id, index, scoring.prepare(means[index])))
    return PhaseTruth(n=len(rows), splits=splits)


def phase_ids(phase: Phase) -> list[str]:
    """The phase's wav_file_names in canonical order (predictions are stored in it)."""
    return _per_phase(
        "ids", phase, lambda p: list(p.items().values_list("wav_file_name", flat=True))
    )


def other_partition_ids(phase: Phase) -> dict[str, list[str]]:
    """Ids of the competition's other partitions, so an upload that mixes them up is told so."""
    return _per_phase("others", phase, _build_others)


def _build_others(phase: Phase) -> dict[str, list[str]]:
    others: dict[str, list[str]] = {}
    rows = Item.objects.filter(competition_id=phase.competition_id).exclude(partition=phase.kind)
    for partition, wav in rows.values_list("partition", "wav_file_name"):
        others.setdefault(partition, []).append(wav)
    return others


def submission_reader(phase: Phase) -> scoring.SubmissionReader:
    """The phase's ids indexed once, for reading uploads; no ground truth in it."""
    return _per_phase(
        "reader",
        phase,
        lambda p: scoring.SubmissionReader(phase_ids(p), p.kind, other_partition_ids(p)),
    )


def forget():
    """Drop every cached value (tests, and after an import in the same process)."""
    _cache.clear()
