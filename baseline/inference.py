"""Encoding a split, predicting its scores and writing the official inference file."""

from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader
from tqdm import tqdm

from baseline.config import TrainConfig
from baseline.data import Collate, Split, SplitDataset
from baseline.model import BaselineModel, to_score_space
from scoring import write_submission

CACHE_FLOAT16_BYTES = 4 << 30  # larger audio caches (BYOL-A on the full set) are kept as fp16


def autocast(cfg: TrainConfig):
    return torch.autocast(
        device_type=cfg.device, dtype=torch.bfloat16, enabled=cfg.precision == "bf16"
    )


def split_loader(split: Split, cfg: TrainConfig, tokenize, shuffle: bool, batch_size: int):
    return DataLoader(
        SplitDataset(split, cfg.max_seconds),
        batch_size=batch_size,
        shuffle=shuffle,
        drop_last=shuffle,  # the official train loader drops the last partial batch
        num_workers=cfg.num_workers,
        pin_memory=cfg.device == "cuda",
        persistent_workers=False,
        collate_fn=Collate(tokenize),
    )


def to_device(batch: dict, device: str) -> dict:
    return {k: v.to(device, non_blocking=True) for k, v in batch.items()}


@torch.no_grad()
def encode_split(model: BaselineModel, split: Split, cfg: TrainConfig, progress: bool) -> dict:
    """Encoder outputs of every item, in split order: audio_emb (N, T, Da), text_emb (N, Dt)."""
    model.eval()
    loader = split_loader(
        split, cfg, model.text_encoder.tokenize, shuffle=False, batch_size=cfg.eval_batch_size
    )
    from baseline.official import split_norm

    audio, text, dtype = [], [], None
    with split_norm(model, split, cfg):
        for batch in tqdm(loader, desc=f"encode {split.name}", disable=not progress, leave=False):
            dtype = _encode_batch(model, batch, cfg, split, audio, text, dtype)
    return {"audio_emb": torch.cat(audio), "text_emb": torch.cat(text)}  # (N, T, Da), (N, Dt)


def _encode_batch(model, batch, cfg, split, audio: list, text: list, dtype):
    """Appends one batch's encoder outputs; returns the audio cache's dtype (float16 when the
    whole split's would pass CACHE_FLOAT16_BYTES)."""
    batch = to_device(batch, cfg.device)
    with autocast(cfg):
        audio_emb = model.encode_audio(batch["wavs"])  # (B, T, Da)
        if dtype is None:
            total_bytes = len(split) * audio_emb[0].numel() * 4
            dtype = torch.float16 if total_bytes > CACHE_FLOAT16_BYTES else torch.float32
        audio.append(audio_emb.to("cpu", dtype))
        text_emb = model.encode_text(batch["input_ids"], batch["attention_mask"])
        text.append(text_emb.float().cpu())
    return dtype


@torch.no_grad()
def batched_scores(predict, audio: torch.Tensor, text: torch.Tensor, cfg: TrainConfig):
    """Scores (N,) in the 0..10 space, not clipped: predict(audio, text) over batches of
    eval_batch_size, in order."""
    out = []
    for start in range(0, text.shape[0], cfg.eval_batch_size):
        part = slice(start, start + cfg.eval_batch_size)
        a = audio[part].to(cfg.device, non_blocking=True).float()
        t = text[part].to(cfg.device, non_blocking=True)
        with autocast(cfg):
            out.append(predict(a, t).float().cpu())
    return to_score_space(torch.cat(out)).double().numpy()


def predict_features(model: BaselineModel, feats: dict, cfg: TrainConfig) -> np.ndarray:
    """Scores (N,) from the 2026 model's encoder outputs."""
    model.eval()
    return batched_scores(model.predict, feats["audio_emb"], feats["text_emb"], cfg)


def predict_split(model: BaselineModel, split: Split, cfg: TrainConfig, progress: bool = False):
    return predict_features(model, encode_split(model, split, cfg, progress), cfg)


def inference_file(run: Path, split: str) -> Path:
    return run / f"inference_result_for_{split}.csv"


def write_predictions(dest: Path, ids: list[str], preds: np.ndarray, rounding: str = "2") -> None:
    """The official baseline's format: header wav_file_name,pred_score; every id; not clipped;
    rounded to 2 decimals as the official inference, unless rounding is "none"."""
    from baseline.official import round_predictions

    write_submission(dest, ids, round_predictions(preds, rounding), score_column="pred_score")
