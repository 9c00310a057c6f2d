"""Fault tests: the production stack (gunicorn, Celery workers with their beat, PostgreSQL,
Redis) on private server instances, hit while participants upload. Whatever fails, every
submission answered 201 (or replayed under its Idempotency-Key) ends scored, with the
scores the official scorer gives its file, and none is stored twice.

Uploads go through the participants' own client (xacle_cli), which sends an
Idempotency-Key and retries a dropped connection or a 5xx. Each test prints how long the
stack took to recover (pytest -s shows it)."""

import csv
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from scoring import evaluate, read_submission, read_truth
from tests.factories import write_dataset
from tests.integration.servers import (
    ROOT,
    Link,
    Postgres,
    Redis,
    celery_worker,
    gunicorn,
    prepare_site,
)
from xacle_cli.api import Client

FILES = 4  # distinct prediction files, submitted in turn
DEADLINE = 90  # seconds a test waits at most for every submission to be scored (a failure)
# What a worker logs when its broker connection goes quiet (kombu's BRPOP health check), and
# when it gives the connection up to reconnect (Celery).
STALE, LOST = "dropping stale connection", "Connection to broker lost"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A private PostgreSQL with the schema, a competition and a participant's token."""
    pg = Postgres().init()
    folder = tmp_path_factory.mktemp("faults")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CELERY_"))}
    env.update(
        DATABASE_URL=pg.url, VAR_DIR=str(folder / "var"), PYTHONPATH=str(ROOT),
        SECRET_KEY="fault-tests", CACHE_URL="memory", THROTTLE_UPLOADS="100000/min",
        THROTTLE_USER="100000/min", CELERY_VISIBILITY_TIMEOUT="5", CELERY_RESTORE_INTERVAL="1",
        SWEEP_INTERVAL_SECONDS="2", STALE_QUEUED_SECONDS="2", STALE_SCORING_SECONDS="10",
        DB_IDLE_IN_TRANSACTION_TIMEOUT="5", DB_LOCK_TIMEOUT="5",
    )  # fmt: skip
    dataset = write_dataset(folder, n_validation=40, n_test=8)
    try:
        token = prepare_site(env, dataset, "xacle")
        yield pg, env, token, _prediction_files(dataset, folder)
    finally:
        pg.destroy()


def _prediction_files(dataset: Path, folder: Path):
    """FILES prediction files and the metrics the official scorer gives each."""
    truth_path = dataset / "meta_data" / "validation_average.csv"
    truth = read_truth(truth_path)
    with open(truth_path) as handle:
        ids = [row["wav_file_name"] for row in csv.DictReader(handle)]
    files = []
    for k in range(FILES):
        body = "wav_file_name,prediction_score\n" + "".join(
            f"{wav},{(i * (k + 3)) % 11 / 1.1}\n" for i, wav in enumerate(ids)
        )
        path = folder / f"pred{k}.csv"
        path.write_text(body)
        result = evaluate(truth.means, read_submission(path, truth.ids))
        files.append((body.encode(), (result.srcc, result.lcc, result.ktau, result.mse)))
    return files


class Stack:
    """gunicorn and workers on the cluster and a private Redis, for one test."""

    def __init__(self, cluster, tmp_path):
        self.pg, base, self.token, self.files = cluster
        self.redis = Redis(tmp_path).start()
        self.env = dict(base, CELERY_BROKER_URL=self.redis.url, VAR_DIR=str(tmp_path / "var"))
        self.folder, self.processes, self.answers = tmp_path, [], []
        self.lock = threading.Lock()

    def web(self, *extra):
        process, self.url = gunicorn(self.env, self.folder, *extra)
        self.processes.append(process)
        return process

    def worker(self, name, broker=None):
        env = dict(self.env, CELERY_BROKER_URL=broker or self.redis.url)
        process = celery_worker(env, self.folder, name, "--beat", "-s",
                                str(self.folder / f"beat-{name}"))  # fmt: skip
        self.processes.append(process)
        return process

    def client(self, log=lambda message: None):
        return Client(self.url, self.token, timeout=20, retries=6, log=log)

    def upload(self, system: str, k: int, client=None) -> dict:
        body, _ = self.files[k % FILES]
        answer = (client or self.client()).submit("xacle", "validation", system, "p.csv", body)
        with self.lock:
            self.answers.append((system.split("_")[0], answer["id"], k % FILES))
        return answer

    def burst(self, prefix: str, count: int, during=None, after: int = 0):
        """count uploads from 4 threads; during() runs once `after` have been answered."""
        with ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(self.upload, f"{prefix}_{i}", i) for i in range(count)]
            if during is not None:
                while sum(f.done() for f in futures) < after:
                    time.sleep(0.01)
                during()
            for future in futures:
                future.result()

    def rows(self, prefix: str):
        """The submissions whose system names start with prefix_ (unique per test)."""
        with psycopg.connect(self.pg.url, autocommit=True) as db:
            return db.execute(
                "SELECT s.id, s.status, sc.srcc, sc.lcc, sc.ktau, sc.mse "
                "FROM competition_submission s "
                "LEFT JOIN competition_score sc ON sc.submission_id = s.id "
                "WHERE s.system_name LIKE %s",
                (prefix + "\\_%",),
            ).fetchall()

    def wait_all_scored(self, prefix: str) -> float:
        """The moment (monotonic) every submission of the prefix is scored; fails after
        DEADLINE seconds."""
        started = time.monotonic()
        while time.monotonic() - started < DEADLINE:
            rows = self.rows(prefix)
            if rows and all(status == "scored" for _, status, *_ in rows):
                return time.monotonic()
            time.sleep(0.1)
        pytest.fail(f"not all scored within {DEADLINE} s: {sorted(self.rows(prefix))}")

    def check(self, prefix: str, expected_count: int):
        """Every answered submission stored once, scored once, with its file's scores."""
        rows = self.rows(prefix)
        mine = [(sid, k) for p, sid, k in self.answers if p == prefix]
        answered = dict(mine)
        assert len(answered) == len(mine) == expected_count
        assert sorted(r[0] for r in rows) == sorted(answered)  # one score row each, no extra
        for submission_id, status, *metrics in rows:
            assert status == "scored"
            assert metrics == pytest.approx(self.files[answered[submission_id]][1], abs=1e-9)

    def close(self):
        for process in reversed(self.processes):
            process.stop()
        self.redis.stop()


