"""bin/run as a newcomer meets it: quiet (no warning to wonder about), and a plain `kill`
of its process stops the site and the worker with it. Runs on its own embedded default
(SQLite, a file-system broker) in a temporary VAR_DIR."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOISE = ["No hostname was supplied", "ID3", "SecurityWarning", "superuser privileges",
         "Traceback"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def processes_with(var_dir: str) -> list[int]:
    """Processes whose environment names this VAR_DIR: bin/run's site and worker."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"VAR_DIR={var_dir}".encode() in environ:
            found.append(int(entry.name))
    return found


def test_bin_run_is_quiet_and_stops_with_a_kill(tmp_path):
    var_dir = str(tmp_path / "var")
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "CACHE_URL"}}  # fmt: skip
    env.update(VAR_DIR=var_dir, ADDRESS=f"127.0.0.1:{port}")
    log = tmp_path / "run.log"
    with open(log, "wb") as out:
        run = subprocess.Popen(["bin/run"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while True:
            assert run.poll() is None, log.read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"bin/run did not serve: {log.read_text()[-3000:]}")
            time.sleep(0.5)
        # The worker has started too (it scores the demo's queued submissions).
        deadline = time.monotonic() + 120
        while "ready." not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.5)
        assert len(processes_with(var_dir)) >= 3  # bin/run, the site, the worker
        run.send_signal(signal.SIGTERM)
        run.wait(60)
        deadline = time.monotonic() + 60
        while processes_with(var_dir):
            assert time.monotonic() < deadline, f"left running: {processes_with(var_dir)}"
            time.sleep(0.5)
    finally:
        for pid in processes_with(var_dir):  # only what this test started
            os.kill(pid, signal.SIGKILL)
    text = log.read_text()
    for noise in NOISE:
        assert noise not in text, f"{noise!r} in bin/run's output:\n{text[-3000:]}"
