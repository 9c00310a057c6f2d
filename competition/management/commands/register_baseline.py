from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import scoring
from competition.management.commands._common import get_competition
from competition.models import Submission, Team
from competition.submitting import submit

ORGANIZERS = "Organizers"


def organizer_team(competition) -> Team:
    """The organizers' own team; never a participant's team that happens to share the name."""
    team = Team.objects.filter(competition=competition, is_organizer=True).first()
    if team is None:
        name, number = ORGANIZERS, 2
        while Team.look_alikes(competition, name).exists():
            name, number = f"{ORGANIZERS} {number}", number + 1
        team = Team.objects.create(competition=competition, name=name, is_organizer=True)
    return team


class Command(BaseCommand):
    help = (
        "Submit a trainer run's validation and test files as one of the competition's reference "
        "systems (one per --name; earlier ones stay): marked as baseline on every leaderboard "
        "and kept out of the ranks."
    )

    def add_arguments(self, parser):
        parser.add_argument("run", help="the run folder, e.g. runs/baseline")
        parser.add_argument("--competition", required=True, metavar="SLUG")
        parser.add_argument("--name", default="Baseline", help="the system name shown")
        parser.add_argument(
            "--replace", action="store_true", help="remove an earlier registration of this name"
        )

    def handle(self, *args, **options):
        competition = get_competition(options["competition"])
        run, name = Path(options["run"]), options["name"]
        files = {}
        for phase in competition.phases.order_by("kind"):
            path = run / f"inference_result_for_{phase.kind}.csv"
            if not path.is_file():
                raise CommandError(f"{path} is missing: run baseline.predict for {phase.kind}.")
            files[phase] = path
        team = organizer_team(competition)
        earlier = Submission.objects.filter(team=team, system_name=name, is_baseline=True)
        if earlier.exists() and not options["replace"]:
            raise CommandError(f"A baseline named {name!r} is registered; add --replace.")
        with transaction.atomic():
            earlier.delete()
            for phase, path in files.items():
                try:
                    with open(path, "rb") as handle:
                        submission = submit(
                            phase,
                            team,
                            name,
                            handle,
                            filename=path.name,
                            is_baseline=True,
                            check_open=False,
                        )
                except scoring.SubmissionError as exc:
                    for message in exc.messages():
                        self.stderr.write(f"{path}: {message}")
                    raise CommandError(f"{path} was not accepted.", returncode=2)
                self.stdout.write(f"{phase.kind}: submission {submission.pk} queued")
