from pathlib import Path

from django.core.management.base import BaseCommand

from competition import competition_dump
from competition.management.commands._common import get_competition


class Command(BaseCommand):
    help = (
        "Write a competition's file (competition.yaml) with every setting: to standard output "
        "with absolute paths, or to --out FILE with paths relative to it (the texts and the "
        "reference systems' predictions are written beside it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("competition", metavar="SLUG")
        parser.add_argument("--out", metavar="FILE", help="e.g. xacle-2027/competition.yaml")

    def handle(self, *args, **options):
        competition = get_competition(options["competition"])
        if options["out"] is None:
            self.stdout.write(competition_dump.dump(competition), ending="")
            return
        out = Path(options["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        text = competition_dump.dump(competition, out)
        out.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {out} (and the files it names, beside it).")
