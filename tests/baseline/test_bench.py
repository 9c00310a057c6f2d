"""bench/baseline_gpu.sh runs (here in its CPU smoke mode) without data, soundfile or Django:
the 2026 modes and the 2027 recipe's (M2D-CLAP embedding extraction, head training)."""

import subprocess
import sys
from pathlib import Path

import torch  # noqa: F401
import transformers  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


def test_the_gpu_bench_runs_its_cpu_smoke_mode():
    done = subprocess.run(
        [str(ROOT / "bench" / "baseline_gpu.sh"), "--device", "cpu", "--steps", "1", "--tiny"],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHON": sys.executable, "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    for mode in ("predictor", "frozen", "finetune", "m2d-embed", "head2027"):
        assert f"{mode}:" in done.stdout
    assert "clips/s" in done.stdout and "epoch of 7500 clips" in done.stdout
    assert "imported soundfile/django/scoring: no" in done.stdout
