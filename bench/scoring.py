"""Speed of the scoring core on one XACLE-sized phase (3,000 items), side by side in one run.

    .venv/bin/python bench/scoring.py

Prints medians and two ratios: `prepare(truth).evaluate(pred)` against scipy's
spearmanr + pearsonr + kendalltau + a NumPy MSE (target: at least 5x faster), and
`read_submission` of a 3,000-row file against a bare `pandas.read_csv` (target: at most
1.5x); then, for each hostile shape of bench/hostile.py at the upload limit, the time and the
tracemalloc peak of reading it (budget: 1 s and 64 MB each).
"""

from __future__ import annotations

import io
import statistics
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.hostile import shapes  # noqa: E402
from scoring import (  # noqa: E402
    DEFAULT_MAX_BYTES,
    SubmissionError,
    SubmissionReader,
    prepare,
    read_submission,
    write_submission,
)

N = 3000
REPEATS = 300


def median_seconds(
    first: Callable[[], object], second: Callable[[], object], repeats: int = REPEATS
) -> tuple[float, float]:
    """Median time per call of each function, measured in alternating blocks of calls so both
    see the same machine load, each block warm as a worker scoring a queue is."""
    first(), second()  # warm up
    times: tuple[list[float], list[float]] = ([], [])
    block = 10
    for _ in range(repeats // block):
        for fn, spent in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            for _ in range(block):
                fn()
            spent.append((time.perf_counter() - start) / block)
    return statistics.median(times[0]), statistics.median(times[1])


def scipy_scores(truth: np.ndarray, pred: np.ndarray) -> tuple[float, ...]:
    return (
        scipy.stats.spearmanr(truth, pred).statistic,
        scipy.stats.pearsonr(truth, pred).statistic,
        scipy.stats.kendalltau(truth, pred, variant="b").statistic,
        float(np.mean((truth - pred) ** 2)),
    )


def main() -> None:
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(0)
    # Truth: means of 4 integer ratings 0..10 (41 possible values); predictions to 2 decimals.
    truth = rng.integers(0, 11, size=(N, 4)).mean(axis=1)
    pred = np.round(truth + rng.normal(0.0, 2.0, N), 2)
    prepared = prepare(truth)

    ours, theirs = median_seconds(
        lambda: prepared.evaluate(pred), lambda: scipy_scores(truth, pred)
    )
    print(f"metrics, N={N}:")
    print(f"  prepare(truth).evaluate(pred)           {ours * 1e6:9.1f} us")
    print(f"  scipy spearmanr+pearsonr+kendalltau+MSE {theirs * 1e6:9.1f} us")
    print(f"  speed-up: {theirs / ours:.1f}x (target >= 5x)")

    ids = [f"{i:05d}.wav" for i in range(10500, 10500 + N)]
    buffer = io.StringIO()
    order = rng.permutation(N)
    write_submission(buffer, [ids[i] for i in order], pred[order])
    data = buffer.getvalue().encode()

    reading, pandas = median_seconds(
        lambda: read_submission(data, ids), lambda: pd.read_csv(io.BytesIO(data)), 200
    )
    print(f"reading a {N}-row submission ({len(data) / 1000:.0f} kB):")
    print(f"  read_submission (all checks)            {reading * 1e3:9.2f} ms")
    print(f"  pandas.read_csv (no checks)             {pandas * 1e3:9.2f} ms")
    print(f"  ratio: {reading / pandas:.2f}x (target <= 1.5x)")

    reader = SubmissionReader(ids, "test")
    print(f"hostile files of {DEFAULT_MAX_BYTES / 2**20:.0f} MiB against {N} items:")
    worst_time = worst_memory = 0.0
    for name, build in shapes(ids, DEFAULT_MAX_BYTES).items():
        data = build()
        start = time.perf_counter()
        outcome = _read(reader, data)
        spent = time.perf_counter() - start
        tracemalloc.start()
        _read(reader, data)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        worst_time, worst_memory = max(worst_time, spent), max(worst_memory, peak)
        print(f"  {name:28} {spent * 1e3:7.1f} ms {peak:6.1f} MiB  {outcome}")
    print(f"  worst: {worst_time:.2f} s (budget 1 s), {worst_memory:.1f} MiB (budget 64 MiB)")


def _read(reader: SubmissionReader, data: bytes) -> str:
    try:
        reader.read(data)
    except SubmissionError as error:
        return f"refused ({len(str(error)):,} characters)"
    return "accepted"


if __name__ == "__main__":
    main()
