"""Speed of the paired bootstrap (scoring.stats) at the issue's size: 1,000 resamples of
50 systems x 3,000 pairs, beside a plain loop over scipy in the same run.

    .venv/bin/python bench/stats.py [--resamples 1000] [--systems 50] [--items 3000]

The plain loop (scipy.stats.spearmanr on each resampled index vector) is timed on a few
resamples and scaled up to the full count; both use the same draws. Target: the
vectorised bootstrap in at most 5 s on this machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import scipy.stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring import stats  # noqa: E402

BUDGET_SECONDS = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--systems", type=int, default=50)
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--loop-resamples", type=int, default=10, help="timed for the loop")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    # Means of 4 ratings on a 0-10 scale: heavy ties, as in XACLE.
    truth = rng.integers(0, 41, args.items) / 4.0
    preds = np.round(truth + rng.normal(0, 2.5, (args.systems, args.items)), 3)

    start = time.perf_counter()
    boot = stats.paired_bootstrap(truth, preds, args.resamples, seed=1)
    groups = boot.groups(list(np.argsort(-boot.srcc)))
    vectorised = time.perf_counter() - start

    idx = stats.resample_indices(args.items, args.resamples, seed=1)
    loop_n = min(args.loop_resamples, args.resamples)
    start = time.perf_counter()
    for b in range(loop_n):
        for s in range(args.systems):
            reference = scipy.stats.spearmanr(truth[idx[b]], preds[s][idx[b]])[0]
            assert abs(reference - boot.samples[b, s]) < 1e-9
    loop = (time.perf_counter() - start) * args.resamples / loop_n

    print(
        f"paired bootstrap: {args.resamples} resamples x {args.systems} systems x "
        f"{args.items} pairs"
    )
    print(f"  vectorised (with win matrix and groups): {vectorised:8.2f} s")
    print(f"  plain scipy loop (from {loop_n} resamples):  {loop:8.2f} s")
    print(f"  ratio loop / vectorised: {loop / vectorised:.1f}x")
    print(f"  budget {BUDGET_SECONDS:.0f} s: {'met' if vectorised <= BUDGET_SECONDS else 'MISSED'}")
    print(f"  leader's group: {groups.count(1)} systems")


if __name__ == "__main__":
    main()
