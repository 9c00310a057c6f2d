"""Load through the production stack: gunicorn (4 workers) and 2 Celery workers (the
README's command: one pool process per core) on PostgreSQL and Redis, N participants
uploading as fast as they are answered for 30 s (N = 8, then 16). Reports upload p50/p99,
submit-to-scored p50/p99, throughput, errors, and the CPU time per submission of the web
and the worker processes beside the in-process cost of `submit` + scoring measured in the
same run (goals at N = 8 on 2 cores: 0 errors, upload p99 <= 0.25 s, submit-to-scored p99
<= 1 s, CPU per submission within 3x in-process).

    BENCH_REDIS=redis://127.0.0.1:6379/N .venv/bin/python bench/load.py [--seconds 30]
        [--profile]   first, where the time of one upload and one scoring goes (cProfile)
    .venv/bin/python bench/load.py --embedded
        bin/run's setup instead (SQLite, the file-system broker, gunicorn with 2 workers, one
        worker with 2 processes and its beat): 20 uploads at once, and how long until all
        are scored (goal: all 201, all scored in about 10 s)

After the runs at N = 8 and 16, a gunicorn whose broker refuses connections takes 8
participants for 10 s (goal: upload p99 under 0.5 s, every upload stored); then the backlog
it left is sent to the workers at once, as a worker's start-up sweep sends it, and the time
until all of it is scored is reported (SCORING_BATCH=1 in the environment: one per pass).
"""

import argparse
import cProfile
import http.client
import io
import os
import pstats
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import harness
import numpy as np

N_ITEMS = 1000
TICKS = os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--uploaders", type=int, nargs="+", default=[8, 16])
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--embedded", action="store_true")
    args = parser.parse_args()
    var = tempfile.mkdtemp()
    if args.embedded:
        return _embedded(var)
    # As in production, the cache is Redis; the throttles stay out of the way of the load.
    os.environ.update(
        CACHE_URL=harness.REDIS, THROTTLE_UPLOADS="1000000/min", THROTTLE_USER="1000000/min"
    )
    env = harness.setup_django("xacle_bench_load", var)
    # The bench's Redis database starts empty: tasks an earlier run left (a debounced
    # analysis due minutes later, for the phase that has the same id in this fresh
    # database) would otherwise run in the middle of this one.
    import redis

    redis.Redis.from_url(harness.REDIS).flushdb()
    from competition import tasks
    from competition.models import Team

    phase, means = harness.make_phase(N_ITEMS)
    rng = np.random.default_rng(1)
    files = [harness.submission_csv(phase, means + rng.normal(0, 2, N_ITEMS)) for _ in range(20)]
    tokens = _participants(max(args.uploaders))
    url = f"/api/competitions/{phase.competition.slug}/phases/validation/submissions/"

    real_enqueue, tasks.enqueue = tasks.enqueue, lambda ids: 0
    team = Team.objects.create(competition=phase.competition, name="reference")
    reference = _in_process(phase, team, files)
    if args.profile:
        _profile(phase, files, url, tokens[0])
    tasks.enqueue = real_enqueue

    port = _free_port()
    stack = [
        _gunicorn(port, 4, env, Path(var) / "web.log"),
        # The README's worker command: Celery's default pool, one process per core.
        *(_start([sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "warning",
                  "-n", f"load{i}@%h", "--without-gossip", "--without-mingle"],
                 env, Path(var) / f"worker{i}.log") for i in range(2)),
    ]  # fmt: skip
    try:
        _wait_port(port)
        time.sleep(5)  # the workers connect and run their start-up sweep
        _run(port, url, files, tokens[:4], 3)  # warm every process
        print(f"in-process reference: submit + score {reference['wall'] * 1e3:.1f} ms wall, "
              f"{reference['cpu'] * 1e3:.1f} ms CPU per submission")  # fmt: skip
        for n in args.uploaders:
            _report(n, args.seconds, port, url, files, tokens[:n], stack, reference)
        _drain(_broker_down(env, var, url, files, tokens[:8]))
    finally:
        for process in stack:
            os.killpg(process.pid, signal.SIGTERM)
        for process in stack:
            _end(process)


def _participants(n):
    from django.contrib.auth.models import User

    from accounts import tokens

    return [tokens.create(User.objects.create_user(f"p{i}"))[1] for i in range(n)]


def _in_process(phase, team, files, n=50):
    from competition import scorer
    from competition.submitting import submit

    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(n):
        submission = submit(phase, team, f"ref{i}", io.BytesIO(files[i % 20]))
        scorer.score_submission(submission.pk)
    return {"wall": (time.perf_counter() - wall) / n, "cpu": (time.process_time() - cpu) / n}


