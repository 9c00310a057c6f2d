"""A phase's ground truth as the workers need it, cached per process.

Only workers and organizer commands call `phase_truth`: the web process needs the ids
(`phase_ids`), never the means.
"""

from dataclasses import dataclass

import numpy as np

import scoring
from competition.models import Item, Phase, Split

_truth_cache: dict[int, "PhaseTruth"] = {}
_ids_cache: dict[int, tuple[int, list[str]]] = {}
_readers: dict[int, tuple[int, scoring.SubmissionReader]] = {}


@dataclass(frozen=True)
class SplitTruth:
    split_id: int
    index: np.ndarray  # positions of the split's items in the phase's canonical order
    prepared: object  # scoring.prepare(...) of the split's means


@dataclass(frozen=True)
class PhaseTruth:
    version: int
    n: int
    splits: list[SplitTruth]


class TruthMissing(Exception):
    """The phase has items without ratings, so it cannot be scored."""


def phase_truth(phase: Phase) -> PhaseTruth:
    """The prepared truth of every split of the phase; rebuilt when the ratings change."""
    cached = _truth_cache.get(phase.pk)
    if cached is not None and cached.version == phase.truth_version:
        return cached
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
    truth = PhaseTruth(version=phase.truth_version, n=len(rows), splits=splits)
    _truth_cache[phase.pk] = truth
    return truth


def phase_ids(phase: Phase) -> list[str]:
    """The phase's wav_file_names in canonical order (predictions are stored in it)."""
    cached = _ids_cache.get(phase.pk)
    if cached is not None and cached[0] == phase.truth_version:
        return cached[1]
    ids = list(phase.items().values_list("wav_file_name", flat=True))
    _ids_cache[phase.pk] = (phase.truth_version, ids)
    return ids


def other_partition_ids(phase: Phase) -> dict[str, list[str]]:
    """Ids of the competition's other partitions, so an upload that mixes them up is told so."""
    key = -phase.pk
    cached = _ids_cache.get(key)
    if cached is None or cached[0] != phase.truth_version:
        others: dict[str, list[str]] = {}
        rows = Item.objects.filter(competition_id=phase.competition_id).exclude(
            partition=phase.kind
        )
        for partition, wav in rows.values_list("partition", "wav_file_name"):
            others.setdefault(partition, []).append(wav)
        cached = (phase.truth_version, others)
        _ids_cache[key] = cached
    return cached[1]


def submission_reader(phase: Phase) -> scoring.SubmissionReader:
    """The phase's ids indexed once, for reading uploads; no ground truth in it."""
    cached = _readers.get(phase.pk)
    if cached is None or cached[0] != phase.truth_version:
        reader = scoring.SubmissionReader(phase_ids(phase), phase.kind, other_partition_ids(phase))
        cached = _readers[phase.pk] = (phase.truth_version, reader)
    return cached[1]


def forget():
    """Drop every cached truth (tests, and after an import in the same process)."""
    _truth_cache.clear()
    _ids_cache.clear()
    _readers.clear()
