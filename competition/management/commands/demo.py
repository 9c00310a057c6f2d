from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from competition import demo, signals
from competition.management.commands._common import on_terminal
from competition.models import Submission
from competition.yaml_reader import FileProblems


class Command(BaseCommand):
    help = (
        "Make the demo data set and the running demo competition (from the example competition "
        "file: teams, scored systems, a baseline row, a participant account). Safe to run again."
    )

    def handle(self, *args, **options):
        bar = tqdm(unit="clip", desc="demo data", disable=not on_terminal(), leave=False)

        def progress(done, total):
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            competition, made = demo.build(progress)
        except FileProblems as exc:
            raise CommandError("The demo's competition file is broken:\n" + str(exc))
        finally:
            bar.close()
        demo.finish_scoring(made, progress=on_terminal())
        for phase in competition.phases.all():
            signals.phase_scores_settled.send(sender=type(phase), phase=phase)
        scored = Submission.objects.filter(
            phase__competition=competition, status=Submission.SCORED
        ).count()
        self.stdout.write(
            f"Demo competition {competition.slug}: {len(made)} new submissions, "
            f"{scored} scored in all. Log in as {demo.USERNAME!r} with password "
            f"{demo.PASSWORD!r}."
        )
