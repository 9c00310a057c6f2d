"""Shared set-up for the benchmarks that need Django: a fresh PostgreSQL database of their
own, and a phase of N items with means, made directly in the database."""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/14")


def setup_django(database: str, var_dir: str) -> dict:
    """Point this process at a fresh database `database`, migrated; return the environment
    a worker process needs to share it."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    env = dict(
        os.environ,
        DATABASE_URL=f"{PG}/{database}",
        CELERY_BROKER_URL=REDIS,
        VAR_DIR=var_dir,
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="WARNING",
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


def make_phase(n_items: int, seed: int = 0):
    """A competition whose validation phase has n_items items with XACLE-like means."""
    import numpy as np

    from competition.models import Competition, Item, Phase, Split

    rng = np.random.default_rng(seed)
    competition = Competition.objects.create(slug=f"bench-{seed}", title="bench")
    means = rng.integers(0, 11, size=(n_items, 4)).mean(axis=1)
    items = Item.objects.bulk_create(
        Item(
            competition=competition,
            wav_file_name=f"{i:05d}.wav",
            text=f"caption {i}",
            audio_path=f"wav/validation/{i:05d}.wav",
            partition=Item.VALIDATION,
            mean_score=float(mean),
            n_ratings=4,
        )
        for i, mean in enumerate(means)
    )
    phase = Phase.objects.create(competition=competition, kind=Phase.VALIDATION)
    Split.objects.create(phase=phase, name="all").items.set(items)
    return phase, means


def submission_csv(phase, predictions) -> bytes:
    ids = list(phase.items().values_list("wav_file_name", flat=True))
    rows = "".join(f"{wav},{value:.4f}\n" for wav, value in zip(ids, predictions, strict=True))
    return ("wav_file_name,prediction_score\n" + rows).encode()


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    """A real `celery -A config worker`, returned once it answers a ping."""
    from config.celery import app

    app.control.purge()
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-c", "1", "-l", "warning",
         "-n", "bench@%h", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(timeout=0.5):
            return process
    process.kill()
    raise SystemExit(f"the worker did not start; see {log}")


def percentile(values, q: float) -> float:
    import numpy as np

    return float(np.percentile(np.asarray(values), q))
