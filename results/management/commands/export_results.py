from pathlib import Path

from django.core.management.base import BaseCommand

from competition.management.commands._common import get_competition, get_phase
from competition.models import Phase
from results import export
from results.analysis import analyse_phase
from results.models import Analysis
from results.report import build_report
from results.systems import deciding_split


class Command(BaseCommand):
    help = (
        "Write a phase's results for the overview paper: Table 2 and the per-subset table "
        "(csv, json or latex) and Figures 3 and 4 (PDF and PNG) under --out; without --out, "
        "only the main table (or JSON document) to standard output. Computes the analysis "
        "first when none is stored (or with --recompute)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--competition", required=True, metavar="SLUG")
        parser.add_argument("--phase", required=True, choices=[Phase.VALIDATION, Phase.TEST])
        parser.add_argument("--format", required=True, choices=export.FORMATS)
        parser.add_argument("--out", metavar="DIR", help="folder for the files and figures")
        parser.add_argument("--recompute", action="store_true", help="rerun the bootstrap")

    def handle(self, *args, **options):
        phase = get_phase(get_competition(options["competition"]), options["phase"])
        if options["recompute"] or not Analysis.objects.filter(split=deciding_split(phase)):
            analyse_phase(phase)
        report = build_report(phase)
        if not options["out"]:
            self.stdout.write(export.main_text(report, options["format"]))
            return
        for path in export.write(report, options["format"], Path(options["out"])):
            self.stdout.write(str(path))
