"""Fuzz the submission reader: seeded near-miss files, each accepted, refused or crashed.

    .venv/bin/python bench/fuzz.py [--files 100000] [--seed 12]

A file is accepted (finite predictions, one per item), refused (a SubmissionError whose
messages are short) or crashed (any other exception, or a refusal without messages or
with an echo longer than the cut). The reader must never crash: the script exits 1 if one
did and prints the first few crashing files (as Python bytes literals) to reproduce them.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.hostile import mutate, valid_text  # noqa: E402
from scoring import SubmissionError, SubmissionReader  # noqa: E402

# The longest message: a summary naming five ids (each echoed at most 100 characters).
MAX_MESSAGE = 1200


def outcome(reader: SubmissionReader, data: bytes) -> str:
    try:
        predictions = reader.read(data)
    except SubmissionError as error:
        messages = error.messages()
        if not messages or any(len(m) > MAX_MESSAGE for m in messages):
            return "crashed"
        return "refused"
    n = len(reader.expected_ids)
    if predictions.shape != (n,) or not np.isfinite(predictions).all():
        return "crashed"
    return "accepted"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    ids = [f"{i:05d}.wav" for i in range(10500, 10520)]
    reader = SubmissionReader(ids, "test", {"validation": ["07500.wav"]})
    counts = {"accepted": 0, "refused": 0, "crashed": 0}
    crashes: list[tuple[bytes, str]] = []
    start = time.perf_counter()
    for _ in range(args.files):
        data = mutate(valid_text(ids, rng), rng)
        try:
            result = outcome(reader, data)
        except Exception:
            result = "crashed"
            crashes.append((data, traceback.format_exc(limit=3)))
        else:
            if result == "crashed":
                crashes.append((data, "a bad refusal or bad predictions"))
        counts[result] += 1
    spent = time.perf_counter() - start
    print(
        f"fuzzed {args.files:,} files (seed {args.seed}) in {spent:.1f} s: "
        f"accepted={counts['accepted']:,} refused={counts['refused']:,} "
        f"crashed={counts['crashed']:,}"
    )
    for data, why in crashes[:5]:
        print(f"\n{data[:300]!r}\n{why}")
    return 1 if counts["crashed"] else 0


if __name__ == "__main__":
    sys.exit(main())
