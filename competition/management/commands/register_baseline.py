from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from competition import references
from competition.management.commands._common import get_competition


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
            path = run / references.RUN_FILE.format(kind=phase.kind)
            if not path.is_file():
                raise CommandError(f"{path} is missing: run baseline.predict for {phase.kind}.")
            files[phase] = path
        if name in references.registered(competition) and not options["replace"]:
            raise CommandError(f"A baseline named {name!r} is registered; add --replace.")
        try:
            made = references.register(competition, name, files)
        except references.FileRejected as exc:
            for message in exc.error.messages():
                self.stderr.write(f"{exc.path}: {message}")
            raise CommandError(f"{exc.path} was not accepted.", returncode=2)
        for submission in made:
            self.stdout.write(f"{submission.phase.kind}: submission {submission.pk} queued")
