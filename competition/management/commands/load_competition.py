from django.core.management.base import BaseCommand, CommandError

from competition import competition_file, competition_sync
from competition.management.commands._common import on_terminal
from competition.yaml_reader import FileProblems


class Command(BaseCommand):
    help = (
        "Create a competition from its file (competition.yaml), or bring an existing one to "
        "the file's state, in one transaction; prints every change. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the competition file, e.g. xacle-2027/competition.yaml")
        parser.add_argument(
            "--dry-run", action="store_true", help="print the changes and write nothing"
        )
        parser.add_argument(
            "--recut",
            action="store_true",
            help="allow a new public_fraction or split_seed on a phase with submissions "
            "(changes which items are public; the phase is rescored)",
        )

    def handle(self, *args, **options):
        path = options["path"]
        try:
            spec = competition_file.read(path)
            outcome = competition_sync.load(
                spec, recut=options["recut"], dry_run=options["dry_run"], progress=on_terminal()
            )
        except FileProblems as exc:
            for line in exc.lines():
                self.stderr.write(line)
            count = len(exc.problems)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} in {path}; nothing was changed.",
                returncode=2,
            )
        for line in competition_sync.summary(outcome, path):
            self.stdout.write(line)
