"""Joining, leaving and keeping a team: the rules every path (page, admin, command) shares.
A team has at most the competition's `max_team_size` members (0: no limit); a member may
leave at any time, and a team left with no members keeps its submissions. Leaving never
buys fresh submissions: a participant's own submissions keep counting against the quotas
of the next team they join (competition.quotas)."""

from django.db import transaction

from competition.models import Membership, Team, _invite_code


class TeamError(Exception):
    """The change cannot be made; the message says why."""


def full_message(team: Team) -> str:
    size = team.competition.max_team_size
    return f"Team {team.name} is full: it has the {size} members a team may have."


def is_full(team: Team) -> bool:
    size = team.competition.max_team_size
    return bool(size) and team.memberships.count() >= size


def join(team: Team, user) -> Membership:
    """Add the user to the team, refusing a full one. The team's row is locked so that two
    joins at once cannot both take the last place."""
    with transaction.atomic():
        Team.objects.select_for_update().filter(pk=team.pk).exists()
        if is_full(team):
            raise TeamError(full_message(team))
        return Membership.objects.create(team=team, user=user)


def leave(user, competition) -> Team | None:
    """Take the user out of their team; the team they left, or None if they had none. A
    team left empty and unused is deleted; one with submissions stays, with no members."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(user=user, competition=competition)
            .select_related("team")
            .first()
        )
        if membership is None:
            return None
        team = membership.team
        membership.delete()
        if not team.memberships.exists() and not team.submissions.exists():
            team.delete()
        return team


def regenerate_code(team: Team) -> str:
    """A new invite code; the old one stops working at once."""
    team.invite_code = _invite_code()
    team.save(update_fields=["invite_code"])
    return team.invite_code
