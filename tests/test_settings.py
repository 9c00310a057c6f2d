"""Settings come from the environment; a malformed value stops start-up naming it."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROBE = "import django; django.setup(); from django.conf import settings as s; print(repr(({})))"


def settings_of(tmp_path, expression, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    clean.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", PROBE.format(expression)],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_the_embedded_default_keeps_everything_under_var_dir(tmp_path):
    result = settings_of(
        tmp_path,
        "s.DEBUG, s.ALLOWED_HOSTS, str(s.DATABASES['default']['NAME']), s.CELERY_BROKER_URL, "
        "str(s.MEDIA_ROOT)",
        CELERY_BROKER_URL="filesystem://",
    )
    assert result.returncode == 0, result.stderr
    debug, hosts, db, broker, media = ast.literal_eval(result.stdout)
    assert debug is False
    assert hosts == ["localhost", "127.0.0.1"]
    assert Path(db).parent == tmp_path
    assert broker == "filesystem://"
    assert str(media).startswith(str(tmp_path))
    assert (tmp_path / "broker" / "queue").is_dir()


def test_the_secret_key_is_generated_once_and_kept(tmp_path):
    first = settings_of(tmp_path, "s.SECRET_KEY").stdout
    second = settings_of(tmp_path, "s.SECRET_KEY").stdout
    assert first == second and len(first.strip()) > 40


@pytest.mark.parametrize(
    "name, value",
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "nosuchdb://x"),
        ("SUBMISSION_MAX_BYTES", "ten"),
        ("CELERY_BROKER_URL", "pigeon://loft"),
        ("STALE_QUEUED_SECONDS", "-5"),
        ("THROTTLE_UPLOADS", "lots"),
        ("CACHE_URL", "memcached://x"),
        ("TRUSTED_PROXIES", "-1"),
        ("TRUSTED_PROXIES", "two"),
        ("HTTPS", "maybe"),
        ("PUBLIC_SCORE_DECIMALS", "-1"),
        ("THROTTLE_SIGNUP", "many"),
    ],
)
def test_a_malformed_value_stops_start_up_naming_the_variable(tmp_path, name, value):
    result = settings_of(tmp_path, "s.DEBUG", **{name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_sqlite_takes_concurrent_writers_wal_busy_timeout_immediate(tmp_path):
    result = settings_of(tmp_path, "s.DATABASES['default']['OPTIONS']")
    assert result.returncode == 0, result.stderr
    options = ast.literal_eval(result.stdout)
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


def test_postgresql_sessions_are_bounded_from_the_environment(tmp_path):
    result = settings_of(
        tmp_path,
        "s.DATABASES['default']['OPTIONS']",
        DATABASE_URL="postgres://u@db.example:5432/x",
        DB_LOCK_TIMEOUT="3",
        DB_IDLE_IN_TRANSACTION_TIMEOUT="7",
    )
    assert result.returncode == 0, result.stderr
    options = ast.literal_eval(result.stdout)
    assert "lock_timeout=3000" in options["options"]
    assert "idle_in_transaction_session_timeout=7000" in options["options"]
    assert options["keepalives"] == 1 and options["keepalives_idle"] > 0


def test_a_redis_cache_fails_open_with_short_timeouts(tmp_path):
    result = settings_of(tmp_path, "s.CACHES['default']", CACHE_URL="redis://127.0.0.1:1/0")
    assert result.returncode == 0, result.stderr
    cache = ast.literal_eval(result.stdout)
    assert cache["BACKEND"] == "config.cache.FailOpenRedisCache"
    assert cache["OPTIONS"]["socket_timeout"] <= 0.2


def test_the_broker_keeps_its_connection_alive_and_senders_give_up_fast(tmp_path):
    result = settings_of(
        tmp_path,
        "s.CELERY_BROKER_TRANSPORT_OPTIONS, s.PUBLISH_TIMEOUT",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    options, publish = ast.literal_eval(result.stdout)
    assert options["socket_keepalive"] and options["health_check_interval"] <= 10
    assert publish <= 0.2


@pytest.mark.parametrize("value, expected", [(None, 600), ("30", 30)])
def test_postgresql_connections_are_kept_and_checked_before_reuse(tmp_path, value, expected):
    env = {"DB_CONN_MAX_AGE": value} if value else {}
    result = settings_of(
        tmp_path,
        "{k: s.DATABASES['default'][k] for k in ('CONN_MAX_AGE', 'CONN_HEALTH_CHECKS')}",
        DATABASE_URL="postgres://u@db.example:5432/x",
        **env,
    )
    assert result.returncode == 0, result.stderr
    assert ast.literal_eval(result.stdout) == {"CONN_MAX_AGE": expected, "CONN_HEALTH_CHECKS": True}


@pytest.mark.parametrize(
    "name", ["DB_LOCK_TIMEOUT", "DB_IDLE_IN_TRANSACTION_TIMEOUT", "DB_CONN_MAX_AGE"]
)
def test_a_malformed_session_bound_stops_start_up(tmp_path, name):
    result = settings_of(
        tmp_path, "s.DEBUG", DATABASE_URL="postgres://u@db.example:5432/x", **{name: "soon"}
    )
    assert result.returncode != 0 and name in result.stderr


def test_workers_send_no_heartbeat_events():
    """Celery publishes them from the worker's event loop with endless retries, which froze
    the loop for as long as a broker link was cut (tests/integration/test_faults.py)."""
    from celery.signals import worker_init

    import config.celery  # noqa: F401  (connects the hook)

    class Worker:  # what the hook reads of Celery's WorkController
        options: dict = {}

    worker = Worker()
    worker_init.send(sender=worker)
    assert worker.options["without_heartbeat"] is True


@pytest.mark.parametrize("eager, closed", [(False, True), (True, False)])
def test_a_worker_checks_its_connections_around_each_task_as_around_a_request(
    monkeypatch, eager, closed
):
    """In a worker, what failed or outlived DB_CONN_MAX_AGE is closed before and after each
    task (Celery would close everything); a task run in place keeps its caller's."""
    from types import SimpleNamespace

    from celery.signals import task_postrun, task_prerun

    import config.celery  # noqa: F401  (connects the hooks)

    calls = []
    monkeypatch.setattr("django.db.close_old_connections", lambda: calls.append(1))

    class Task:  # what the hooks read of a task (hashable, as Celery's signals need)
        request = SimpleNamespace(is_eager=eager)

    task_prerun.send(sender=Task, task=Task)
    task_postrun.send(sender=Task, task=Task)
    assert len(calls) == (2 if closed else 0)
