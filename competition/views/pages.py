"""The home page and each competition's overview."""

from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone

from competition import dataset_summary, dates, resources
from competition.access import get_competition, ordered_phases, team_of
from competition.models import Competition, Split
from competition.signals import overview_sections
from competition.views.downloads import catalogue


def home(request):
    competitions = list(Competition.objects.all())
    if len(competitions) == 1:
        return redirect("competition", slug=competitions[0].slug)
    return render(request, "competition/home.html", {"competitions": competitions})


def phases_with_splits(competition: Competition) -> list:
    """The competition's phases, each with `split_list`: its splits with their `size`
    and whether they are `visible` to participants now (two queries)."""
    phases = ordered_phases(competition)
    splits = Split.objects.filter(phase__competition=competition).annotate(size=Count("items"))
    by_phase: dict[int, list[Split]] = {}
    for split in splits.order_by("id"):
        by_phase.setdefault(split.phase_id, []).append(split)
    for phase in phases:
        phase.split_list = by_phase.get(phase.pk, [])
        for split in phase.split_list:
            split.phase = phase
            split.visible = phase.is_split_visible(split)
    return phases


def next_deadline(phases, now):
    """The next dated event of the competition: (what, when, time left), or None."""
    events = [(when, what) for phase in phases for what, when in phase.deadlines() if when > now]
    if not events:
        return None
    when, what = min(events)
    return {"what": what, "when": when, "left": dates.duration((when - now).total_seconds())}


def overview(request, slug):
    competition = get_competition(slug)
    phases = phases_with_splits(competition)
    context = {
        "competition": competition,
        "phases": phases,
        "deadline": next_deadline(phases, timezone.now()),
        "downloads": catalogue(request.user, competition) if request.user.is_authenticated else [],
        "team": team_of(request.user, competition),
        "resources": resources.approved(competition),
        "dataset": dataset_summary.summary(competition),
        "sections": [
            html
            for _, html in overview_sections.send(
                sender=Competition, competition=competition, request=request
            )
            if html
        ],
    }
    return render(request, "competition/overview.html", context)
