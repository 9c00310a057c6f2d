"""Senders keep their broker connection between sends, and a kept connection that died with
its broker (a restart) costs no send: the next one goes out on a new connection."""

import pytest
import redis

from competition import tasks
from tests.integration.servers import Redis


@pytest.fixture
def private_redis(tmp_path, monkeypatch):
    from config.celery import app

    server = Redis(tmp_path).start()
    # The write URL first: the value monkeypatch restores is read before the URLs change.
    # Celery reads CELERY_BROKER_URL from the environment before its settings: set it last.
    monkeypatch.setattr(app.conf, "broker_write_url", None)
    monkeypatch.setattr(app.conf, "broker_url", server.url)
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)
    yield server
    tasks._forget()
    server.stop()


def enqueue(ids) -> int:
    # tasks.send itself: the suite's conftest replaces tasks.enqueue with a recorder.
    return tasks.send(tasks.score_submission_task, [(i,) for i in ids])


def queued(server) -> int:
    return redis.Redis.from_url(server.url).llen("celery")


def test_a_kept_connection_is_reused_and_survives_a_broker_restart(private_redis):
    assert enqueue([1]) == 1
    kept = tasks._kept.connection
    assert enqueue([2, 3]) == 2
    assert tasks._kept.connection is kept  # no new connection per send
    assert queued(private_redis) == 3

    private_redis.stop()
    private_redis.start()  # empty again: no persistence
    assert enqueue([4]) == 1  # the dead connection is replaced within the send
    assert queued(private_redis) == 1


def test_sends_while_the_broker_is_down_are_counted_and_resume_when_it_returns(
    private_redis, caplog
):
    assert enqueue([1]) == 1
    private_redis.stop()
    assert enqueue([2, 3]) == 0
    assert "could not queue 2 of 2" in caplog.text
    private_redis.start()
    assert enqueue([4]) == 1
    assert queued(private_redis) == 1
