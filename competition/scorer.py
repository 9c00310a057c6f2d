"""Scoring stored submissions against their phase's truth: claimed with a conditional
update, safe to run twice, in batches when an organizer rescores everything."""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone
from tqdm import tqdm

from competition import signals, standings, truth
from competition.models import Score, Submission

log = logging.getLogger(__name__)

SERVER_ERROR = (
    "Scoring failed because of a problem on the server. Your file is kept; the organizers "
    "can rescore it."
)
NO_TRUTH = (
    "This phase's ratings are not loaded yet. Your file is kept and will be scored when the "
    "organizers load them."
)
CHANGED_PHASE = (
    "The pairs of this phase changed after the file was submitted, so it no longer covers "
    "them. Please submit again."
)
SCORE_FIELDS = ["srcc", "lcc", "ktau", "mse", "n", "constant_prediction"]
BATCH = 200
WAITING = [Submission.QUEUED, Submission.SCORING]
# A pass takes others only when they have waited this long: the workers are behind. A fresh
# one's own message is on its way to a worker, and taking it would only make that worker
# wait for this pass.
BEHIND = timedelta(seconds=1)


def score_submission(submission_id: int) -> str | None:
    """Score one submission; return its new status, or None when there was nothing to do."""
    return score_many([submission_id]).get(submission_id)


def score_many(submission_ids: Iterable[int]) -> dict[int, str]:
    """Score the given submissions that are queued or scoring; {id: new status}.

    First a claim, committed at once: the rows become `scoring` with the time, so a claim
    that never finishes is visible and is sent again after STALE_SCORING_SECONDS. Then one
    transaction scores them with the rows locked, so two workers handed the same submission
    never both write it (the second skips it and finds it still waiting), and a worker that
    dies mid-way leaves it `scoring` for the next delivery."""
    ids = list(submission_ids)
    if not _claim(ids):
        return {}
    return _score_claimed(ids)


def score_next(submission_id: int, batch: int) -> dict[int, str]:
    """A worker's pass for one delivered submission: score it and, in the same pass, up to
    `batch - 1` others that have waited longest (longer than BEHIND); {id: new status}.
    The delivered one is missing from the answer when it no longer waited, or when another
    session took it between the claim and the scoring (rare: `is_waiting` tells).

    When uploads come faster than the workers score them one at a time, every pass catches
    up on the queue with one claim, one transaction and one write of each kind for all of
    them, instead of a whole pass each (the cost of a pass is mostly its round trips to the
    database). The messages of the others then find them scored and finish at once."""
    ids = _claim_next(submission_id, batch)
    return _score_claimed(ids) if ids else {}


def _score_claimed(ids: list[int]) -> dict[int, str]:
    outcome: dict[int, str] = {}
    with transaction.atomic():
        claimed = (
            Submission.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("phase")
            .filter(pk__in=ids, status__in=WAITING)
        )
        scores, done, failed, touched, systems, first_time = [], {}, {}, set(), set(), []
        scored_now = []  # handed to the signal's receivers, which need not read them again
        for submission in claimed:
            system = (submission.team_id, submission.phase_id, submission.system_name)
            systems.add(system)
            phase = submission.phase
            try:
                rows = _score_rows(submission, truth.phase_truth(phase))
            except Exception as exc:
                failed.setdefault(_failure(submission, exc), []).append(submission.pk)
                if submission.scored_truth_version is not None:
                    touched.add(system)  # its earlier scores leave the standings
                continue
            if submission.scored_truth_version is None:
                # Never in the standings before: folded in without reading its history.
                first_time.append((submission, rows))
            else:
                touched.add(system)
            scores.extend(rows)
            scored_now.append(submission)
            done.setdefault(phase.truth_version, []).append(submission.pk)
        if scores:
            Score.objects.bulk_create(
                scores,
                update_conflicts=True,
                unique_fields=["submission", "split"],
                update_fields=SCORE_FIELDS,
            )
        now = timezone.now()
        for version, finished in done.items():
            # Notes (such as a constant prediction) are made when shown, from the splits
            # the viewer may see (access.shown_reason), not stored.
            Submission.objects.filter(pk__in=finished).update(
                status=Submission.SCORED, scored_at=now, scored_truth_version=version, reason=""
            )
            outcome.update(dict.fromkeys(finished, Submission.SCORED))
        for reason, lost in failed.items():
            # Scores from an earlier run no longer stand beside "failed".
            Score.objects.filter(submission_id__in=lost).delete()
            Submission.objects.filter(pk__in=lost).update(
                status=Submission.FAILED, reason=reason, scored_at=now
            )
            outcome.update(dict.fromkeys(lost, Submission.FAILED))
        standings.add_scored(first_time)
        standings.refresh(touched)
        if outcome:
            signals.submission_scored.send(
                sender=Submission,
                scored=[pk for pk, status in outcome.items() if status == Submission.SCORED],
                failed=[pk for pk, status in outcome.items() if status == Submission.FAILED],
                phase_ids=sorted({phase for _, phase, _ in systems}),
                first_time=[submission.pk for submission, _ in first_time],
                submissions=scored_now,
            )
    return outcome


