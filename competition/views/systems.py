"""Pages of what a team gives besides its predictions: its systems and their descriptions,
its declared resources and its technical report; the description template; a report's
download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from competition import census, descriptions, reports, resources
from competition.access import (
    get_competition,
    get_phase,
    get_team,
    is_member,
    is_organizer,
    may_see_census,
    may_see_report,
    may_see_team_material,
    ordered_phases,
    team_of,
)
from competition.forms import DescriptionForm, ReportForm
from competition.models import Report, Submission, SystemDescription
from competition.submitting import team_for
from competition.views.submissions import stored_file
from scoring.description import template
from scoring.problems import SubmissionError


def description_template(request, slug):
    """A valid description to start from (manage.py description_template writes the same)."""
    get_competition(slug)
    name = request.GET.get("system") or "Name_Affiliation_01"
    response = HttpResponse(template(name[:100]), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="description.yaml"'
    return response


@login_required
def my_systems(request, slug):
    """The team's systems per phase with their descriptions (and what is missing), its
    declared resources with the organizers' answer, its report; forms for the last two."""
    competition = get_competition(slug)
    team = team_of(request.user, competition)
    declare = resources.DeclarationForm(competition, prefix="resource")
    report_form = ReportForm()
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "declare":
            declare = resources.DeclarationForm(competition, request.POST, prefix="resource")
            if declare.is_valid():
                team = team_for(request.user, competition)
                declared = resources.save(declare, team, request.user)
                messages.success(request, f"{declared.name} is declared; the organizers review it.")
                return redirect("my_systems", slug=slug)
            status = 400
        elif request.POST.get("action") == "report":
            try:
                report = reports.take_upload(request, competition, request.FILES.get("report"))
            except SubmissionError as exc:
                report_form.problems = exc.messages()
                status = 400
            else:
                messages.success(request, f"Your report ({report.pages} pages) is uploaded.")
                return redirect("my_systems", slug=slug)
    phases = []
    for phase in ordered_phases(competition):
        names = []
        if team is not None:
            names = sorted(
                set(
                    Submission.objects.filter(phase=phase, team=team).values_list(
                        "system_name", flat=True
                    )
                )
            )
        described = {
            d.system_name: d for d in SystemDescription.objects.filter(phase=phase, team=team)
        }
        missing = {name for _, name in descriptions.missing(phase, team)} if team else set()
        phase.systems = [
            {"name": name, "description": described.get(name), "missing": name in missing}
            for name in names
        ]
        phases.append(phase)
    context = {
        "competition": competition,
        "team": team,
        "phases": phases,
        "declared": team.resources.order_by("-declared_at") if team else [],
        "approved": resources.approved(competition),
        "declare_form": declare,
        "report": Report.objects.filter(team=team, competition=competition).first(),
        "report_form": report_form,
    }
    return render(request, "competition/my_systems.html", context, status=status)


def system_page(request, slug, kind, team, system_name):
    """A system's description; its team edits it here (until the reveal)."""
    phase = get_phase(slug, kind)
    team = get_team(phase.competition, team)
    if not Submission.objects.filter(phase=phase, team=team, system_name=system_name).exists():
        raise Http404("No such system")
    if not may_see_team_material(request.user, team, phase):
        raise Http404("No such system")
    stored = SystemDescription.objects.filter(
        phase=phase, team=team, system_name=system_name
    ).first()
    editable = is_member(request.user, team) and not phase.is_revealed
    form = None
    status = 200
    if editable:
        initial = {"yaml": stored.yaml if stored else template(system_name)}
        form = DescriptionForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                descriptions.give(phase, team, system_name, form.cleaned_data["yaml"], request.user)
            except SubmissionError as exc:
                form.problems = exc.messages()
                status = 400
            else:
                messages.success(request, f"The description of {system_name} is saved.")
                return redirect(request.path)
    context = {
        "competition": phase.competition,
        "phase": phase,
        "team": team,
        "system_name": system_name,
        "description": stored,
        "form": form,
        "organizer": is_organizer(request.user),
    }
    return render(request, "competition/system.html", context, status=status)


def system_url(phase, team_name: str, system_name: str) -> str:
    return reverse(
        "system",
        kwargs={
            "slug": phase.competition.slug,
            "kind": phase.kind,
            "team": team_name,
            "system_name": system_name,
        },  # fmt: skip
    )


def report_file(request, slug, team):
    """A team's report: its team and organizers; everyone after the test phase's reveal.
    The same 404 for a report that does not exist and one not shown yet."""
    competition = get_competition(slug)
    team = get_team(competition, team)
    report = Report.objects.filter(team=team, competition=competition).first()
    if report is None or not may_see_report(request.user, report):
        raise Http404("No such report")
    return stored_file(
        report.file, report.original_filename or "report.pdf", "application/pdf", False
    )


def board_extras(phase, user) -> dict:
    """What a leaderboard shows of the teams' material: final systems missing a required
    description, the teams whose report it links (the test board, once revealed; the
    organizers always), and the census (the test board, for those who may see it)."""
    organizer = is_organizer(user)
    missing = {f"{team}/{name}" for team, name in descriptions.missing(phase)}
    linked = set()
    if phase.kind == phase.TEST and (phase.is_revealed or organizer):
        linked = set(
            Report.objects.filter(competition_id=phase.competition_id).values_list(
                "team_id", flat=True
            )
        )
    shown = phase.kind == phase.TEST and may_see_census(user, phase)
    return {
        "missing_descriptions": missing,
        "report_teams": linked,
        "census": census.census(phase) if shown else None,
    }
