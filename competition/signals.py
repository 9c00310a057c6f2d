from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from competition import standings
from competition.models import Submission


@receiver(post_delete, sender=Submission)
def refresh_standings_after_delete(sender, instance, **kwargs):
    # The deleted submission may have been its system's best: let the next best stand.
    system = (instance.team_id, instance.phase_id, instance.system_name)
    transaction.on_commit(lambda: standings.refresh({system}))
