"""Where accounts hooks into competition: notices are queued here and sent by a worker."""

import logging

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts import mail
from accounts.models import Profile
from competition.models import Membership, Phase
from competition.signals import submission_scored, user_signed_up

log = logging.getLogger(__name__)


@receiver(submission_scored)
def queue_submission_notices(sender, scored, failed, **kwargs):
    """Inside the scoring transaction: the notices are queued for when it commits. A
    failure here is logged and never fails the scoring itself."""
    from accounts import tasks

    ids = [*scored, *failed]
    try:
        # Most scorings concern nobody who asked for a notice: no task for those. One read,
        # with no savepoint: it writes nothing.
        teams = Membership.objects.filter(team__submissions__in=ids).values("user")
        wanted = Profile.objects.filter(notify_submissions=True, user__in=teams).exists()
    except Exception:
        log.exception("could not look for notices of submissions %s", ids[:20])
        return
    if wanted:
        mail.later(tasks.submission_notices, ids)


@receiver(user_signed_up)
def send_confirmation_link(sender, user, request=None, **kwargs):
    mail.profile_of(user)
    mail.send_confirmation(user, request)


@receiver(post_save, sender=Phase)
def look_at_phases(sender, instance, **kwargs):
    # The periodic check finds every opening, closing and reveal; a saved phase (the reveal
    # command) is looked at at once rather than at the next tick.
    from accounts import tasks

    if Profile.objects.filter(notify_phases=True).exists():
        mail.later(tasks.phase_notices)
