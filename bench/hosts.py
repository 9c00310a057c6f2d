"""Capacity figures from the production layout across hosts (tests/integration/cluster.py:
nginx, two web hosts, two worker hosts, PostgreSQL + Redis on a db host), with a validation
phase of the real size (3,000 pairs): participants upload through the balancer for a while,
and the CPU time each host's processes used is read from /proc.

    sudo .venv/bin/python bench/hosts.py [--seconds 20] [--clients 8] [--items 3000]

Prints uploads per second per web core and scores per second per worker core (work done
over CPU-seconds used, so the figures hold on a shared machine), the database and storage
growth per 100,000 submissions, and, as the reference measured in the same run, the same
file read and scored in this process with no web server, broker or database: the ratios
are what the platform costs on top of the science.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import scoring  # noqa: E402
from tests.integration import cluster as hosts  # noqa: E402
from tests.integration.hosts_client import submission_csv  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(cluster, host: str) -> float:
    """User + system CPU time of the host's processes, and of their children that ended."""
    total = 0
    for pid in cluster.pids(host):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / TICK


def sizes(cluster) -> dict[str, int]:
    """Bytes of every table (with its indexes and TOAST), of the database, of the uploads."""
    found = dict(
        cluster.query(
            "SELECT tablename::text, pg_total_relation_size(quote_ident(tablename)) "
            "FROM pg_tables WHERE schemaname = 'public'"
        )
    )
    found["database"] = cluster.query("SELECT pg_database_size('xacle')")[0][0]
    media = cluster.shared / "media"
    found["media"] = sum(path.stat().st_size for path in media.rglob("*") if path.is_file())
    return found


def reference(cluster, n: int = 200) -> tuple[float, float]:
    """Seconds to read one upload and to score it, in this process."""
    reader = scoring.SubmissionReader(cluster.ids, "validation")
    truth = scoring.prepare(np.random.default_rng(0).uniform(0, 10, len(cluster.ids)))
    files = [submission_csv(f"ref-{i}", cluster.ids) for i in range(n)]
    start = time.process_time()
    predictions = [reader.read(data, 10 * 1024 * 1024) for data in files]
    read = (time.process_time() - start) / n
    start = time.process_time()
    for values in predictions:
        truth.evaluate(values)
    return read, (time.process_time() - start) / n


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--items", type=int, default=3000)
    args = parser.parse_args()
    refused = hosts.netns_available()
    if refused:
        raise SystemExit(refused)
    with hosts.Cluster(n_items=args.items, clients=args.clients, audit=False) as cluster:
        print(f"cluster ready in {cluster.timings['ready']:.1f} s")
        cluster.clients("warm", 3).wait()
        groups = {"web": hosts.WEB_HOSTS, "worker": hosts.WORKER_HOSTS, "db": ("db",),
                  "lb": ("lb",)}  # fmt: skip
        before_cpu = {g: sum(cpu_seconds(cluster, h) for h in hs) for g, hs in groups.items()}
        before_size = sizes(cluster)
        before_n = cluster.query("SELECT count(*) FROM competition_submission")[0][0]
        started = time.monotonic()
        attempts = cluster.clients("bench", args.seconds).wait()
        while cluster.query("SELECT count(*) FROM competition_submission WHERE status <> 'scored'")[
            0
        ][0]:
            time.sleep(0.2)
        wall = time.monotonic() - started
        cpu = {g: sum(cpu_seconds(cluster, h) for h in hs) - before_cpu[g]
               for g, hs in groups.items()}  # fmt: skip
        after_size = sizes(cluster)
        n = cluster.query("SELECT count(*) FROM competition_submission")[0][0] - before_n
        failed = [a for a in attempts if a["status"] not in (200, 201)]
        read, evaluate = reference(cluster)

    per_upload_web = cpu["web"] / n
    per_score_worker = cpu["worker"] / n
    print(f"{n} uploads of {args.items} pairs from {args.clients} clients in {args.seconds:g} s "
          f"(all scored after {wall:.1f} s; {len(failed)} failed requests)")  # fmt: skip
    print(f"  throughput on this machine: {n / args.seconds:.1f} uploads/s")
    print("  CPU-seconds used: " + ", ".join(f"{g} {s:.1f}" for g, s in cpu.items()))
    print(f"  web:    {1 / per_upload_web:7.1f} uploads/s per web core "
          f"({per_upload_web * 1e3:.1f} ms CPU per upload)")  # fmt: skip
    print(f"  worker: {1 / per_score_worker:7.1f} scores/s per worker core "
          f"({per_score_worker * 1e3:.1f} ms CPU per score)")  # fmt: skip
    print(f"  db:     {n / cpu['db']:7.1f} submissions/s per database core (PostgreSQL + Redis)")
    print(f"  lb:     {n / cpu['lb']:7.1f} uploads/s per nginx core")
    print("growth per 100,000 submissions (measured over this run):")
    for key in sorted(after_size, key=lambda k: before_size.get(k, 0) - after_size[k]):
        grown = (after_size[key] - before_size.get(key, 0)) / n * 100_000
        if grown >= 0.01 * 2**30:
            print(f"  {key:32s} {grown / 2**30:8.2f} GiB")
    print("reference, the same file in this process (no server, broker or database):")
    print(f"  read {read * 1e3:.2f} ms, score {evaluate * 1e3:.2f} ms")
    print(f"  ratio web CPU per upload / read:     {per_upload_web / read:.1f}x")
    print(f"  ratio worker CPU per score / score:  {per_score_worker / evaluate:.1f}x")


if __name__ == "__main__":
    main()
