"""An XACLE data set on disk, in the official layout; no Django here (the cluster tests and
the benchmarks use it from outside any Django process)."""

import numpy as np


def write_dataset(root, n_train=6, n_validation=8, n_test=8, seed=0, listeners=4):
    """A tiny XACLE_dataset folder in the official layout: silent 0.1 s wavs and random
    integer ratings. Returns the XACLE_dataset path."""
    import csv

    import soundfile

    rng = np.random.default_rng(seed)
    base = root / "XACLE_dataset"
    (base / "meta_data").mkdir(parents=True)
    number = 0
    for partition, count in [("train", n_train), ("validation", n_validation), ("test", n_test)]:
        (base / "wav" / partition).mkdir(parents=True)
        per_rating, average = [], []
        for _ in range(count):
            wav = f"{number:05d}.wav"
            text = f"A dog barks, then {number} birds sing"
            soundfile.write(base / "wav" / partition / wav, np.zeros(1600), 16000, subtype="PCM_16")
            scores = rng.integers(0, 11, size=listeners)
            for k, score in enumerate(scores):
                per_rating.append([wav, text, int(score), f"{partition[:2]}{k:03d}"])
            average.append([wav, text, float(scores.mean())])
            number += 1
        _write_csv(base / "meta_data" / f"{partition}.csv",
                   ["wav_file_name", "text", "score", "listener_id"], per_rating, csv)  # fmt: skip
        _write_csv(base / "meta_data" / f"{partition}_average.csv",
                   ["wav_file_name", "text", "average_score"], average, csv)  # fmt: skip
    return base


def _write_csv(path, header, rows, csv):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
