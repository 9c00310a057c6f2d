"""The heavy part of the results, computed where the truth may be read (a worker, an
organizer command, the reveal) and stored: each split's paired bootstrap (SRCC intervals,
win probabilities, significance groups) and its human ceiling."""

import logging
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from competition import truth
from competition.models import Phase, Rating, Split, Submission
from results.models import Analysis, PendingAnalysis, SystemInterval
from results.systems import ranked_systems
from scoring import stats

log = logging.getLogger(__name__)

CEILING_SPLITS = 200


def analyse_phase(phase: Phase, resamples: int = stats.DEFAULT_RESAMPLES, seed: int = 0):
    """Analyse every split of the phase; return the stored analyses (a split without
    ratings or with fewer than two items gets none)."""
    # Whatever debounced run was on its way is covered by this one.
    PendingAnalysis.objects.filter(phase=phase).delete()
    done = []
    for split in phase.splits.order_by("id"):
        analysis = analyse_split(split, resamples=resamples, seed=seed)
        if analysis is not None:
            done.append(analysis)
    return done


def _split_means(split: Split) -> tuple[np.ndarray, np.ndarray] | None:
    """(positions of the split's items in the phase order, their means), or None."""
    try:
        phase_truth = truth.phase_truth(split.phase)
    except truth.TruthMissing:
        return None
    part = next((s for s in phase_truth.splits if s.split_id == split.pk), None)
    if part is None:
        return None
    means = np.array(list(split.phase.items().values_list("mean_score", flat=True)))
    return part.index, means[part.index]


def ceiling_of(split: Split, n_splits: int = CEILING_SPLITS, seed: int = 0):
    """The split's human ceiling from its per-listener ratings, or None without them."""
    by_item: dict[int, list[float]] = {}
    ratings = Rating.objects.filter(item__splits=split).order_by("item_id", "listener_id")
    for item_id, score in ratings.values_list("item_id", "score"):
        by_item.setdefault(item_id, []).append(score)
    return stats.split_half_reliability(list(by_item.values()), n_splits=n_splits, seed=seed)


def analyse_split(split: Split, resamples: int = stats.DEFAULT_RESAMPLES, seed: int = 0):
    found = _split_means(split)
    if found is None:
        return None
    index, means = found
    systems = ranked_systems(split.phase, split)
    predictions = np.empty((len(systems), len(index)))
    arrays = dict(
        Submission.objects.filter(pk__in=[s.submission_id for s in systems]).values_list(
            "pk", "predictions"
        )
    )
    for row, system in enumerate(systems):
        predictions[row] = np.frombuffer(bytes(arrays[system.submission_id]), np.float64)[index]
    ceiling = ceiling_of(split, seed=seed)
    level = stats.DEFAULT_LEVEL
    intervals, win, groups = np.empty((0, 2)), np.empty((0, 0), np.float32), []
    if systems:
        boot = stats.paired_bootstrap(means, predictions, resamples, level=level, seed=seed)
        intervals, win = boot.intervals, boot.win.astype(np.float32)
        ranked = [pos for pos, system in enumerate(systems) if not system.baseline]
        group_of = dict(zip(ranked, stats.significance_groups(win, ranked, 1 - level), strict=True))
        groups = [group_of.get(pos) for pos in range(len(systems))]
    with transaction.atomic():
        # Two runs for one split (the reveal and a debounced task) write one after the other.
        Split.objects.select_for_update().filter(pk=split.pk).first()
        analysis, _ = Analysis.objects.update_or_create(
            split=split,
            defaults={
                "computed_at": timezone.now(),
                "resamples": resamples,
                "level": level,
                "seed": seed,
                "items": len(index),
                "win": win.tobytes(),
                "ceiling_reliability": ceiling.reliability if ceiling else None,
                "ceiling_srcc": ceiling.srcc if ceiling else None,
                "ceiling_items": ceiling.items if ceiling else 0,
                "ceiling_ratings": ceiling.ratings if ceiling else 0,
                "ceiling_splits": ceiling.splits if ceiling else 0,
            },
        )
        analysis.systems.all().delete()
        SystemInterval.objects.bulk_create(
            SystemInterval(
                analysis=analysis,
                position=pos,
                team_id=system.team_id,
                system_name=system.system,
                submission_id=system.submission_id,
                srcc=system.srcc,
                low=float(intervals[pos, 0]),
                high=float(intervals[pos, 1]),
                group=groups[pos],
            )
            for pos, system in enumerate(systems)
        )
    return analysis


def debounce_seconds() -> int:
    return settings.RESULTS_ANALYSIS_DEBOUNCE_SECONDS


def request_analysis(phase_ids) -> list[int]:
    """Note that the phases' scores changed; return the phases whose debounced analysis
    must be sent now (none is on its way, or the one on its way looks lost)."""
    send = []
    now = timezone.now()
    lost = now - timedelta(seconds=2 * debounce_seconds() + 600)
    for phase_id in set(phase_ids):
        # The usual case while scores come in (one is on its way, on time): one read, and
        # no savepoint (what writes below has its own).
        if PendingAnalysis.objects.filter(phase_id=phase_id, since__gte=lost).exists():
            continue
        try:
            with transaction.atomic():
                PendingAnalysis.objects.create(phase_id=phase_id, since=now)
            send.append(phase_id)
        except IntegrityError:
            # One is on its way; resend only if it waited far past its time (lost message).
            with transaction.atomic():  # a savepoint: a failure here leaves the caller's work
                late = PendingAnalysis.objects.filter(phase_id=phase_id, since__lt=lost)
                if late.update(since=now):
                    send.append(phase_id)
    return send


def run_pending(phase_id: int) -> bool:
    """The debounced task's body: claim the phase's pending row and analyse it; False
    when another run claimed it first."""
    if not PendingAnalysis.objects.filter(phase_id=phase_id).delete()[0]:
        return False
    phase = Phase.objects.filter(pk=phase_id).first()
    if phase is not None:
        analyse_phase(phase)
    return True
