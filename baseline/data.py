"""The XACLE data set on disk: meta_data/<split>_average.csv (or test.csv before the ground truth
was released) and wav/<split>/NNNNN.wav, 16 kHz mono."""

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
import torch
from torch.utils.data import Dataset

from baseline.errors import BaselineError
from baseline.losses import class_counts
from scoring import TruthError, read_truth

SAMPLE_RATE = 16000
SPLITS = ("train", "validation", "test")


@dataclass
class Split:
    name: str
    wav_dir: Path
    ids: list[str]
    texts: list[str]
    scores: np.ndarray | None  # mean listener scores, None where the split has no ground truth
    norm_stats: tuple[float, float] | None = None  # BYOL-A's official per-split normalisation

    def __len__(self) -> int:
        return len(self.ids)


def dataset_root(path: str | Path) -> Path:
    """The folder holding meta_data/ and wav/: PATH itself or PATH/XACLE_dataset."""
    path = Path(path)
    for root in (path, path / "XACLE_dataset"):
        if (root / "meta_data").is_dir():
            return root
    if not path.exists():
        raise BaselineError(f"data folder not found: {path}")
    raise BaselineError(f"{path} has no meta_data/ folder (expected the XACLE_dataset layout)")


def _read_unscored(path: Path) -> tuple[list[str], list[str]]:
    """Ids and captions of a list without ground truth (test.csv during the challenge)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise BaselineError(f"cannot read {path}: {exc}")
    if not rows or not {"wav_file_name", "text"} <= set(rows[0]):
        raise BaselineError(f"{path} needs the columns wav_file_name,text and at least one row")
    return [r["wav_file_name"].strip() for r in rows], [r["text"] for r in rows]


def load_split(data: str | Path, split: str, need_scores: bool = True) -> Split:
    """Reads a split's list. Without need_scores, test may come from test.csv (no ground truth)."""
    root = dataset_root(data)
    meta = root / "meta_data"
    average = meta / f"{split}_average.csv"
    if average.is_file():
        try:
            truth = read_truth(average)
        except TruthError as exc:
            raise BaselineError(str(exc))
        ids, texts, scores = truth.ids, truth.texts, truth.means
    elif not need_scores and (meta / f"{split}.csv").is_file():
        (ids, texts), scores = _read_unscored(meta / f"{split}.csv"), None
    else:
        raise BaselineError(f"missing {average}")
    wav_dir = root / "wav" / split
    if not wav_dir.is_dir():
        raise BaselineError(f"missing wav folder {wav_dir}")
    if len(set(ids)) != len(ids):
        raise BaselineError(f"{average.parent}: {split} lists a wav_file_name twice")
    return Split(split, wav_dir, ids, texts, scores)


def has_split(data: str | Path, split: str) -> bool:
    meta = dataset_root(data) / "meta_data"
    return (meta / f"{split}_average.csv").is_file() or (meta / f"{split}.csv").is_file()


def read_wav(path: Path, n_samples: int | None) -> np.ndarray:
    """A 16 kHz mono wav as float32, zero-padded or cut to n_samples (the official collate);
    n_samples None: the whole file."""
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, OSError) as exc:
        if not path.is_file():
            raise BaselineError(f"missing wav file {path}")
        raise BaselineError(f"cannot read wav {path}: {exc}")
    if info.samplerate != SAMPLE_RATE or info.channels != 1:
        raise BaselineError(
            f"{path}: expected a {SAMPLE_RATE} Hz mono wav, got {info.samplerate} Hz with "
            f"{info.channels} channels"
        )
    frames = -1 if n_samples is None else n_samples
    wav, _ = sf.read(str(path), dtype="float32", frames=frames, always_2d=False)
    if n_samples is None:
        return wav
    out = np.zeros(n_samples, dtype=np.float32)
    out[: len(wav)] = wav
    return out


class SplitDataset(Dataset):
    """Items of a split: index, waveform (N,), caption, scaled score, num_class."""

    def __init__(self, split: Split, max_seconds: float):
        self.split = split
        self.n_samples = int(max_seconds * SAMPLE_RATE)
        scores = split.scores if split.scores is not None else np.full(len(split), 5.0)
        self.scaled = ((scores - 5.0) / 5.0).astype(np.float32)
        self.num_class = class_counts(scores)

    def __len__(self) -> int:
        return len(self.split)

    def __getitem__(self, i: int) -> dict:
        wav = read_wav(self.split.wav_dir / self.split.ids[i], self.n_samples)
        return {
            "index": i,
            "wav": torch.from_numpy(wav),
            "text": self.split.texts[i],
            "score": float(self.scaled[i]),
            "num_class": int(self.num_class[i]),
        }


class Collate:
    """Stacks items into a batch; tokenises captions when a tokenizer is given."""

    def __init__(self, tokenize=None):
        self.tokenize = tokenize

    def __call__(self, items: list[dict]) -> dict:
        batch = {
            "index": torch.tensor([it["index"] for it in items]),
            "wavs": torch.stack([it["wav"] for it in items]),  # (B, N)
            "scores": torch.tensor([it["score"] for it in items]),  # (B,)
            "num_class": torch.tensor([it["num_class"] for it in items]),  # (B,)
        }
        if self.tokenize is not None:
            batch.update(self.tokenize([it["text"] for it in items]))
        return batch
