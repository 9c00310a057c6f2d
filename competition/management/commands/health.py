import json

from django.core.management.base import BaseCommand, CommandError

from competition.health import queue_health


class Command(BaseCommand):
    help = (
        "Report the oldest waiting submission's age and the last sweep's time; exit 1 when "
        "a submission has waited more than twice STALE_QUEUED_SECONDS."
    )

    def handle(self, *args, **options):
        report = queue_health()
        self.stdout.write(json.dumps(report, indent=2))
        if not report["ok"]:
            raise CommandError(
                f"submission {report['oldest_waiting_id']} has waited "
                f"{report['oldest_waiting_seconds']:.0f} s (limit {report['limit_seconds']} s)"
            )
