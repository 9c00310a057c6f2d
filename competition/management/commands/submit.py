from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

import scoring
from competition import dates, names, quotas
from competition.management.commands._common import get_competition, get_phase
from competition.models import Phase, Team
from competition.submitting import Refused, submit


def find_team(competition, name: str) -> Team | None:
    """The participants' team whose name reads as `name` (the form's comparison: NFKC,
    case folded), or None."""
    return Team.look_alikes(competition, name.strip()).filter(is_organizer=False).first()


class Command(BaseCommand):
    help = (
        "Submit a CSV on a team's behalf through the participants' path (checked, stored, "
        "queued), within the phase's window and the team's quota unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--competition", required=True, metavar="SLUG")
        parser.add_argument("--phase", required=True, choices=[Phase.VALIDATION, Phase.TEST])
        parser.add_argument("--team", required=True)
        parser.add_argument("--system", required=True, metavar="NAME")
        parser.add_argument(
            "--create-team", action="store_true", help="make the team if no team has the name"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="submit even outside the phase's window or over the team's quota",
        )

    def handle(self, *args, **options):
        competition = get_competition(options["competition"])
        phase = get_phase(competition, options["phase"])
        try:
            name = names.clean_display_name(options["team"], "team name", 100)
        except ValidationError as error:
            raise CommandError(f"--team: {error.messages[0]}")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        team = find_team(competition, name)
        if team is None and not options["create_team"]:
            raise CommandError(
                f"{competition.slug} has no team {name!r}; check the name, or add --create-team."
            )
        force = options["force"]
        bypassed = self._bypassed(phase, team) if force else []
        try:
            # One transaction: a refused file leaves no new team behind either.
            with transaction.atomic(), open(path, "rb") as handle:
                if team is None:
                    team = Team.objects.create(competition=competition, name=name)
                    self.stderr.write(f"Created team {team.name}.")
                submission = submit(
                    phase, team, options["system"], handle, filename=path.name, check_open=not force
                )
        except Refused as exc:
            for message in exc.messages():
                self.stderr.write(message)
            raise CommandError(f"{path} was not submitted (add --force to override).", returncode=2)
        except scoring.SubmissionError as exc:
            for message in exc.messages():
                self.stderr.write(message)
            raise CommandError(f"{path} was not submitted.", returncode=2)
        for reason in bypassed:
            self.stderr.write(f"--force: submitted although {reason}.")
        self.stdout.write(str(submission.pk))

    def _bypassed(self, phase, team) -> list[str]:
        """What --force overrides for this submission, to say so."""
        now = timezone.now()
        reasons = []
        state = phase.state(now)
        if state != Phase.OPEN:
            reasons.append(f"the {phase.kind} phase is {state} ({dates.utc(now)})")
        if team is not None:
            quota = quotas.quota(phase, team, now)
            if not quota.within_limits and not quota.extra:
                reasons.append(f"team {team.name}'s quota for the {phase.kind} phase is spent")
        return reasons
