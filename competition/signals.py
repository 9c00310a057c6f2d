from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import Signal, receiver

from competition import standings
from competition.models import Submission

# Hooks for the apps built on this one (accounts sends notices from them); competition
# itself never imports those apps.
# Sent after the transaction that scored or failed submissions commits: outcome={id: status}.
submissions_finished = Signal()
# Sent when someone made an account through the sign-up page: user, request.
user_signed_up = Signal()
# Sent while the overview page is built: competition, request; a receiver returns an HTML
# section to show on it (the discussion's latest announcements), or "".
overview_sections = Signal()


@receiver(post_delete, sender=Submission)
def refresh_standings_after_delete(sender, instance, **kwargs):
    # The deleted submission may have been its system's best: let the next best stand.
    system = (instance.team_id, instance.phase_id, instance.system_name)
    transaction.on_commit(lambda: standings.refresh({system}))
