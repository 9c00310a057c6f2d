import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from competition import scorer, tasks
from competition.management.commands._common import get_competition, on_terminal
from competition.models import Phase, Submission


class Command(BaseCommand):
    help = "Rescore every submission (or only those not yet scored), through the workers or here."

    def add_arguments(self, parser):
        parser.add_argument("--competition", required=True, metavar="SLUG")
        parser.add_argument("--phase", choices=[Phase.VALIDATION, Phase.TEST])
        parser.add_argument("--pending-only", action="store_true", help="only those not scored")
        parser.add_argument("--sync", action="store_true", help="score in this process")
        parser.add_argument("--no-wait", action="store_true", help="send to the workers and return")
        parser.add_argument(
            "--timeout", type=float, default=600, help="seconds to wait for workers"
        )

    def handle(self, *args, **options):
        selection = Submission.objects.filter(
            phase__competition=get_competition(options["competition"])
        )
        if options["phase"]:
            selection = selection.filter(phase__kind=options["phase"])
        if options["pending_only"]:
            selection = selection.exclude(status=Submission.SCORED)
        ids = scorer.requeue(selection.order_by("pk"))
        if options["sync"]:
            scorer.score_in_batches(ids, progress=on_terminal())
        else:
            sent = tasks.enqueue(ids)
            self.stdout.write(f"Sent {sent} of {len(ids)} submissions to the workers.")
            if options["no_wait"] or not ids:
                return
            self._wait(ids, options["timeout"])
        self._summary(ids)

    def _wait(self, ids, timeout):
        deadline = time.monotonic() + timeout
        pending = Submission.objects.filter(
            pk__in=ids, status__in=[Submission.QUEUED, Submission.SCORING]
        )
        bar = tqdm(total=len(ids), unit="submission", disable=not on_terminal())
        while time.monotonic() < deadline:
            left = pending.count()
            bar.n = len(ids) - left
            bar.refresh()
            if not left:
                break
            time.sleep(0.2)
        bar.close()

    def _summary(self, ids):
        counts = {status: 0 for status, _ in Submission.STATUSES}
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            for status in Submission.objects.filter(pk__in=chunk).values_list("status", flat=True):
                counts[status] += 1
        waiting = counts[Submission.QUEUED] + counts[Submission.SCORING]
        line = f"Scored {counts[Submission.SCORED]}, failed {counts[Submission.FAILED]}"
        if waiting:
            line += f", still waiting for the workers {waiting}"
        self.stdout.write(line + ".")
