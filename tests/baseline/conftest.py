"""Fixtures: a tiny XACLE-layout data set of noise clips, and a tiny random text encoder saved
to a folder, so that trainer tests run in seconds and offline."""

import csv
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch
import transformers  # noqa: F401

SR = 16000
WORDS = ["a", "dog", "barks", "bird", "sings", "rain", "falls", "car", "passes", "loudly"]


def write_split(root: Path, split: str, first_id: int, n: int, rng, with_truth: bool = True):
    wav_dir = root / "wav" / split
    wav_dir.mkdir(parents=True)
    rows = []
    for k in range(n):
        name = f"{first_id + k:05d}.wav"
        # Louder clips get higher scores, so there is something to learn.
        gain = 0.05 + 0.9 * k / max(n - 1, 1)
        sf.write(wav_dir / name, gain * rng.standard_normal(SR // 2).clip(-1, 1), SR, "PCM_16")
        text = " ".join(rng.choice(WORDS, size=4))
        rows.append([name, text, round(10 * k / max(n - 1, 1), 3)])
    meta = root / "meta_data"
    meta.mkdir(exist_ok=True)
    with (meta / f"{split}_average.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["wav_file_name", "text", "average_score"])
        w.writerows(rows)
    with (meta / f"{split}.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["wav_file_name", "text"])
        w.writerows(r[:2] for r in rows)
    if not with_truth:
        (meta / f"{split}_average.csv").unlink()


def make_dataset(root: Path, test_truth: bool = False) -> Path:
    rng = np.random.default_rng(0)
    root = root / "XACLE_dataset"
    write_split(root, "train", 0, 16, rng)
    write_split(root, "validation", 100, 8, rng)
    write_split(root, "test", 200, 6, rng, with_truth=test_truth)
    return root


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory) -> Path:
    """Train 16, validation 8, test 6 (test.csv only, as before the ground truth release)."""
    return make_dataset(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def tiny_text_encoder(tmp_path_factory) -> Path:
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder = tmp_path_factory.mktemp("tiny_bert")
    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n")
    BertTokenizerFast(vocab_file=str(vocab)).save_pretrained(folder)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(WORDS) + 5,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=32,
    )
    BertModel(config).save_pretrained(folder)
    return folder


@pytest.fixture
def tiny_args(tiny_data, tiny_text_encoder, tmp_path):
    """Trainer options for a run that takes a few seconds (frozen encoders unless tuned=True)."""

    def args(name: str = "run", *extra: str, tuned: bool = False) -> list[str]:
        frozen = [] if tuned else ["--freeze-encoders"]
        return [*frozen,
            "--data", str(tiny_data), "--out", str(tmp_path / name),
            "--text-encoder", str(tiny_text_encoder), "--max-seconds", "0.5",
            "--rnn-hidden", "8", "--proj-hidden", "16", "--batch-size", "4",
            "--epochs", "1", "--lr", "1e-3", "--device", "cpu", *extra,
        ]  # fmt: skip

    return args
