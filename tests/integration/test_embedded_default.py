"""With no environment at all, the web server and a worker started separately work
together: SQLite and the file-system broker, everything under VAR_DIR."""

import os
import sqlite3
import subprocess
import sys
import urllib.request

from tests.factories import write_dataset
from tests.integration import servers
from tests.integration.conftest import ROOT, wait_for

MANAGE = [sys.executable, "manage.py"]


def test_runserver_and_a_worker_work_together_with_no_environment(tmp_path):
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CELERY_"))}
    env.update(VAR_DIR=str(var), PYTHONPATH=str(ROOT))
    dataset = write_dataset(tmp_path, n_validation=20, n_test=20)

    def manage(*args):
        return servers.manage(env, *args)

    manage("migrate", "-v", "0")
    manage("import_dataset", str(dataset), "--competition", "solo")
    port = servers.free_port()
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


def test_the_embedded_default_takes_a_burst_of_parallel_uploads(tmp_path):
    """bin/run's setup (SQLite, the file-system broker, gunicorn with 2 workers, a worker
    with its beat): 20 uploads at once are all answered 201 and all scored, and nothing
    anywhere says "database is locked"."""
    from concurrent.futures import ThreadPoolExecutor

    from xacle_cli.api import Client

    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CELERY_"))}
    env.update(VAR_DIR=str(var), PYTHONPATH=str(ROOT), THROTTLE_UPLOADS="1000/min")
    dataset = write_dataset(tmp_path, n_validation=40, n_test=8)
    token = servers.prepare_site(env, dataset, "solo")
    worker = servers.celery_worker(env, tmp_path, "embedded", "--beat")
    web, url = servers.gunicorn(env, tmp_path)
    try:
        client = Client(url, token, retries=0)  # a 500 or a dropped answer fails the test
        body = _validation_csv(dataset)
        with ThreadPoolExecutor(20) as pool:
            answers = list(
                pool.map(
                    lambda i: client.submit("solo", "validation", f"s_{i}", "p.csv", body),
                    range(20),
                )
            )
        ids = [answer["id"] for answer in answers]
        assert len(set(ids)) == 20 and all(a["status"] == "queued" for a in answers)
        database = sqlite3.connect(var / "db.sqlite3", timeout=30)
        marks = ",".join("?" * len(ids))
        scored = f"SELECT count(*) FROM competition_submission WHERE status = 'scored' AND id IN ({marks})"  # noqa: E501
        wait_for(lambda: database.execute(scored, ids).fetchone()[0] == 20, timeout=60)
    finally:
        web.stop()
        worker.stop()
    logs = "".join(path.read_text(errors="replace") for path in tmp_path.glob("*.log"))
    assert "database is locked" not in logs
