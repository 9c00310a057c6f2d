from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import Signal, receiver

from competition import standings
from competition.models import Submission


@receiver(post_delete, sender=Submission)
def refresh_standings_after_delete(sender, instance, **kwargs):
    # The deleted submission may have been its system's best: let the next best stand.
    system = (instance.team_id, instance.phase_id, instance.system_name)
    transaction.on_commit(lambda: standings.refresh({system}))


# Hooks other apps answer (competition never imports them). Each is sent with keywords:
# submission_scored: scored, failed (submission ids), phase_ids, first_time (the ids scored
#   for the first time), submissions (the scored Submission objects, with their phase and
#   predictions); inside the scoring transaction, after the scores are written.
submission_scored = Signal()
# phase_revealed: phase; after an organizer revealed it.
phase_revealed = Signal()
# leaderboard_extras: board_, user; each receiver returns a dict added to the leaderboard
#   page's context (columns, notes, the reference line).
leaderboard_extras = Signal()
# phase_scores_settled: phase; a command finished scoring the phase's submissions in this
#   process (the demo), so what depends on all its scores may be computed now.
phase_scores_settled = Signal()
# user_signed_up: user, request; someone made an account through the sign-up page.
user_signed_up = Signal()
# overview_sections: competition, request; each receiver returns an HTML section for the
#   overview page (the discussion's latest announcements), or "".
overview_sections = Signal()
