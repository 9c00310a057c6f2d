"""manage.py make_dataset: a thin wrapper around demodata.make_dataset."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from demodata import cli


class Command(BaseCommand):
    help = "Make a data set in the official XACLE layout from real and synthesized sounds."

    def add_arguments(self, parser):
        cli.add_arguments(parser)

    def handle(self, *args, **options):
        bar = None

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = tqdm(total=total, unit="clip", disable=not self.stdout.isatty())
            bar.update(done - bar.n)

        try:
            summary, notes = cli.run(options, progress)
        except ValueError as exc:
            raise CommandError(str(exc))
        finally:
            if bar is not None:
                bar.close()
        for note in notes:
            self.stderr.write(f"Note: {note}")
        self.stdout.write(self.style.SUCCESS(summary))
