"""System descriptions on the server: checked against the competition's approved resources,
kept one per system (the latest stands), required of final systems where the phase says so.
The YAML itself is read by scoring.description."""

from django.db import transaction
from django.utils import timezone

from competition import standings
from competition.models import Phase, ResourceDeclaration, SystemDescription, Team
from scoring.description import Description, normalize, parse
from scoring.problems import Problem, SubmissionError

# Names that need no declaration: the challenge's own data.
OFFICIAL = {"xacle", "xacle dataset", "xacle data", "xacle train", "xacle training set"}


def approved_names(competition) -> set[str]:
    names = ResourceDeclaration.objects.filter(
        competition=competition, status=ResourceDeclaration.APPROVED
    ).values_list("name", flat=True)
    return {normalize(name) for name in names} | OFFICIAL


def check(phase: Phase, system_name: str, text, source: str = "") -> Description:
    """The checked description of a system of the phase, or SubmissionError naming each
    field at fault and every resource that is not approved."""
    description = parse(text, expected_name=system_name, source=source)
    allowed = approved_names(phase.competition)
    unknown = [name for name in description.resources() if normalize(name) not in allowed]
    if unknown:
        raise SubmissionError(
            [
                Problem(
                    None,
                    f"names resources that are not approved for {phase.competition.title}: "
                    f"{', '.join(unknown)}. Declare them (they need the organizers' approval) "
                    "or remove them.",
                    source or None,
                )
            ]
        )
    return description


def save(phase: Phase, team: Team, description: Description, text, user=None):
    """Store the description as its system's current one."""
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    with transaction.atomic():
        stored, _ = SystemDescription.objects.update_or_create(
            team=team,
            phase=phase,
            system_name=description.system_name,
            defaults={
                "content": description.as_dict(),
                "yaml": text,
                "updated_at": timezone.now(),
                "updated_by": user if user is not None and user.is_authenticated else None,
            },
        )
    return stored


def give(phase: Phase, team: Team, system_name: str, text, user=None) -> SystemDescription:
    """Check and store in one step (the API's PUT, the system page's form)."""
    return save(phase, team, check(phase, system_name, text), text, user)


def final_systems(phase: Phase) -> set[tuple[int, str]]:
    """(team id, system name) of the systems that enter the phase's ranking now: those
    selected, or chosen automatically, or every system where the phase has no selection
    (standings.entrants: the rule every board applies). Reference rows are not counted."""
    return set(
        standings.entrants(phase)
        .filter(is_baseline=False)
        .values_list("team_id", "system_name")
        .distinct()
    )


def described(phase: Phase) -> set[tuple[int, str]]:
    return set(SystemDescription.objects.filter(phase=phase).values_list("team_id", "system_name"))


def missing(phase: Phase, team: Team | None = None) -> set[tuple[int, str]]:
    """Final systems without a description, where the phase requires one (else none)."""
    if not phase.require_description:
        return set()
    finals = final_systems(phase)
    if team is not None:
        finals = {key for key in finals if key[0] == team.pk}
    return finals - described(phase)
