from django.core.management.base import BaseCommand, CommandError

from competition import signals
from competition.management.commands._common import get_competition, get_phase
from competition.models import Phase
from competition.reveal import RevealError, reveal


class Command(BaseCommand):
    help = (
        "Reveal a phase's results (every split shown); closes the phase and ends its final "
        "selection if they are still open."
    )

    def add_arguments(self, parser):
        parser.add_argument("--competition", required=True, metavar="SLUG")
        parser.add_argument("--phase", required=True, choices=[Phase.VALIDATION, Phase.TEST])

    def handle(self, *args, **options):
        phase = get_phase(get_competition(options["competition"]), options["phase"])
        already = phase.is_revealed
        try:
            notes = reveal(phase)
        except RevealError as exc:
            raise CommandError(str(exc))
        for note in notes:
            self.stdout.write(note)
        if not already:
            # Other apps answer (the results analysis is computed here, before anyone looks).
            phase.refresh_from_db()
            signals.phase_revealed.send(sender=Phase, phase=phase)
