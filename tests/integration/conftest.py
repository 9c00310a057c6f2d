"""Integration tests run against the real PostgreSQL and Redis with real Celery worker
processes. bin/test runs them with DATABASE_URL and CELERY_BROKER_URL pointing there."""

import os
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.integration.servers import Process, celery_command

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.integration)
            # The hosts test runs a PostgreSQL of its own and never touches this one.
            if Path(str(item.fspath)).name != "test_hosts.py":
                item.add_marker(pytest.mark.django_db(transaction=True))


def _unavailable(reason: str):
    # Under CI a missing server is a failure, never a skip.
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def real_servers():
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        _unavailable(
            f"integration tests need PostgreSQL (DATABASE_URL); got {engine}: use bin/test"
        )
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        _unavailable("integration tests need Redis as CELERY_BROKER_URL: use bin/test")
    import redis

    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        _unavailable(f"Redis at {settings.CELERY_BROKER_URL} does not answer: {exc}")


class WorkerProcess(Process):
    """A `celery -A config worker` process on the test database and broker; kill() is a
    crash (SIGKILL to the worker and its pool), stop() a shutdown."""

    def __init__(self, env: dict, name: str, *extra: str):
        log = Path(env["VAR_DIR"]) / f"worker-{name}.log"
        super().__init__(celery_command(name, *extra), env, log)
        self.name = name

    def start(self):
        """Started, and answering a ping."""
        from config.celery import app

        super().start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited: {self.log.read_text()[-3000:]}")
            replies = app.control.ping(
                destination=[f"{self.name}@{os.uname().nodename}"], timeout=0.5
            )
            if replies:
                return self
        raise RuntimeError(f"worker did not start: {self.log.read_text()[-3000:]}")


class MailServer:
    """A real SMTP server (aiosmtpd) on a free loopback port; what it receives is kept."""

    def __init__(self):
        import socket

        from aiosmtpd.controller import Controller

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.messages = []
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def received(self, to: str, subject: str, timeout: float = 60.0):
        """The first message to `to` whose subject holds `subject`, waiting for it."""

        def find():
            for message in self.messages:
                if to in message["To"] and subject in message["Subject"]:
                    return message
            return None

        return wait_for(find, timeout=timeout, interval=0.1)


@pytest.fixture(scope="session")
def smtp_server():
    server = MailServer()
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture(scope="session")
def worker_env(django_db_setup, django_db_blocker, tmp_path_factory, smtp_server):
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        VAR_DIR=str(tmp_path_factory.mktemp("worker-var")),
        PYTHONPATH=str(ROOT),
        # Every worker of the session delivers its e-mail to the test's SMTP server.
        EMAIL_URL=smtp_server.url,
    )
    yield env
    # Connections a killed worker left behind would keep the test database from being dropped.
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session")
def celery_worker_process(worker_env):
    """One real worker for the whole session, its queue purged of older runs' tasks."""
    from config.celery import app

    app.control.purge()
    worker = WorkerProcess(worker_env, "main").start()
    yield worker
    worker.stop()


def wait_for(predicate, timeout=60.0, interval=0.02):
    """Poll until predicate() is true; return its value or fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout} s")
