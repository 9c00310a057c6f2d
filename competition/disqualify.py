"""Disqualifying a submission, or a whole team from a phase: it leaves every board and
export at once (the standings are recomputed), and the team sees the reason."""

from django.db import transaction

from competition import standings
from competition.models import Disqualification, Phase, Submission, Team


def disqualify_submission(submission: Submission, reason: str) -> None:
    with transaction.atomic():
        Submission.objects.filter(pk=submission.pk).update(
            disqualified_reason=reason, selected_for_final=False
        )
        standings.refresh_teams({(submission.team_id, submission.phase_id)})
    submission.disqualified_reason = reason


def disqualify_team(team: Team, phase: Phase, reason: str) -> Disqualification:
    with transaction.atomic():
        disqualification, _ = Disqualification.objects.update_or_create(
            team=team, phase=phase, defaults={"reason": reason}
        )
        standings.refresh_teams({(team.pk, phase.pk)})
    return disqualification


def reinstate_submission(submission: Submission) -> None:
    with transaction.atomic():
        Submission.objects.filter(pk=submission.pk).update(disqualified_reason="")
        standings.refresh_teams({(submission.team_id, submission.phase_id)})
    submission.disqualified_reason = ""


def reinstate_team(team: Team, phase: Phase) -> bool:
    with transaction.atomic():
        deleted, _ = Disqualification.objects.filter(team=team, phase=phase).delete()
        standings.refresh_teams({(team.pk, phase.pk)})
    return bool(deleted)
