"""A team's final selection in a phase: up to `max_final` submissions, at most one per
system, chosen until the selection deadline and never after the reveal. Once the phase has
closed, only these (or, for a team that chose none, its automatic choice: see
competition.selection) enter the ranking."""

from dataclasses import asdict, dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from competition import dates, standings
from competition.models import Submission, Team


class SelectionError(Exception):
    """The selection cannot change; the message says why."""


@dataclass(frozen=True)
class Selection:
    max_final: int
    selected: int
    closes_at: datetime | None
    open: bool

    def as_dict(self) -> dict:
        return asdict(self)


def selection(phase, team: Team | None, now=None) -> Selection:
    now = now or timezone.now()
    selected = 0
    if team is not None:
        selected = Submission.objects.filter(
            phase=phase, team=team, selected_for_final=True
        ).count()
    return Selection(
        phase.max_final, selected, phase.selection_closes_at(), phase.selection_open(now)
    )


def _check_open(phase, now) -> None:
    if phase.max_final == 0:
        raise SelectionError(
            f"The {phase.kind} phase has no final selection: every system is ranked."
        )
    if phase.is_revealed:
        raise SelectionError(f"The {phase.kind} phase is revealed: its final selection is over.")
    if not phase.selection_open(now):
        raise SelectionError(
            f"The final selection of the {phase.kind} phase closed at "
            f"{dates.utc(phase.selection_closes_at())}."
        )


def select(submission: Submission, now=None) -> Submission:
    """Mark the submission final (unmarking the other submissions of its system)."""
    now = now or timezone.now()
    phase = submission.phase
    _check_open(phase, now)
    if submission.is_baseline:
        raise SelectionError("A reference system (baseline) takes no part in the selection.")
    if submission.status == Submission.FAILED:
        raise SelectionError(f"Submission #{submission.pk} failed to score; it cannot be final.")
    if submission.is_late:
        raise SelectionError(f"Submission #{submission.pk} is late; it cannot be final.")
    if submission.is_disqualified:
        raise SelectionError(f"Submission #{submission.pk} is disqualified.")
    with transaction.atomic():
        # One change at a time per team: two selections at once cannot pass K together.
        Team.objects.select_for_update().filter(pk=submission.team_id).exists()
        finals = Submission.objects.filter(
            phase=phase, team_id=submission.team_id, selected_for_final=True
        )
        others = finals.exclude(system_name=submission.system_name)
        if others.count() >= phase.max_final:
            raise SelectionError(
                f"Your team has selected {phase.max_final} final submissions, the most the "
                f"{phase.kind} phase allows; unselect one first."
            )
        finals.filter(system_name=submission.system_name).exclude(pk=submission.pk).update(
            selected_for_final=False
        )
        Submission.objects.filter(pk=submission.pk).update(selected_for_final=True)
        standings.refresh_teams({(submission.team_id, phase.pk)})
    submission.selected_for_final = True
    return submission


def unselect(submission: Submission, now=None) -> Submission:
    now = now or timezone.now()
    _check_open(submission.phase, now)
    with transaction.atomic():
        Team.objects.select_for_update().filter(pk=submission.team_id).exists()
        Submission.objects.filter(pk=submission.pk).update(selected_for_final=False)
        standings.refresh_teams({(submission.team_id, submission.phase_id)})
    submission.selected_for_final = False
    return submission
