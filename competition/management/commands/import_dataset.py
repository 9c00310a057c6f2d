from django.core.management.base import BaseCommand, CommandError

from competition.importer import DatasetError, import_dataset
from competition.management.commands._common import on_terminal


class Command(BaseCommand):
    help = "Import an official-layout XACLE_dataset folder as a competition (safe to re-run)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the XACLE_dataset folder (meta_data/, wav/)")
        parser.add_argument("--competition", required=True, metavar="SLUG")
        parser.add_argument("--title")
        parser.add_argument(
            "--test-public-fraction",
            type=float,
            metavar="F",
            help="cut the test phase: this share of its items (chosen with a secret seed, "
            "kept with the phase) is public",
        )

    def handle(self, *args, **options):
        try:
            report = import_dataset(
                options["path"],
                options["competition"],
                title=options["title"],
                test_public_fraction=options["test_public_fraction"],
                progress=on_terminal(),
            )
        except DatasetError as exc:
            raise CommandError(str(exc))
        verb = "Created" if report.created else "Updated"
        self.stdout.write(
            f"{verb} {report.competition.slug}: {report.items_created} items created, "
            f"{report.items_updated} updated, {report.items_removed} removed, "
            f"ratings changed on {report.ratings_changed}."
        )
        if report.requeued:
            phases = ", ".join(report.phases_changed)
            self.stdout.write(
                f"Ground truth changed in {phases}: {report.requeued} submissions requeued."
            )
