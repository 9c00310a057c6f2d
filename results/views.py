"""The results page of a phase and its figures: organizers always, everyone once the
phase is revealed. Reads stored results; an organizer may ask for a recomputation."""

import zlib

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from competition.access import get_phase, is_organizer, may_see_results, ordered_phases
from results import charts
from results.report import build_report

NOT_YET = "The results of this phase are shown once the organizers reveal it."
CHART_SECONDS = 300
CHART_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def _phase_for(request, slug, kind):
    phase = get_phase(slug, kind)
    if not may_see_results(phase, request.user):
        raise PermissionDenied(NOT_YET)
    return phase


def results_page(request, slug, kind):
    phase = _phase_for(request, slug, kind)
    report = build_report(phase, is_organizer(request.user))
    context = {
        "competition": phase.competition,
        "phase": phase,
        "phases": ordered_phases(phase.competition),
        "report": report,
        "organizer": is_organizer(request.user),
        "stamp": _stamp(report),
    }
    return render(request, "results/results.html", context)


def _stamp(report) -> str:
    """Changes whenever what a figure shows may have changed."""
    analysis = report.analysis.computed_at.timestamp() if report.analysis else 0
    scores = ",".join(f"{s.submission_id}:{s.srcc:.6f}" for s in report.systems)
    return f"{analysis:.0f}-{zlib.crc32(scores.encode())}"


def figure(request, slug, kind, name, fmt):
    phase = _phase_for(request, slug, kind)
    if name not in charts.FIGURES or fmt not in CHART_TYPES:
        raise Http404("No such figure")
    organizer = is_organizer(request.user)
    report = build_report(phase, organizer)
    key = f"results-figure:{phase.pk}:{organizer}:{name}:{fmt}:{_stamp(report)}"
    body = cache.get(key)
    if body is None:
        body = charts.render(charts.draw(report, name), fmt)
        cache.set(key, body, CHART_SECONDS)
    return HttpResponse(body, content_type=CHART_TYPES[fmt])


@require_POST
def recompute(request, slug, kind):
    phase = get_phase(slug, kind)
    if not is_organizer(request.user):
        raise PermissionDenied("Only organizers recompute the analysis.")
    from results.tasks import analyse_now_task

    try:
        analyse_now_task.apply_async((phase.pk,), retry=False)
        messages.success(request, "The analysis is being recomputed; reload in a minute.")
    except Exception:
        messages.error(request, "The workers could not be reached; run manage.py analyse.")
    return redirect("results", slug=slug, kind=kind)
