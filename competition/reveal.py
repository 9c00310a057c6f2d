"""Revealing a phase's results: every split shown, the phase closed if it was still open,
the final selection ended if it was still open. Refused while the phase has no ground
truth (items without ratings), since there would be nothing true to show."""

from django.db import transaction
from django.utils import timezone

from competition import dates, standings
from competition.models import Phase


class RevealError(Exception):
    """The phase cannot be revealed; the message says why."""


def reveal(phase: Phase, now=None) -> list[str]:
    """Reveal the phase; the lines that say what was done."""
    now = now or timezone.now()
    if phase.is_revealed:
        when = f" at {dates.utc(phase.revealed_at)}" if phase.revealed_at else ""
        return [f"{phase} was already revealed{when}."]
    items = phase.items()
    missing = items.filter(mean_score__isnull=True).count()
    if not items.exists() or missing:
        detail = f"{missing} of its items have no ratings" if missing else "it has no items"
        raise RevealError(
            f"{phase} has no ground truth to reveal ({detail}): import the ratings first."
        )
    notes = []
    with transaction.atomic():
        phase = Phase.objects.select_for_update().get(pk=phase.pk)
        selecting = phase.selection_open(now)
        if phase.state(now) in (Phase.UPCOMING, Phase.OPEN):
            phase.closes_at = now
            notes.append(f"{phase} was still open: it is closed now ({dates.utc(now)}).")
        if selecting:
            phase.final_selection_closes_at = now
            notes.append(f"{phase}: the final selection was still open: it is ended now.")
        phase.leaderboard = Phase.REVEALED
        phase.revealed_at = now
        phase.save(
            update_fields=["closes_at", "final_selection_closes_at", "leaderboard", "revealed_at"]
        )
        standings.ensure_current(phase)
    notes.append(f"{phase} revealed at {dates.utc(now)}: every split is shown.")
    return notes
