import logging

from celery import shared_task

from competition import tasks as competition_tasks
from results import analysis

log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def analyse_phase_task(phase_id: int):
    """The debounced analysis: sent once per quiet period after scores change."""
    analysis.run_pending(phase_id)


def send_debounced(phase_ids, countdown: int | None = None) -> None:
    """Send the phases' pending analyses, after the quiet period unless told otherwise."""
    wait = analysis.debounce_seconds() if countdown is None else countdown
    phase_ids = list(phase_ids)
    # Within the senders' deadline (a reveal in the admin is a web request).
    sent = competition_tasks.send(analyse_phase_task, [(p,) for p in phase_ids], countdown=wait)
    for phase_id in phase_ids[sent:]:  # the pending row is resent by a later score
        log.warning("could not queue the analysis of phase %s", phase_id)


@shared_task(ignore_result=True)
def analyse_now_task(phase_id: int):
    """An organizer's recomputation from the results page."""
    from competition.models import Phase

    phase = Phase.objects.filter(pk=phase_id).first()
    if phase is not None:
        analysis.analyse_phase(phase)
