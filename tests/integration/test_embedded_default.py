"""With no environment at all, the web server and a worker started separately work
together: SQLite and the file-system broker, everything under VAR_DIR."""

import os
import socket
import sqlite3
import subprocess
import sys
import urllib.request

from tests.factories import write_dataset
from tests.integration.conftest import ROOT, wait_for

MANAGE = [sys.executable, "manage.py"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_runserver_and_a_worker_work_together_with_no_environment(tmp_path):
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CELERY_"))}
    env.update(VAR_DIR=str(var), PYTHONPATH=str(ROOT))
    dataset = write_dataset(tmp_path, n_validation=20, n_test=20)

    def manage(*args):
        return subprocess.run(
            MANAGE + list(args), cwd=ROOT, env=env, capture_output=True, text=True, check=True
        ).stdout

    manage("migrate", "-v", "0")
    manage("import_dataset", str(dataset), "--competition", "solo")
    port = free_port()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-c", "1"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            MANAGE + ["runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
    ]  # fmt: skip
    try:
        file = tmp_path / "predictions.csv"
        file.write_bytes(_validation_csv(dataset))
        out = manage("submit", str(file), "--competition", "solo", "--phase", "validation",
                     "--team", "owls", "--create-team", "--system", "owls_01")  # fmt: skip
        submission_id = int(out.strip())
        database = sqlite3.connect(var / "db.sqlite3")
        status = "SELECT status FROM competition_submission WHERE id = ?"
        wait_for(lambda: database.execute(status, (submission_id,)).fetchone()[0] == "scored")
        assert list(var.glob("broker/queue")), "the queue lives under VAR_DIR"
        assert (var / "secret_key").exists()
        page = wait_for(lambda: _get(f"http://127.0.0.1:{port}/admin/login/"), timeout=30)
        assert page.status == 200
    finally:
        for process in processes:
            process.terminate()
            process.wait(20)


def _validation_csv(dataset) -> bytes:
    import csv

    with open(dataset / "meta_data" / "validation_average.csv") as handle:
        ids = [row["wav_file_name"] for row in csv.DictReader(handle)]
    return csv_bytes_for(ids)


def csv_bytes_for(ids) -> bytes:
    return (
        "wav_file_name,pred_score\n" + "".join(f"{w},{i % 7}\n" for i, w in enumerate(ids))
    ).encode()


def _get(url):
    try:
        return urllib.request.urlopen(url, timeout=2)
    except OSError:
        return None
