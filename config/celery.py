import logging
import os
import warnings

from celery import Celery
from celery.exceptions import SecurityWarning
from celery.signals import task_postrun, task_prerun, worker_init
from celery.worker.consumer import consumer as _consumer
from kombu.message import Message

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

if os.environ.get("XACLE_EMBEDDED_ROOT_OK") == "1":
    # bin/run on a laptop as root has said once why that is fine there; Celery's long
    # warning about it is dropped (it stays for every other worker).
    warnings.filterwarnings("ignore", category=SecurityWarning)

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _survive_lost_broker(method):
    """kombu raises AttributeError when a task ends after the broker connection was lost
    and closed, and the worker stops ("Unrecoverable error"). The message was not
    acknowledged, so the broker hands it out again (tasks ack late): log it and go on,
    and the worker reconnects when the broker is back."""

    def guarded(self, logger, errors, *args, **kwargs):
        try:
            return method(self, logger, errors, *args, **kwargs)
        except AttributeError as exc:
            logger.warning("message %r left to the broker (connection lost: %r)",
                           self.delivery_tag, exc)  # fmt: skip

    return guarded


Message.ack_log_error = _survive_lost_broker(Message.ack_log_error)
Message.reject_log_error = _survive_lost_broker(Message.reject_log_error)


def _close_lost_connection(ignore_errors):
    """The same kombu fault on the consumer's side: closing a broker connection that was
    lost mid-command raises AttributeError, and the worker stopped ("Unrecoverable error")
    instead of reconnecting. The connection is gone either way: log it and reconnect."""

    def guarded(connection, fun=None, *args, **kwargs):
        try:
            return ignore_errors(connection, fun, *args, **kwargs)
        except AttributeError as exc:
            logging.getLogger(__name__).warning("lost broker connection closed: %r", exc)

    return guarded


_consumer.ignore_errors = _close_lost_connection(_consumer.ignore_errors)


@worker_init.connect
def _no_worker_heartbeat_events(sender, **kwargs):
    """The worker-heartbeat event is published from the worker's event loop with retries
    that never end, so a broker behind a cut link froze the whole loop until the link came
    back: no health check, no reconnect. Nothing here reads those events (no Flower), so
    workers do not send them (as `--without-heartbeat` would, on every command line)."""
    sender.options["without_heartbeat"] = True


@task_prerun.connect
@task_postrun.connect
def _connections_as_for_a_request(task=None, **kwargs):
    """Around each task in a worker, what Django does around each request: a connection
    that failed or outlived DB_CONN_MAX_AGE is closed, and a kept one is checked before its
    next use (CELERY_DB_REUSE_MAX keeps Celery from closing it after every task). A task
    run in place (eager) shares its caller's connection and transaction: left alone."""
    from django.db import close_old_connections

    if task is not None and getattr(task.request, "is_eager", False):
        return
    close_old_connections()
