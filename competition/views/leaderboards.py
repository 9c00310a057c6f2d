"""Leaderboards per phase and split, by team or by system."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from competition import leaderboard
from competition.access import get_phase, is_organizer, ordered_phases, team_of
from competition.views import systems

PAGE_SIZE = 100


def pick_split(phase, name: str | None):
    """The named split of the phase (404 if none), or the phase's default split."""
    if not name:
        return phase.default_split()
    split = phase.splits.filter(name=name).first()
    if split is None:
        raise Http404("No such split")
    return split


def pick_view(by: str | None) -> str:
    return by if by in (leaderboard.TEAM, leaderboard.SYSTEM) else leaderboard.TEAM


def board_page(request, slug, kind):
    phase = get_phase(slug, kind)
    split = pick_split(phase, request.GET.get("split"))
    by = pick_view(request.GET.get("by"))
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        number = 1
    board = leaderboard.build(
        phase,
        split,
        by,
        offset=(number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        organizer=is_organizer(request.user),
    )
    # A Paginator over the count alone gives the page links without fetching every row.
    page = Paginator(range(board.total), PAGE_SIZE).get_page(number)
    team = team_of(request.user, phase.competition)
    context = {
        "competition": phase.competition,
        "phase": phase,
        "phases": ordered_phases(phase.competition),
        "splits": list(phase.splits.all()),
        "board": board,
        "page": page,
        "offset": (number - 1) * PAGE_SIZE,
        "own_team_id": team.pk if team else None,
        "organizer": is_organizer(request.user),
        **systems.board_extras(phase, request.user),
    }
    return render(request, "competition/leaderboard.html", context)
