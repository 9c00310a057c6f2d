"""Frozen clip embeddings of a split, one vector per clip and per caption, cached on disk so that
the 2027 recipe, its controls and the SVR reference compute each encoder's pass only once.

An entry's key is a hash of everything its vectors depend on: the encoder and its weights file
(path, size, modification time), whether it is pretrained (and the seed when it is not), the
clip length, the split's ids and captions and its wav files' sizes and times.
"""

import hashlib
import json
import logging
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader
from tqdm import tqdm

from baseline.config import TrainConfig
from baseline.data import Collate, Split, SplitDataset
from baseline.errors import BaselineError
from baseline.inference import autocast, to_device

log = logging.getLogger("baseline")
M2D = "m2d-clap"
AUDIO_DIMS = {"aisfx": 512, "byola": 3072}


def default_cache_dir(out: str) -> Path:
    return Path(out).resolve().parent / ".embedding_cache"


def file_stamp(path: str | Path | None) -> list | None:
    if not path:
        return None
    path = Path(path)
    if not path.exists():
        return [str(path)]
    st = path.stat()
    return [str(path.resolve()), st.st_size, st.st_mtime_ns]


class ClipEncoders(torch.nn.Module):
    """Audio (B, N) -> (B, Da) and captions -> (B, Dt): the frame encoders of the 2026 recipe
    averaged over time, or M2D-CLAP's own clip embeddings."""

    def __init__(self, cfg: TrainConfig):
        super().__init__()
        self.cfg = cfg
        torch.manual_seed(cfg.seed)  # random-init controls repeat with the seed
        m2d_audio, m2d_text = cfg.audio_encoder == M2D, cfg.text_encoder == M2D
        if m2d_audio != m2d_text:
            raise BaselineError("m2d-clap is one model: give it as both --audio-encoder and "
                                "--text-encoder")  # fmt: skip
        self.m2d = None
        self.audio = self.text = None
        if m2d_audio:
            self.m2d = build_m2d(cfg)
            self.audio_dim, self.text_dim = self.m2d.audio_dim, self.m2d.text_dim
            self.tokenize = self.m2d.tokenize
        else:
            from baseline.encoders import build_audio_encoder
            from baseline.encoders.text import TextEncoder

            if cfg.audio_encoder not in AUDIO_DIMS:
                raise BaselineError(f"unknown audio encoder {cfg.audio_encoder!r}")
            if not cfg.text_only:
                self.audio = build_audio_encoder(
                    cfg.audio_encoder, cfg.pretrained, cfg.checkpoint or None
                )
            self.text = TextEncoder(cfg.text_encoder, cfg.text_pooling, pretrained=cfg.pretrained)
            self.audio_dim, self.text_dim = AUDIO_DIMS[cfg.audio_encoder], self.text.out_dim
            self.tokenize = self.text.tokenize
        self.requires_grad_(False).eval()

    def encode_audio(self, wavs: torch.Tensor) -> torch.Tensor:
        if self.m2d is not None:
            return self.m2d.encode_audio(wavs)
        return self.audio(wavs).mean(dim=1)  # (B, T, Da) -> (B, Da)

    def encode_text(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        if self.m2d is not None:
            return self.m2d.encode_text(input_ids, attention_mask)
        return self.text(input_ids, attention_mask)

    def identity(self, kind: str) -> dict:
        cfg = self.cfg
        ident = {"kind": kind, "pretrained": cfg.pretrained, "seed": None}
        if not cfg.pretrained:
            ident["seed"] = cfg.seed
        if self.m2d is not None:
            ident.update(model=M2D, weights=file_stamp(cfg.checkpoint), code=file_stamp(
                cfg.m2d_code), tokenizer=cfg.m2d_tokenizer)  # fmt: skip
        elif kind == "audio":
            ident.update(model=cfg.audio_encoder, weights=file_stamp(cfg.checkpoint))
        else:
            from baseline.encoders.text import resolve_text_encoder

            ident.update(model=resolve_text_encoder(cfg.text_encoder), pooling=cfg.text_pooling)
        return ident


def build_m2d(cfg: TrainConfig):
    if cfg.m2d_code:
        from baseline.encoders.m2d_runtime import PortableRuntime

        if not cfg.checkpoint:
            raise BaselineError("--m2d-code needs --checkpoint PATH/checkpoint-30.pth")
        return PortableRuntime(cfg.m2d_code, cfg.checkpoint)
    from baseline.encoders.m2d import load_m2d_clap, random_m2d_clap

    if not cfg.pretrained:
        return random_m2d_clap(cfg.m2d_tokenizer)
    if not cfg.checkpoint:
        raise BaselineError(
            "--audio-encoder m2d-clap needs --checkpoint PATH/m2d_clap_vit_base-80x1001p16x16"
            "p16kpBpTI-2025/checkpoint-30.pth (or --no-pretrained for random weights)"
        )
    return load_m2d_clap(cfg.checkpoint, cfg.m2d_tokenizer)


def split_stamp(split: Split, cfg: TrainConfig) -> dict:
    wavs = []
    for name in split.ids:
        path = split.wav_dir / name
        st = path.stat() if path.is_file() else None
        wavs.append([name, st.st_size, st.st_mtime_ns] if st else [name])
    digest = hashlib.sha256(json.dumps([wavs, split.texts]).encode()).hexdigest()
    return {"wav_dir": str(split.wav_dir.resolve()), "items": digest, "seconds": cfg.max_seconds}


def cache_path(cache_dir: Path, ident: dict, split: Split, cfg: TrainConfig) -> Path:
    key = json.dumps({**ident, **split_stamp(split, cfg)}, sort_keys=True)
    return cache_dir / f"{ident['kind']}-{hashlib.sha256(key.encode()).hexdigest()[:24]}.pt"


@torch.no_grad()
def _encode(encoders: ClipEncoders, split: Split, cfg: TrainConfig, kind: str, progress: bool):
    loader = DataLoader(
        SplitDataset(split, cfg.max_seconds),
        batch_size=cfg.eval_batch_size,
        shuffle=False,
        num_workers=cfg.num_workers,
        collate_fn=Collate(encoders.tokenize),
    )
    out = []
    for batch in tqdm(loader, desc=f"{kind} {split.name}", disable=not progress, leave=False):
        batch = to_device(batch, cfg.device)
        with autocast(cfg):
            if kind == "audio":
                out.append(encoders.encode_audio(batch["wavs"]).float().cpu())
            else:
                emb = encoders.encode_text(batch["input_ids"], batch["attention_mask"])
                out.append(emb.float().cpu())
    return torch.cat(out)  # (N, D)


def split_embeddings(
    encoders: ClipEncoders, split: Split, cfg: TrainConfig, cache_dir: Path, progress=False
) -> dict:
    """{"audio": (N, Da), "text": (N, Dt)} float32, from the cache or computed and cached.
    With --text-only the audio vectors are zeros."""
    encoders.to(cfg.device)
    result = {}
    for kind in ("audio", "text"):
        if kind == "audio" and cfg.text_only:
            result[kind] = torch.zeros(len(split), encoders.audio_dim)
            continue
        path = cache_path(cache_dir, encoders.identity(kind), split, cfg)
        if path.is_file():
            result[kind] = torch.load(path, weights_only=True)
            log.info("%s embeddings of %s from %s", kind, split.name, path)
            continue
        emb = _encode(encoders, split, cfg, kind, progress)
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        torch.save(emb, tmp)
        tmp.replace(path)
        log.info("%s embeddings of %s: %s, cached in %s", kind, split.name, tuple(emb.shape), path)
        result[kind] = emb
    return result


def as_numpy(feats: dict) -> tuple[np.ndarray, np.ndarray]:
    return feats["audio"].double().numpy(), feats["text"].double().numpy()
