"""Private server instances for fault tests, on free ports, started and stopped by the test
itself: a redis-server, a PostgreSQL cluster made with initdb, gunicorn and Celery workers.
The shared servers on 6379 and 5432 are never touched. Every process is ended by its PID."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not come up within {timeout} s")


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class Redis:
    """A redis-server of our own, with no persistence: a restart starts it empty."""

    def __init__(self, folder: Path):
        self.folder, self.port, self.process = folder, free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait(lambda: _answers(self.port), 10, "redis-server")
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class Link:
    """A TCP relay to a local port that the test can cut as a network would: while cut,
    nothing passes either way and nothing is closed (no FIN, no RST), so each side learns of
    it only from its own timeouts; restored, the bytes flow again."""

    def __init__(self, upstream_port: int):
        self.upstream_port, self.open = upstream_port, threading.Event()
        self.open.set()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self):
        self.open.clear()

    def restore(self):
        self.open.set()

    def _accept(self):
        while True:
            try:
                client, _ = self.server.accept()
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:
                return
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source, target):
        source.settimeout(0.1)
        while True:
            self.open.wait()
            try:
                data = source.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                data = b""
            if not data:
                break
            try:
                target.sendall(data)
            except OSError:
                break
        for end in (source, target):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self):
        self.open.set()
        self.server.close()


class Postgres:
    """A PostgreSQL cluster from initdb in a temporary folder on a free port. PostgreSQL
    refuses to run as root, so under root (CI) it runs as the postgres user, in a folder
    that user owns."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="xacle-pg-"))
        self.data, self.log = self.folder / "data", self.folder / "server.log"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")

    def _run(self, *command: str):
        program = shutil.which(command[0]) or command[0]
        argv = [program, *command[1:]]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        subprocess.run(argv, check=True, capture_output=True, cwd=self.folder)

    def init(self):
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        return self.start()

    def start(self):
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off "
            "-c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")
        return self

    def restart_immediately(self):
        """Every server process killed at once, then crash recovery: an outage."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        self.start()

    def destroy(self):
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


class Process:
    """A child process in its own session, so that it and its children end together."""

    def __init__(self, command: list[str], env: dict, log: Path):
        self.command, self.env, self.log, self.process = command, env, log, None

    def start(self):
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=open(self.log, "ab"),
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        return self

    def kill(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.kill()


def manage(env: dict, *args: str) -> str:
    """Run manage.py with env; its output."""
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True,
    ).stdout  # fmt: skip


def prepare_site(env: dict, dataset: Path, competition: str) -> str:
    """Migrate, import the dataset as the competition, and make a participant; their API
    token."""
    manage(env, "migrate", "-v", "0")
    manage(env, "import_dataset", str(dataset), "--competition", competition)
    return manage(
        env, "shell", "-c",
        "from django.contrib.auth.models import User; "
        "from accounts import tokens; "
        "print(tokens.create(User.objects.create_user('ann'))[1])",
    ).split()[-1]  # fmt: skip


def gunicorn(env: dict, folder: Path, *extra: str) -> tuple[Process, str]:
    port = free_port()
    web = Process(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--no-control-socket", *extra],
        env, folder / f"gunicorn-{port}.log",
    ).start()  # fmt: skip
    _wait(lambda: _answers(port), 30, "gunicorn")
    return web, f"http://127.0.0.1:{port}"


def celery_command(name: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info", "-c", "2",
            "-n", f"{name}@%h", "--without-gossip", "--without-mingle", *extra]  # fmt: skip


def celery_worker(env: dict, folder: Path, name: str, *extra: str) -> Process:
    return Process(celery_command(name, *extra), env, folder / f"worker-{name}.log").start()
