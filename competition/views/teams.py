"""A participant's team in a competition: create one, join one, see its members, leave
it, give it a new invite code."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from competition import teams
from competition.access import get_competition, team_of
from competition.forms import TeamCreateForm, TeamJoinForm, may_leave


@login_required
def team(request, slug):
    competition = get_competition(slug)
    user = request.user
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("action")
    create = TeamCreateForm(user, competition, data if action == "create" else None, prefix="new")
    join = TeamJoinForm(user, competition, data if action == "join" else None, prefix="join")
    if action == "leave":
        left = teams.leave(user, competition)
        if left is not None:
            messages.success(request, f"You left team {left.name}.")
        return redirect("team", slug=slug)
    if action == "regenerate":
        current = team_of(user, competition)
        if current is not None:
            teams.regenerate_code(current)
            messages.success(
                request, "The team has a new invite code; the old one no longer works."
            )
        return redirect("team", slug=slug)
    chosen = {"create": create, "join": join}.get(action)
    joined = chosen.try_save() if chosen is not None and chosen.is_valid() else None
    if joined is not None:
        verb = "created" if action == "create" else "joined"
        messages.success(request, f"You {verb} team {joined.name}.")
        return redirect("team", slug=slug)
    current = team_of(user, competition)
    may_change = current is None or may_leave(current)
    context = {
        "competition": competition,
        "team": current,
        "members": current.memberships.select_related("user").order_by("joined_at")
        if current
        else [],
        "may_change": may_change,
        "max_team_size": competition.max_team_size,
        # With the forms hidden, a refusal that concerns the team itself is shown apart.
        "refused": chosen.non_field_errors() if chosen is not None and not may_change else [],
        "create_form": create,
        "join_form": join,
    }
    return render(request, "competition/team.html", context, status=400 if chosen else 200)
