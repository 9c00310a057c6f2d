from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import scoring
from competition import names
from competition.management.commands._common import get_competition, get_phase
from competition.models import Phase, Team
from competition.submitting import submit


class Command(BaseCommand):
    help = (
        "Submit a CSV on a team's behalf through the participants' path (checked, stored, queued)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--competition", required=True, metavar="SLUG")
        parser.add_argument("--phase", required=True, choices=[Phase.VALIDATION, Phase.TEST])
        parser.add_argument("--team", required=True)
        parser.add_argument("--system", required=True, metavar="NAME")

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
        try:
            # One transaction: a refused file leaves no new team behind either.
            with transaction.atomic(), open(path, "rb") as handle:
                # The team whose name this is once canonical, else a new one.
                team = Team.look_alikes(competition, name).first() or Team.objects.create(
                    competition=competition, name=name
                )
                submission = submit(phase, team, options["system"], handle, filename=path.name)
        except scoring.SubmissionError as exc:
            for message in exc.messages():
                self.stderr.write(message)
            raise CommandError(f"{path} was not submitted.", returncode=2)
        self.stdout.write(str(submission.pk))
