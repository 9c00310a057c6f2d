"""Keeping items' means true to their ratings after an organizer edits them by hand, and
sending the affected submissions to be rescored."""

from django.db import transaction
from django.db.models import Avg, Count, F

from competition import scorer, tasks
from competition.models import Item, Phase, Submission


def means_changed(item_ids, *, recompute: bool = True) -> int:
    """Recompute the items' means from their ratings (unless recompute is False: the mean
    itself was edited) and requeue the phases whose truth changed; return how many
    submissions were requeued."""
    changed_phases = set()
    with transaction.atomic():
        items = Item.objects.filter(pk__in=item_ids).annotate(
            average=Avg("ratings__score"), count=Count("ratings")
        )
        for item in items:
            if recompute:
                if not item.count or item.average == item.mean_score:
                    continue
                Item.objects.filter(pk=item.pk).update(
                    mean_score=item.average, n_ratings=item.count
                )
            changed_phases.add((item.competition_id, item.partition))
        requeued = []
        for competition_id, kind in changed_phases:
            phases = Phase.objects.filter(competition_id=competition_id, kind=kind)
            phases.update(truth_version=F("truth_version") + 1)
            requeued += scorer.requeue(Submission.objects.filter(phase__in=phases))
        transaction.on_commit(lambda: tasks.enqueue(requeued))
    return len(requeued)
