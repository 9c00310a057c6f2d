"""Building the model from a config, and checkpoints that carry everything needed to resume:
model arguments, the resolved config, the epoch, optimizer and scheduler state, the seed, the
best validation SRCC and the random number generator states."""

import random
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from baseline.config import TrainConfig
from baseline.encoders import build_audio_encoder
from baseline.encoders.text import TextEncoder
from baseline.encoders.weights import load_state_strictly, torch_load
from baseline.errors import BaselineError
from baseline.model import BaselineModel, PredictorArgs

AUDIO_DIMS = {"aisfx": 512, "byola": 3072}
TEXT_FILES = "text_encoder"  # tokenizer and config, kept in the run folder


def build_model(cfg: TrainConfig, pretrained: bool, text_source: str | None = None):
    """The model a config describes. pretrained=False gives random weights (for --no-pretrained,
    and before a checkpoint's weights are loaded)."""
    if "m2d-clap" in (cfg.audio_encoder, cfg.text_encoder):
        raise BaselineError("m2d-clap gives clip embeddings: use it with --recipe xacle2027 or "
                            "python -m baseline.svr")  # fmt: skip
    if cfg.audio_encoder not in AUDIO_DIMS:
        raise BaselineError(f"unknown audio encoder {cfg.audio_encoder!r}")
    text = TextEncoder(text_source or cfg.text_encoder, cfg.text_pooling, pretrained=pretrained)
    audio = None
    if not cfg.text_only:
        audio = build_audio_encoder(cfg.audio_encoder, pretrained, cfg.checkpoint or None)
    args = PredictorArgs(
        audio_dim=AUDIO_DIMS[cfg.audio_encoder],
        text_dim=text.out_dim,
        rnn_hidden=cfg.rnn_hidden,
        proj_hidden=cfg.proj_hidden,
    )
    return BaselineModel(args, audio, text, text_only=cfg.text_only)


def rng_state() -> dict:
    kind, keys, pos, has_gauss, gauss = np.random.get_state()
    return {
        "torch": torch.get_rng_state(),
        "numpy": [kind, keys.tolist(), pos, has_gauss, gauss],
        "python": random.getstate(),
    }


def set_rng_state(state: dict) -> None:
    torch.set_rng_state(state["torch"])
    kind, keys, pos, has_gauss, gauss = state["numpy"]
    np.random.set_state((kind, np.array(keys, dtype=np.uint32), pos, has_gauss, gauss))
    version, internal, gauss_next = state["python"]
    random.setstate((version, tuple(internal), gauss_next))


def save_checkpoint(path: Path, model, cfg: TrainConfig, **state) -> None:
    payload = {
        "config": asdict(cfg),
        "model_args": asdict(model.args),
        "seed": cfg.seed,
        "model": model.state_dict(),
        "rng": rng_state(),
        **state,
    }
    tmp = path.with_suffix(".tmp")
    torch.save(payload, tmp)
    tmp.replace(path)  # never leave a half-written checkpoint behind


def read_checkpoint(path: Path) -> dict:
    ckpt = torch_load(path, "checkpoint", weights_only=True)
    if not isinstance(ckpt, dict) or not {"config", "model", "model_args"} <= set(ckpt):
        raise BaselineError(f"{path} is not a baseline checkpoint")
    return ckpt


def load_run_model(run: Path, which: str = "best.pt"):
    """The model and config of a run folder, from its checkpoint alone."""
    ckpt = read_checkpoint(run / which)
    cfg = TrainConfig(**ckpt["config"])
    if "norm" not in ckpt["config"]:
        cfg.norm = "fitted"  # runs from before the official per-split normalisation
    text_files = run / TEXT_FILES
    if not text_files.is_dir():
        raise BaselineError(f"{run} has no {TEXT_FILES}/ folder (tokenizer and config)")
    model = build_model(cfg, pretrained=False, text_source=str(text_files))
    load_state_strictly(model, ckpt["model"], f"checkpoint {run / which}")
    return model, cfg, ckpt


def read_config_json(run: Path, which: str = "best.pt") -> dict:
    """A run's resolved config: config.json, or the checkpoint's copy."""
    path = run / "config.json"
    if path.is_file():
        import json

        return json.loads(path.read_text())
    ckpt = torch_load(run / which, "checkpoint", weights_only=True)
    if not isinstance(ckpt, dict) or "config" not in ckpt:
        raise BaselineError(f"{run / which} is not a baseline checkpoint")
    return ckpt["config"]
