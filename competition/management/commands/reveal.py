from django.core.management.base import BaseCommand

from competition import signals
from competition.management.commands._common import get_competition, get_phase
from competition.models import Phase


class Command(BaseCommand):
    help = "Make a phase's hidden leaderboard (every split) public."

    def add_arguments(self, parser):
        parser.add_argument("--competition", required=True, metavar="SLUG")
        parser.add_argument("--phase", required=True, choices=[Phase.VALIDATION, Phase.TEST])

    def handle(self, *args, **options):
        phase = get_phase(get_competition(options["competition"]), options["phase"])
        if phase.leaderboard == Phase.REVEALED:
            self.stdout.write(f"{phase} was already revealed.")
            return
        phase.leaderboard = Phase.REVEALED
        phase.save(update_fields=["leaderboard"])
        self.stdout.write(f"{phase} revealed.")
        # Other apps answer (the results analysis is computed here, before anyone looks).
        signals.phase_revealed.send(sender=Phase, phase=phase)