def _failure(submission: Submission, exc: Exception) -> str:
    """The reason a participant reads for a submission that could not be scored."""
    if isinstance(exc, _Unscorable):
        return str(exc)
    if isinstance(exc, truth.TruthMissing):
        return NO_TRUTH
    log.exception("scoring submission %s failed", submission.pk, exc_info=exc)
    return SERVER_ERROR


def _claim(ids: list[int]) -> int:
    """Mark the waiting submissions nobody holds as `scoring` now, in one statement; return
    how many."""
    if not ids:
        return 0
    with transaction.atomic():
        free = Submission.objects.select_for_update(skip_locked=True).filter(
            pk__in=ids, status__in=WAITING
        )
        return Submission.objects.filter(pk__in=Subquery(free.values("pk"))).update(
            status=Submission.SCORING, claimed_at=timezone.now()
        )


def _claim_next(submission_id: int, batch: int) -> list[int]:
    """Claim the delivered submission if it still waits, and, when the workers are behind
    (it waited longer than BEHIND, or a pass already took it), up to `batch - 1` queued
    others that waited longer than BEHIND, oldest first, that no other session holds;
    return their ids. A delivered submission on time means the queue before it is empty:
    nothing more is looked for.

    The delivered one is waited for when another session holds it, not skipped: the holder
    is usually a worker scoring it in its own pass, and a moment later it is found scored,
    so its message finishes instead of being sent again. A holder that never lets go (a
    session whose host was cut off) makes this wait end in DB_LOCK_TIMEOUT, a database
    error that the task retries with backoff."""
    with transaction.atomic():
        held = Submission.objects.select_for_update().filter(pk=submission_id, status__in=WAITING)
        rows = list(held.values_list("pk", "queued_at"))
        ids = [pk for pk, _ in rows]
        since = timezone.now() - BEHIND
        if batch > 1 and (not rows or rows[0][1] < since):
            others = (
                Submission.objects.select_for_update(skip_locked=True)
                .filter(status=Submission.QUEUED, queued_at__lt=since)
                .exclude(pk=submission_id)
                .order_by("queued_at", "pk")
                .values_list("pk", flat=True)
            )
            ids += list(others[: batch - 1])
        if ids:
            Submission.objects.filter(pk__in=ids).update(
                status=Submission.SCORING, claimed_at=timezone.now()
            )
    return ids


def is_waiting(submission_id: int) -> bool:
    """Still queued or scoring: another session holds it, or it was requeued meanwhile."""
    return Submission.objects.filter(pk=submission_id, status__in=WAITING).exists()


def score_in_batches(ids: list[int], progress: bool = False) -> None:
    """Score in this process, a batch at a time (organizer commands, the demo)."""
    bar = tqdm(total=len(ids), unit="submission", disable=not progress)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        score_many(chunk)
        bar.update(len(chunk))
    bar.close()


class _Unscorable(Exception):
    """A reason the participant may read."""


def _score_rows(submission: Submission, phase_truth: truth.PhaseTruth):
    predictions = submission.prediction_array()
    if len(predictions) != phase_truth.n:
        raise _Unscorable(CHANGED_PHASE)
    rows = []
    for split in phase_truth.splits:
        result = split.prepared.evaluate(predictions[split.index])
        rows.append(
            Score(
                submission_id=submission.pk,
                split_id=split.split_id,
                **{field: getattr(result, field) for field in SCORE_FIELDS},
            )
        )
    return rows


def requeue(queryset) -> list[int]:
    """Mark submissions queued again (ratings changed, or an organizer asked for a
    rescore) and return their ids; the caller sends or scores them."""
    ids = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(ids), 1000):
        Submission.objects.filter(pk__in=ids[start : start + 1000]).update(
            status=Submission.QUEUED, queued_at=timezone.now(), sent_at=None
        )
    return ids


def stale_submissions(queued_seconds: int, scoring_seconds: int):
    """Submissions the workers seem to have lost: queued (and not sent again) too long, or
    claimed by a worker too long ago."""
    now = timezone.now()
    queued = Submission.objects.filter(
        status=Submission.QUEUED, queued_at__lt=now - timedelta(seconds=queued_seconds)
    ).exclude(sent_at__gte=now - timedelta(seconds=queued_seconds))
    stuck = Submission.objects.filter(
        status=Submission.SCORING, claimed_at__lt=now - timedelta(seconds=scoring_seconds)
    )
    return queued | stuck


def oldest_waiting(now=None):
    """(age in seconds of the oldest queued submission or None, its id)."""
    now = now or timezone.now()
    oldest = (
        Submission.objects.filter(status__in=WAITING)
        .order_by("queued_at")
        .values_list("pk", "queued_at")
        .first()
    )
    if oldest is None:
        return None, None
    return (now - oldest[1]).total_seconds(), oldest[0]