def _profile(phase, files, url, token):
    """Where one upload (the whole request, through Django) and one scoring spend time."""
    from django.test import Client
    from django.test.utils import setup_test_environment

    from competition import scorer

    setup_test_environment()
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    profile = cProfile.Profile()
    for i in range(40):
        upload = io.BytesIO(files[i % 20])
        upload.name = "p.csv"
        profile.enable()
        response = client.post(url, {"system_name": f"prof{i}", "file": upload})
        assert response.status_code == 201, response.content
        scorer.score_submission(response.json()["id"])
        profile.disable()
    print("profile of 40 uploads through Django + their scoring, by cumulative time:")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


def _report(n, seconds, port, url, files, tokens, stack, reference):
    from competition.models import Submission

    before = [_cpu(process.pid) for process in stack]
    servers_before, client_before = _servers_cpu(), time.process_time()
    started = time.time()
    uploads, errors = _run(port, url, files, tokens, seconds)
    done = [sid for sid, _, _ in uploads]
    _wait_settled(Submission.objects.filter(pk__in=done))
    after = [_cpu(process.pid) for process in stack]
    servers = (_servers_cpu() - servers_before) / max(len(done), 1)
    client = (time.process_time() - client_before) / max(len(done), 1)
    scored_at = dict(Submission.objects.filter(pk__in=done).values_list("pk", "scored_at"))
    upload = [latency for _, _, latency in uploads]
    to_scored = [scored_at[sid].timestamp() - start for sid, start, _ in uploads if scored_at[sid]]
    web = (after[0] - before[0]) / max(len(done), 1)
    work = sum(a - b for a, b in zip(after[1:], before[1:], strict=True)) / max(len(done), 1)
    p = harness.percentile
    print(
        f"N = {n} uploaders for {seconds:g} s: {len(done)} submissions "
        f"({len(done) / seconds:.1f}/s), {len(errors)} errors {sorted(set(errors))[:3]}"
    )
    print(
        f"  upload           p50 {p(upload, 50) * 1e3:6.0f} ms  p99 {p(upload, 99) * 1e3:6.0f} ms"
    )
    print(
        f"  submit-to-scored p50 {p(to_scored, 50) * 1e3:6.0f} ms  "
        f"p99 {p(to_scored, 99) * 1e3:6.0f} ms  (all scored {time.time() - started:.0f} s "
        "after the start)"
    )
    print(f"  CPU per submission: web {web * 1e3:.1f} ms + workers {work * 1e3:.1f} ms = "
          f"{(web + work) * 1e3:.1f} ms; {(web + work) / reference['cpu']:.2f}x the in-process "
          f"{reference['cpu'] * 1e3:.1f} ms")  # fmt: skip
    print(f"  beside them: PostgreSQL and Redis {servers * 1e3:.1f} ms, the uploading clients "
          f"{client * 1e3:.1f} ms per submission")  # fmt: skip


def _broker_down(env, var, url, files, tokens, seconds=10):
    """Uploads to a gunicorn whose broker refuses connections: answered, and stored."""
    from competition.models import Submission

    port = _free_port()
    down = dict(env, CELERY_BROKER_URL=f"redis://127.0.0.1:{_free_port()}/0")
    web = _gunicorn(port, 4, down, Path(var) / "web-down.log")
    try:
        _wait_port(port)
        _run(port, url, files, tokens[:4], 2)  # warm
        uploads, errors = _run(port, url, files, tokens, seconds)
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(30)
    stored = Submission.objects.filter(pk__in=[sid for sid, _, _ in uploads]).count()
    upload = [latency for _, _, latency in uploads]
    p = harness.percentile
    print(f"broker down, N = {len(tokens)} for {seconds} s: {len(uploads)} answered 201, "
          f"{stored} stored, {len(errors)} errors; upload p50 {p(upload, 50) * 1e3:.0f} ms, "
          f"p99 {p(upload, 99) * 1e3:.0f} ms (goal < 500 ms)")  # fmt: skip
    return [sid for sid, _, _ in uploads]


def _drain(ids):
    """The backlog the outage left, sent at once as a worker's start-up sweep sends it: how
    fast the workers catch up (in passes of up to SCORING_BATCH)."""
    from competition import tasks
    from competition.models import Submission

    started = time.time()
    tasks.sweep_stale_submissions(queued_seconds=0)
    _wait_settled(Submission.objects.filter(pk__in=ids))
    last = max(Submission.objects.filter(pk__in=ids).values_list("scored_at", flat=True))
    took = last.timestamp() - started
    print(
        f"the backlog of {len(ids)} it left, sent at once: all scored after {took:.1f} s "
        f"({len(ids) / took:.0f}/s; SCORING_BATCH={os.environ.get('SCORING_BATCH', 20)})"
    )


def _wait_settled(submissions, seconds=300):
    """Until none of the submissions waits for a worker (or the time is up)."""
    pending = submissions.exclude(status__in=["scored", "failed"])
    deadline = time.monotonic() + seconds
    while pending.exists() and time.monotonic() < deadline:
        time.sleep(0.1)


