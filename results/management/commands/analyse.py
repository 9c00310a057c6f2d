from django.core.management.base import BaseCommand, CommandError

from competition.management.commands._common import get_competition, get_phase
from competition.models import Phase
from results.analysis import analyse_phase


class Command(BaseCommand):
    help = (
        "Compute and store the results analysis of a competition's phases (paired bootstrap "
        "of SRCC, win probabilities, significance groups, human ceiling) on every split."
    )

    def add_arguments(self, parser):
        parser.add_argument("--competition", required=True, metavar="SLUG")
        parser.add_argument("--phase", choices=[Phase.VALIDATION, Phase.TEST])
        parser.add_argument("--resamples", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, **options):
        if options["resamples"] < 1:
            raise CommandError(f"--resamples must be 1 or more, not {options['resamples']}.")
        competition = get_competition(options["competition"])
        if options["phase"]:
            phases = [get_phase(competition, options["phase"])]
        else:
            phases = list(competition.phases.order_by("kind"))
        for phase in phases:
            for analysis in analyse_phase(phase, options["resamples"], options["seed"]):
                ceiling = analysis.ceiling
                self.stdout.write(
                    f"{analysis.split}: {analysis.systems.count()} systems, "
                    f"{analysis.resamples} resamples"
                    + (f", ceiling SRCC {ceiling['srcc']:.4f}" if ceiling else ", no ceiling")
                )
