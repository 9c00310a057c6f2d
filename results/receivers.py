"""What the results app does when competition says something happened: it answers,
competition never asks (competition does not import results)."""

import logging

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from competition.models import Phase
from competition.signals import (
    leaderboard_extras,
    phase_revealed,
    phase_scores_settled,
    submission_scored,
)
from results import analysis, board, subsets, tasks

log = logging.getLogger(__name__)


@receiver(submission_scored)
def after_scoring(sender, scored, failed, phase_ids, first_time, submissions, **kwargs):
    """Inside the scoring transaction: the subset scores beside the split scores, and a
    debounced analysis of the phases. A failure here is logged and never fails the
    scoring itself (what writes runs in a savepoint; the usual case writes nothing and
    reads once)."""
    try:
        subsets.score_subsets(submissions, fresh=first_time, failed=failed)
    except Exception:
        log.exception("subset scores of submissions %s failed", list(scored)[:20])
    try:
        send = analysis.request_analysis(phase_ids)
        transaction.on_commit(lambda: tasks.send_debounced(send))
    except Exception:
        log.exception("could not request the analysis of phases %s", phase_ids)


@receiver(phase_revealed)
@receiver(phase_scores_settled)
def analyse_now(sender, phase, **kwargs):
    """The reveal publishes the intervals and groups, and a settled phase (the demo) has
    every score it will get: compute them now."""
    analysis.analyse_phase(phase)


@receiver(leaderboard_extras)
def leaderboard_columns(sender, board_, user, offset=0, **kwargs):
    return board.extras(board_, user, offset)


@receiver(pre_save, sender=Phase)
def remember_leaderboard_state(sender, instance, **kwargs):
    instance._leaderboard_before = (
        Phase.objects.filter(pk=instance.pk).values_list("leaderboard", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Phase)
def analyse_when_revealed(sender, instance, **kwargs):
    """A reveal made anywhere (the admin too) sends the analysis to a worker at once: the
    web process never reads the truth. The reveal command also computes it in place."""
    if instance.leaderboard != Phase.REVEALED:
        return
    if getattr(instance, "_leaderboard_before", None) == Phase.REVEALED:
        return
    send = analysis.request_analysis([instance.pk])
    transaction.on_commit(lambda: tasks.send_debounced(send, countdown=0))
