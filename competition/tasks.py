from celery import shared_task
from django.conf import settings
from django.utils import timezone

from competition import scorer
from competition.models import Submission
from competition.submitting import enqueue


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def score_submission_task(submission_id: int):
    scorer.score_submission(submission_id)


@shared_task(ignore_result=True)
def sweep_stale_submissions():
    """Send again what a lost broker message or a dead worker left behind."""
    stale = scorer.stale_submissions(settings.STALE_QUEUED_SECONDS, settings.STALE_SCORING_SECONDS)
    ids = list(stale.values_list("pk", flat=True)[:5000])
    Submission.objects.filter(pk__in=ids).update(queued_at=timezone.now())
    return enqueue(ids)
