"""The workers' tasks and the one place that sends work to them (`enqueue`).

The broker is never on a request's critical path: a submission is committed as queued
first, and sending it is a best effort with a short deadline. What the broker does not
take is sent again by the sweep (periodic, and at every worker's start)."""

import logging
import os
import threading

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone

from competition import idempotency, scorer
from competition.models import Beacon, Submission

log = logging.getLogger(__name__)

# Retries of a submission another session holds, or of a database blip: 1, 2, 4 ... 30 s.
RETRY_BACKOFF_MAX = 30
MAX_RETRIES = 12


def publish_options() -> dict:
    """Broker connection options for senders: give up within PUBLISH_TIMEOUT seconds."""
    timeout = settings.PUBLISH_TIMEOUT
    return {
        "socket_connect_timeout": timeout / 2,
        "socket_timeout": timeout / 2,
        "max_retries": 0,
        "retry_on_timeout": False,
    }


def enqueue(submission_ids) -> int:
    """Send submissions to the workers; return how many the broker took. Never raises:
    what the broker refuses stays queued in the database for the sweep."""
    return send(score_submission_task, [(submission_id,) for submission_id in submission_ids])


def send(task, calls, **options) -> int:
    """Send `task` once per tuple of arguments in `calls`, as a best effort within
    PUBLISH_TIMEOUT; return how many the broker took (the first ones), never raise. Every
    sender outside a worker's own retries goes through here, so no request waits on the
    broker."""
    calls = list(calls)
    if not calls:
        return 0
    sent = 0
    try:
        connection = _connection()
        for args in calls:
            task.apply_async(args, connection=connection, retry=False, **options)
            sent += 1
    except Exception as exc:  # the broker is down or slow: what was to be sent is safe
        _forget()  # a broken connection is never used again
        log.warning(
            "could not queue %d of %d %s tasks (sent again later): %s",
            len(calls) - sent, len(calls), task.name, exc,
        )  # fmt: skip
    return sent


# Each process (and thread) keeps its broker connection between sends: a new one costs a
# TCP and Redis handshake, about 10 ms of CPU per upload. One that died since its last use
# (a broker restart) is replaced by redis-py's pool when it is next taken.
_kept = threading.local()


def _connection():
    from config.celery import app

    where = (os.getpid(), app.conf.broker_write_url or app.conf.broker_url)
    kept_where = getattr(_kept, "where", where)
    if kept_where[0] != where[0]:
        _kept.connection = None  # the parent's, inherited by a fork: never closed here
    elif kept_where != where:
        _forget()
    if getattr(_kept, "connection", None) is None:
        connection = app.connection_for_write(transport_options=publish_options())
        connection.ensure_connection(
            max_retries=0, interval_start=0, timeout=settings.PUBLISH_TIMEOUT
        )
        _kept.connection, _kept.where = connection, where
    return _kept.connection


def _forget():
    connection = getattr(_kept, "connection", None)
    _kept.connection = None
    if connection is not None:
        try:
            connection.release()
        except Exception:  # already broken; nothing to give back
            pass


def _backoff(retries: int) -> int:
    return min(2**retries, RETRY_BACKOFF_MAX)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def score_submission_task(self, submission_id: int):
    """Score one submission. When another session holds it (a dead worker's transaction
    not yet ended) or the database fails for a moment, try again later instead of
    finishing with the submission still waiting."""
    try:
        outcome = scorer.score_next(submission_id, settings.SCORING_BATCH)
        waiting = submission_id not in outcome and scorer.is_waiting(submission_id)
    except DatabaseError as exc:
        close_old_connections()
        if self.request.retries >= MAX_RETRIES:
            raise
        log.warning("submission %s: database error, retrying: %s", submission_id, exc)
        raise self.retry(countdown=_backoff(self.request.retries), max_retries=MAX_RETRIES)
    if waiting:
        if self.request.retries >= MAX_RETRIES:
            log.error("submission %s is still locked; the sweep will send it again", submission_id)
            return
        raise self.retry(countdown=_backoff(self.request.retries), max_retries=MAX_RETRIES)


@shared_task(ignore_result=True)
def sweep_stale_submissions(queued_seconds: int | None = None):
    """Send again what a lost broker message or a dead worker left behind."""
    if queued_seconds is None:
        queued_seconds = settings.STALE_QUEUED_SECONDS
    stale = scorer.stale_submissions(queued_seconds, settings.STALE_SCORING_SECONDS)
    ids = list(stale.values_list("pk", flat=True)[:5000])
    Submission.objects.filter(pk__in=ids).update(sent_at=timezone.now())
    idempotency.forget_expired()
    Beacon.mark("sweep")
    return enqueue(ids)


@worker_ready.connect
def sweep_at_start(sender=None, **_):
    """A worker that starts sends every queued submission again at once: after an outage
    nothing waits for the periodic sweep (or for a beat that is not running)."""
    try:
        sent = sweep_stale_submissions(queued_seconds=0)
        log.info("worker start: sent %d waiting submissions", sent)
    except Exception:  # a worker must start even when the database is not there yet
        log.exception("worker start: the sweep failed")
    finally:
        connections.close_all()  # never hand an open connection to a forked pool process