@pytest.fixture
def stack(cluster, tmp_path):
    stack = Stack(cluster, tmp_path)
    yield stack
    stack.close()


def test_a_worker_killed_mid_burst_loses_nothing(stack):
    stack.web()
    first = stack.worker("first")
    replaced = {}

    def crash():
        first.kill()  # SIGKILL, mid-task: its claims and unacknowledged tasks are left
        replaced["at"] = time.monotonic()
        stack.worker("second")

    stack.burst("kill", 30, during=crash, after=10)
    recovery = stack.wait_all_scored("kill") - replaced["at"]
    stack.check("kill", 30)
    print(f"\nRECOVERY worker SIGKILL: all scored {recovery:.1f} s after the kill")


def test_uploads_go_on_with_the_broker_stopped_and_are_scored_once_it_returns(stack):
    stack.web()
    stack.worker("w")
    stack.burst("before", 4)
    stack.redis.stop()
    started = time.monotonic()
    stack.burst("down", 16)  # answered at once: the request never waits on the broker
    answered_in = time.monotonic() - started
    stack.redis.start()
    back = time.monotonic()
    recovery = stack.wait_all_scored("down") - back
    stack.wait_all_scored("before")
    stack.check("before", 4)
    stack.check("down", 16)
    print(f"\nRECOVERY broker stopped: 16 uploads answered in {answered_in:.1f} s while down; "
          f"all scored {recovery:.1f} s after it returned")  # fmt: skip


def test_a_worker_whose_link_to_the_broker_is_cut_for_20_s_notices_it_and_resumes(stack):
    """A network cut (no FIN, no RST): the worker notices through its own timeouts and
    health checks while the cut lasts (not only once the link is back), reconnects, and
    scores what was uploaded meanwhile."""
    link = Link(stack.redis.port)
    log = stack.folder / "worker-w.log"
    try:
        stack.web()
        stack.worker("w", broker=f"redis://127.0.0.1:{link.port}/0")
        stack.burst("prelink", 4)
        stack.wait_all_scored("prelink")
        before = {sign: log.read_text(errors="replace").count(sign) for sign in (STALE, LOST)}
        link.cut()
        cut = time.monotonic()
        stack.burst("cut", 8)
        seen = {}
        while time.monotonic() - cut < 20:
            text = log.read_text(errors="replace")
            for sign, count in before.items():
                if sign not in seen and text.count(sign) > count:
                    seen[sign] = time.monotonic() - cut
            time.sleep(0.1)
        link.restore()
        back = time.monotonic()
        recovery = stack.wait_all_scored("cut") - back
    finally:
        link.close()
    assert LOST in seen, "the worker did not notice the cut while it lasted"
    stack.check("prelink", 4)
    stack.check("cut", 8)
    print(f"\nRECOVERY broker link cut 20 s: the worker dropped its stale connection after "
          f"{seen.get(STALE, float('nan')):.1f} s and was reconnecting after {seen[LOST]:.1f} s; "
          f"all scored {recovery:.1f} s after the link came back")  # fmt: skip


def test_a_postgresql_restart_mid_burst_loses_nothing(stack):
    stack.web()
    stack.worker("w")
    restarted = {}

    def outage():
        stack.pg.restart_immediately()
        restarted["at"] = time.monotonic()

    stack.burst("pg", 30, during=outage, after=10)
    recovery = stack.wait_all_scored("pg") - restarted["at"]
    stack.check("pg", 30)
    print(f"\nRECOVERY pg_ctl restart -m immediate: all scored {recovery:.1f} s after restart")


def test_a_web_worker_killed_after_storing_an_upload_is_answered_on_the_retry(stack):
    marker = stack.folder / "stored-not-answered"
    stack.env["XACLE_TEST_MARKER"] = str(marker)
    stack.web("-c", str(Path(__file__).with_name("gunicorn_hooks.py")))
    stack.worker("w")
    said = []
    upload = threading.Thread(
        target=stack.upload, args=("ghost_0", 0, stack.client(log=said.append))
    )
    upload.start()
    deadline = time.monotonic() + 30
    while not (marker.exists() and marker.read_text()) and time.monotonic() < deadline:
        time.sleep(0.02)
    killed_at = time.monotonic()
    os.kill(int(marker.read_text()), 9)  # the web worker holding the stored upload
    upload.join(30)
    recovery = stack.wait_all_scored("ghost") - killed_at
    assert any("Trying again" in line for line in said)  # the first answer was lost
    stack.check("ghost", 1)  # the retry found the stored submission: no second one
    print(f"\nRECOVERY web worker killed: answered by the retry and scored {recovery:.1f} s later")
