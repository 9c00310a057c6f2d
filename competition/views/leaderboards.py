"""Leaderboards per phase and split, by team or by system, and their downloads."""

import io
import json
import logging

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from competition import csv_safe, history, leaderboard, signals
from competition.access import get_phase, is_organizer, ordered_phases, team_of
from competition.views import systems

log = logging.getLogger(__name__)

PAGE_SIZE = 100
DOWNLOAD_FORMATS = ("csv", "json")


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


def board_for(request, phase, *, offset=0, limit=None) -> leaderboard.Board:
    """The board the request asks for, as this user may see it: the page and its
    downloads both read it here, so a download never shows more than the page."""
    return leaderboard.build(
        phase,
        pick_split(phase, request.GET.get("split")),
        pick_view(request.GET.get("by")),
        offset=offset,
        limit=limit,
        organizer=is_organizer(request.user),
    )


def board_page(request, slug, kind):
    phase = get_phase(slug, kind)
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        number = 1
    offset = (number - 1) * PAGE_SIZE
    board = board_for(request, phase, offset=offset, limit=PAGE_SIZE)
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
        "offset": offset,
        "own_team_id": team.pk if team else None,
        "organizer": is_organizer(request.user),
        **systems.board_extras(phase, request.user),
        "best_history": None if board.hidden else history.best_over_time(phase, board.split),
    }
    # Other apps add columns and notes (the results analysis); competition knows none,
    # and a failing one costs its additions, never the leaderboard.
    for receiver, extra in signals.leaderboard_extras.send_robust(
        sender=leaderboard.Board, board_=board, user=request.user, offset=offset
    ):
        if isinstance(extra, Exception):
            log.error("leaderboard extras from %r failed", receiver, exc_info=extra)
        else:
            context.update(extra or {})
    return render(request, "competition/leaderboard.html", context)


def board_download(request, slug, kind, fmt):
    """The whole board the page shows (every page of it), in the columns of `manage.py
    leaderboard`; empty, like the page, where the user may not see the split."""
    if fmt not in DOWNLOAD_FORMATS:
        raise Http404("No such format")
    phase = get_phase(slug, kind)
    board = board_for(request, phase)
    records = [leaderboard.record(row) for row in board.rows]
    name = f"{phase.competition.slug}-{phase.kind}-{board.split.name}-by-{board.by}"
    if fmt == "json":
        body = json.dumps(
            {
                "phase": phase.kind,
                "split": board.split.name,
                "by": board.by,
                "hidden": board.hidden and not is_organizer(request.user),
                "rows": records,
            }
        )
        response = HttpResponse(body, content_type="application/json")
    else:
        out = io.StringIO()
        rows = [[r[c] for c in leaderboard.COLUMNS] for r in records]
        csv_safe.write_rows(out, [leaderboard.COLUMNS, *rows])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
