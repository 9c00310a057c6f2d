from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import scoring
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
        if len(options["team"]) > Team._meta.get_field("name").max_length:
            raise CommandError("--team is longer than 100 characters.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            # One transaction: a refused file leaves no new team behind either.
            with transaction.atomic(), open(path, "rb") as handle:
                team, _ = Team.objects.get_or_create(competition=competition, name=options["team"])
                submission = submit(phase, team, options["system"], handle, filename=path.name)
        except scoring.SubmissionError as exc:
            for message in exc.messages():
                self.stderr.write(message)
            raise CommandError(f"{path} was not submitted.", returncode=2)
        self.stdout.write(str(submission.pk))
