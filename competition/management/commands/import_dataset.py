import argparse
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from competition import dates
from competition.importer import DatasetError, import_dataset
from competition.management.commands._common import on_terminal
from competition.models import Phase

KINDS = [Phase.VALIDATION, Phase.TEST]


def phase_date(text: str) -> tuple[str, object]:
    """PHASE=WHEN, e.g. test=2027-01-31T23:59 (ISO 8601; UTC when no offset is given)."""
    kind, sep, when = text.partition("=")
    if not sep or kind not in KINDS:
        raise argparse.ArgumentTypeError(
            f"{text!r}: write PHASE=WHEN with PHASE one of {', '.join(KINDS)}, "
            "e.g. test=2027-01-31T23:59"
        )
    try:
        return kind, dates.parse_when(when)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc))


def cutoff_date(text: str):
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: write the date as YYYY-MM-DD, e.g. 2025-05-31")


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
        parser.add_argument(
            "--resource-cutoff",
            type=cutoff_date,
            metavar="YYYY-MM-DD",
            help="external data and pretrained models must have been released on or before "
            "this date, e.g. 2025-05-31",
        )
        for option, what in (("--opens-at", "opens"), ("--closes-at", "closes")):
            parser.add_argument(
                option,
                type=phase_date,
                action="append",
                default=[],
                metavar="PHASE=WHEN",
                help=f"when a phase {what}, ISO 8601 (UTC when no offset is given), e.g. "
                "test=2027-01-31T23:59; repeatable",
            )

    def handle(self, *args, **options):
        opens, closes = dict(options["opens_at"]), dict(options["closes_at"])
        try:
            report = import_dataset(
                options["path"],
                options["competition"],
                title=options["title"],
                test_public_fraction=options["test_public_fraction"],
                progress=on_terminal(),
                opens_at=opens,
                closes_at=closes,
            )
        except DatasetError as exc:
            raise CommandError(str(exc))
        cutoff = options["resource_cutoff"]
        if cutoff is not None:
            report.competition.resource_cutoff = cutoff
            report.competition.save(update_fields=["resource_cutoff"])
            self.stdout.write(f"Resource cutoff: {cutoff.isoformat()}.")
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
        for phase in report.competition.phases.all():
            closes = dates.utc(phase.closes_at) if phase.closes_at else "no closing date"
            self.stdout.write(
                f"{phase.get_kind_display()} phase: opens {dates.utc(phase.opens_at)}, "
                f"closes {closes}; now {phase.state()}."
            )
