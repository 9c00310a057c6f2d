"""Look-ups the organizer commands share, answering a wrong name with a CommandError."""

import sys

from django.core.management.base import CommandError

from competition.models import Competition, Phase


def get_competition(slug: str) -> Competition:
    try:
        return Competition.objects.get(slug=slug)
    except Competition.DoesNotExist:
        known = ", ".join(Competition.objects.values_list("slug", flat=True)) or "none yet"
        raise CommandError(f"No competition {slug!r} (known: {known}).")


def get_phase(competition: Competition, kind: str) -> Phase:
    try:
        return competition.phases.get(kind=kind)
    except Phase.DoesNotExist:
        raise CommandError(f"{competition.slug} has no {kind} phase.")


def on_terminal() -> bool:
    return sys.stderr.isatty()
