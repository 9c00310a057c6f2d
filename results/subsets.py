"""Per-subset scores (natural vs. synthetic items, and per text-to-audio model), computed
by the worker right after the split scores, from `Item.subsets`.

A subset is not a split: it decides no rank, and its numbers are shown only where the
split they come from may be seen (results.access)."""

import logging
from dataclasses import dataclass

import numpy as np
from django.db import transaction

import scoring
from competition import truth
from competition.models import Phase, Split
from results.models import SubsetScore

log = logging.getLogger(__name__)

FIELDS = ["srcc", "lcc", "ktau", "mse", "n", "constant_prediction"]
# Phase id -> (truth_version, [SubsetTruth]); per worker process, like competition.truth.
_cache: dict[int, tuple[int, list]] = {}


def labels(subsets: str) -> list[str]:
    """The subsets an item belongs to: each label, and the family before a '/'
    ("synthetic/Tango" is in "synthetic" and "synthetic/Tango")."""
    found: list[str] = []
    for label in (part.strip() for part in (subsets or "").split(",")):
        if not label:
            continue
        for name in (label.split("/", 1)[0], label):
            if name not in found:
                found.append(name)
    return found


def subset_order(name: str) -> tuple:
    """Natural first, then the synthetic family, then each model; other labels after."""
    family = name.split("/", 1)[0]
    return ({"natural": 0, "synthetic": 1}.get(family, 2), family, "/" in name, name)


@dataclass(frozen=True)
class SubsetTruth:
    split_id: int
    subset: str
    index: np.ndarray  # positions in the phase's canonical order
    prepared: object


def subset_truth(phase: Phase) -> list[SubsetTruth]:
    cached = _cache.get(phase.pk)
    if cached is None or cached[0] != phase.truth_version:
        cached = _cache[phase.pk] = (phase.truth_version, _build(phase))
    return cached[1]


def _build(phase: Phase) -> list[SubsetTruth]:
    rows = list(phase.items().values_list("id", "mean_score", "subsets"))
    if not rows or any(mean is None for _, mean, _ in rows):
        return []
    position = {item_id: pos for pos, (item_id, _, _) in enumerate(rows)}
    means = np.array([mean for _, mean, _ in rows])
    members: dict[int, set[int]] = {}
    through = Split.items.through.objects.filter(split__phase=phase)
    for split_id, item_id in through.values_list("split_id", "item_id"):
        members.setdefault(split_id, set()).add(position[item_id])
    found = []
    for split_id in sorted(members):
        groups: dict[str, list[int]] = {}
        for pos in sorted(members[split_id]):
            for name in labels(rows[pos][2]):
                groups.setdefault(name, []).append(pos)
        for name in sorted(groups, key=subset_order):
            index = np.array(groups[name], dtype=np.intp)
            if len(index) >= 2:
                found.append(SubsetTruth(split_id, name, index, scoring.prepare(means[index])))
    return found


def score_subsets(submissions, fresh=(), failed=()) -> int:
    """Write the subset scores of the given scored submissions (the Submission objects with
    their phase and predictions, as the scorer holds them), replacing any they had, and
    remove those of the `failed` ids; safe to repeat. `fresh`: ids scored for the first
    time, which have none to replace. Return how many rows were written."""
    rows = []
    for submission in submissions:
        predictions = submission.prediction_array()
        for part in subset_truth(submission.phase):
            if part.index[-1] >= len(predictions):
                continue
            result = part.prepared.evaluate(predictions[part.index])
            rows.append(
                SubsetScore(
                    submission_id=submission.pk,
                    split_id=part.split_id,
                    subset=part.subset,
                    **{field: getattr(result, field) for field in FIELDS},
                )
            )
    fresh = set(fresh)
    stale = [s.pk for s in submissions if s.pk not in fresh] + list(failed)
    if not stale and not rows:
        return 0
    with transaction.atomic():
        # Replaced whole: a label the items no longer carry leaves no row behind.
        if stale:
            SubsetScore.objects.filter(submission_id__in=stale).delete()
        SubsetScore.objects.bulk_create(rows)
    return len(rows)


def forget():
    _cache.clear()
    truth.forget()
