"""Is the queue moving? The oldest waiting submission's age and the last sweep's time, for
/healthz/queue and `manage.py health` (monitoring, not the load balancer's liveness check:
a broker or worker outage must not take web hosts out of service)."""

from django.conf import settings
from django.utils import timezone

from competition import scorer
from competition.models import Beacon


def queue_health() -> dict:
    """{"ok", "oldest_waiting_seconds", "oldest_waiting_id", "last_sweep_at", "limit_seconds"}:
    not ok when a submission has waited more than twice STALE_QUEUED_SECONDS."""
    now = timezone.now()
    age, submission_id = scorer.oldest_waiting(now)
    limit = 2 * settings.STALE_QUEUED_SECONDS
    last_sweep = Beacon.last("sweep")
    return {
        "ok": age is None or age <= limit,
        "oldest_waiting_seconds": None if age is None else round(age, 1),
        "oldest_waiting_id": submission_id,
        "last_sweep_at": last_sweep.isoformat() if last_sweep else None,
        "limit_seconds": limit,
    }
