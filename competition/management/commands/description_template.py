"""Write a valid system description (YAML) to start from."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from competition.submitting import check_system_name
from scoring.description import parse, template
from scoring.problems import SubmissionError


class Command(BaseCommand):
    help = "Print (or write to a file) a valid XACLE system description to start from."

    def add_arguments(self, parser):
        parser.add_argument("--system", default="Name_Affiliation_01", help="the system's name")
        parser.add_argument("-o", "--output", metavar="FILE", help="write here, not to stdout")
        parser.add_argument(
            "--check", metavar="FILE", help="check a description file instead (field and line)"
        )

    def handle(self, *args, **options):
        if options["check"]:
            path = Path(options["check"])
            try:
                description = parse(path.read_bytes(), source=path.name)
            except OSError as exc:
                raise CommandError(f"{path}: {exc.strerror}")
            except SubmissionError as exc:
                raise CommandError("\n".join(exc.messages()))
            self.stdout.write(f"{path.name}: a valid description of {description.system_name}.")
            return
        try:
            name = check_system_name(options["system"])
        except SubmissionError as exc:
            raise CommandError(exc.messages()[0])
        text = template(name)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {options['output']}.")
        else:
            self.stdout.write(text, ending="")