def _embedded(var, n=20):
    """bin/run's setup: n uploads at once, then the wait until all are scored."""
    for name in [k for k in os.environ if k.startswith(("DATABASE_", "CELERY_"))]:
        del os.environ[name]
    os.environ.update(VAR_DIR=var, DJANGO_SETTINGS_MODULE="config.settings",
                      PYTHONPATH=str(harness.ROOT), LOG_LEVEL="WARNING")  # fmt: skip
    sys.path.insert(0, str(harness.ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from competition.models import Submission

    call_command("migrate", verbosity=0)
    phase, means = harness.make_phase(N_ITEMS)
    rng = np.random.default_rng(1)
    files = [harness.submission_csv(phase, means + rng.normal(0, 2, N_ITEMS)) for _ in range(n)]
    tokens = _participants(n)
    url = f"/api/competitions/{phase.competition.slug}/phases/validation/submissions/"
    env, port = dict(os.environ), _free_port()
    stack = [
        _gunicorn(port, 2, env, Path(var) / "web.log"),
        _start([sys.executable, "-m", "celery", "-A", "config", "worker", "--beat", "-c", "2",
                "-l", "info"], env, Path(var) / "worker.log"),
    ]  # fmt: skip
    try:
        _wait_port(port)
        time.sleep(5)  # the worker starts
        started = time.time()
        results = []
        threads = [
            threading.Thread(target=lambda k=k: results.append(
                _post(port, url, tokens[k], files[k], f"e{k}")))
            for k in range(n)
        ]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        answered = time.time() - started
        statuses = sorted(status for status, _ in results)
        _wait_settled(Submission.objects.all())
        scored = Submission.objects.filter(status="scored").count()
        last = max(Submission.objects.values_list("scored_at", flat=True)).timestamp()
    finally:
        for process in stack:
            os.killpg(process.pid, signal.SIGTERM)
        for process in stack:
            _end(process)
    logs = "".join(path.read_text(errors="replace") for path in Path(var).glob("*.log"))
    print(f"embedded default, {n} uploads at once: answers {statuses.count(201)} x 201 "
          f"(others {[s for s in statuses if s != 201]}) within {answered:.1f} s; "
          f"{scored} scored, the last {last - started:.1f} s after the first upload; "
          f"'database is locked' in the logs {logs.count('database is locked')} times")  # fmt: skip


def _run(port, url, files, tokens, seconds):
    """Each token uploads in its own thread until the time is up: [(id, start, latency)]."""
    uploads, errors, lock = [], [], threading.Lock()
    deadline = time.monotonic() + seconds

    def participant(token, k):
        i = 0
        while time.monotonic() < deadline:
            i += 1
            start = time.time()
            try:
                status, body = _post(port, url, token, files[(k + i) % len(files)], f"s{k}_{i}")
            except OSError as exc:
                status, body = type(exc).__name__, b""
            latency = time.time() - start
            with lock:
                if status == 201:
                    import json

                    uploads.append((json.loads(body)["id"], start, latency))
                else:
                    errors.append(status)

    threads = [threading.Thread(target=participant, args=(t, k)) for k, t in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return uploads, errors


def _post(port, url, token, content, system):
    boundary = uuid.uuid4().hex
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="system_name"\r\n\r\n{system}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", url, body, {
            "Authorization": f"Token {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Idempotency-Key": uuid.uuid4().hex,
        })  # fmt: skip
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def _cpu(leader: int) -> float:
    """CPU seconds (user + system) of every process in the leader's group so far."""
    return sum(cpu for group, _, cpu, _ in _processes() if group == leader)


def _servers_cpu() -> float:
    """CPU seconds of the PostgreSQL and Redis servers' processes so far, ended sessions
    included (shared servers: what other databases on them do counts too, and is nothing
    during a run here)."""
    return sum(
        cpu + ended for _, name, cpu, ended in _processes() if name in ("postgres", "redis-server")
    )


def _processes():
    """(process group, command name, CPU seconds, CPU seconds of its ended children) of
    every process."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name, fields = (entry / "stat").read_text().split(" (", 1)[1].rsplit(")", 1)
        except (OSError, ValueError):
            continue
        ticks = [int(field) for field in fields.split()[11:15]]
        yield int(fields.split()[2]), name, sum(ticks[:2]) / TICKS, sum(ticks[2:]) / TICKS


def _end(process):
    """Wait for a process group told to stop; kill it if it lingers (a worker holding a
    long task)."""
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def _gunicorn(port, workers, env, log):
    """As in production: no control socket shared with other gunicorns on the host."""
    return _start([sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
                   "--workers", str(workers), "--no-control-socket"], env, log)  # fmt: skip


def _start(command, env, log):
    return subprocess.Popen(command, cwd=harness.ROOT, env=env, stdout=open(log, "wb"),
                            stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


if __name__ == "__main__":
    main()
