"""python -m baseline.train --data PATH/XACLE_dataset --out runs/NAME [options]

Trains the official XACLE baseline on train, keeps the checkpoint with the best validation SRCC
(early stopping after --patience epochs without one), and writes into the run folder:
config.json, train.log, metrics.jsonl, best.pt, last.pt, inference_result_for_validation.csv and
inference_result_for_test.csv.
"""

import json
import logging
import random
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from baseline.checkpoint import (
    TEXT_FILES,
    build_model,
    read_checkpoint,
    save_checkpoint,
    set_rng_state,
)
from baseline.config import TrainConfig, parse_config
from baseline.data import SAMPLE_RATE, has_split, load_split, read_wav
from baseline.errors import BaselineError, run_cli
from baseline.inference import (
    autocast,
    encode_split,
    predict_features,
    split_loader,
    to_device,
)
from baseline.losses import baseline_loss, class_counts, per_item_loss
from baseline.official import split_stats, uses_split_norm

log = logging.getLogger("baseline")


def setup_logging(run: Path) -> None:
    log.handlers.clear()
    log.setLevel(logging.INFO)
    log.propagate = False
    fmt = logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S")
    for handler in (logging.FileHandler(run / "train.log"), logging.StreamHandler(sys.stderr)):
        handler.setFormatter(fmt)
        log.addHandler(handler)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def prepare_run(cfg: TrainConfig) -> tuple[TrainConfig, dict | None]:
    """The run folder and, with --resume, the saved config and last checkpoint."""
    run = Path(cfg.out)
    if cfg.resume:
        ckpt = read_checkpoint(run / "last.pt")
        saved = TrainConfig(**ckpt["config"])
        # A resumed run keeps its config; only how long and where it runs may change.
        for key in ("epochs", "device", "precision", "num_workers", "data"):
            setattr(saved, key, getattr(cfg, key))
        saved.resume = True
        return saved.resolved(), ckpt
    if (run / "config.json").exists():
        raise BaselineError(f"{run} already holds a run: pass --resume, or choose another --out")
    run.mkdir(parents=True, exist_ok=True)
    return cfg.resolved(), None


@torch.no_grad()
def fit_byola_norm(model, train, cfg: TrainConfig) -> None:
    """--norm fitted (a deviation): one normalisation fitted on --norm-clips training clips with
    the features' own front end, used for every split."""
    rng = np.random.default_rng(cfg.seed)
    picks = rng.choice(len(train), size=min(cfg.norm_clips, len(train)), replace=False)
    n = int(cfg.max_seconds * SAMPLE_RATE)
    wavs = (torch.from_numpy(read_wav(train.wav_dir / train.ids[i], n)) for i in picks)
    lms = [model.audio_encoder.logmel(wav[None]) for wav in wavs]  # (1, 64, T) each
    model.audio_encoder.fit_norm(lms)
    log.info(
        "BYOL-A log-mel normalisation from %d clips: mean %.4f std %.4f",
        len(picks),
        model.audio_encoder.norm_mean.item(),
        model.audio_encoder.norm_std.item(),
    )


def cached_batches(feats: dict, scores: torch.Tensor, num_class: torch.Tensor, batch_size: int):
    """Shuffled batches of cached encoder outputs, dropping the last partial batch."""
    order = torch.randperm(len(scores))
    for start in range(0, len(order) - batch_size + 1, batch_size):
        idx = order[start : start + batch_size]
        yield {
            "audio_emb": feats["audio_emb"][idx].float(),  # (B, T, Da)
            "text_emb": feats["text_emb"][idx],  # (B, Dt)
            "scores": scores[idx],  # (B,)
            "num_class": num_class[idx],  # (B,)
        }


def evaluate(model, feats: dict, split, cfg: TrainConfig) -> dict:
    """Validation metrics. The loss is the official one at validation batch size 1."""
    from scoring import evaluate as score

    preds = predict_features(model, feats, cfg)  # (N,) 0..10
    if not np.isfinite(preds).all():
        raise BaselineError("the model predicts non-finite scores: lower --lr")
    scaled_pred = torch.from_numpy((preds - 5.0) / 5.0)
    scaled_gt = torch.from_numpy((split.scores - 5.0) / 5.0)
    result = score(split.scores, preds)
    srcc = float("-inf") if result.constant_prediction else result.srcc
    return {
        "val_loss": per_item_loss(scaled_pred, scaled_gt).mean().item(),
        "srcc": srcc,
        "lcc": result.lcc,
        "ktau": result.ktau,
        "mse": result.mse,
        "preds": preds,
    }


def train(cfg: TrainConfig) -> Path:
    cfg, resume_ckpt = prepare_run(cfg)
    run = Path(cfg.out)
    setup_logging(run)
    progress = sys.stderr.isatty()
    seed_everything(cfg.seed)
    (run / "config.json").write_text(json.dumps(asdict(cfg), indent=2) + "\n")
    log.info("config: %s", json.dumps(asdict(cfg)))
    if cfg.recipe == "xacle2027":
        from baseline.recipe2027 import train_2027

        train_2027(cfg, run, progress)
        return run

    train_split = load_split(cfg.data, "train")
    val_split = load_split(cfg.data, "validation")
    test_split = None
    if has_split(cfg.data, "test"):
        test_split = load_split(cfg.data, "test", need_scores=False)
    log.info(
        "data: %d train, %d validation, %s test",
        len(train_split),
        len(val_split),
        len(test_split) if test_split else "no",
    )

    model = build_model(cfg, pretrained=cfg.pretrained and resume_ckpt is None)
    if resume_ckpt is not None:
        model.load_state_dict(resume_ckpt["model"])
    elif uses_split_norm(model, cfg):
        stats = split_stats(train_split, cfg)
        model.audio_encoder.norm_mean.fill_(stats[0])
        model.audio_encoder.norm_std.fill_(stats[1])
        log.info("BYOL-A normalisation, official (per split): train mean %.4f std %.4f", *stats)
    elif cfg.audio_encoder == "byola" and not cfg.text_only:
        fit_byola_norm(model, train_split, cfg)
    model.text_encoder.save_files(run / TEXT_FILES)
    model.to(cfg.device)

    if cfg.freeze_encoders:
        for module in (model.audio_encoder, model.text_encoder):
            if module is not None:
                module.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    log.info(
        "model: %.1fM parameters, %.1fM trained",
        sum(p.numel() for p in model.parameters()) / 1e6,
        sum(p.numel() for p in params) / 1e6,
    )
    optimizer = torch.optim.Adam(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
        optimizer, mode="min", factor=cfg.lr_factor, patience=cfg.lr_patience
    )
    start_epoch, best_srcc, bad_epochs = 0, float("-inf"), 0
    if resume_ckpt is not None:
        optimizer.load_state_dict(resume_ckpt["optimizer"])
        scheduler.load_state_dict(resume_ckpt["scheduler"])
        start_epoch = resume_ckpt["epoch"] + 1
        best_srcc, bad_epochs = resume_ckpt["best_srcc"], resume_ckpt["bad_epochs"]

    train_scores = torch.from_numpy((train_split.scores - 5.0) / 5.0).float()
    train_classes = torch.from_numpy(class_counts(train_split.scores))
    train_feats = val_feats = None
    if cfg.freeze_encoders:
        t0 = time.time()
        train_feats = encode_split(model, train_split, cfg, progress)
        val_feats = encode_split(model, val_split, cfg, progress)
        log.info("cached frozen encoder outputs in %.1f s", time.time() - t0)
    else:
        train_loader = split_loader(
            train_split, cfg, model.text_encoder.tokenize, shuffle=True, batch_size=cfg.batch_size
        )

    if resume_ckpt is not None:
        # Restored only now, so that the epochs draw the same numbers as an unbroken run.
        set_rng_state(resume_ckpt["rng"])
        log.info("resuming at epoch %d (best SRCC %.4f)", start_epoch, best_srcc)
    epochs = tqdm(range(start_epoch, cfg.epochs), desc="epochs", disable=not progress)
    for epoch in epochs:
        t0 = time.time()
        model.train()
        if cfg.freeze_encoders:
            batches = cached_batches(train_feats, train_scores, train_classes, cfg.batch_size)
            n_batches = len(train_split) // cfg.batch_size
        else:
            batches, n_batches = train_loader, len(train_loader)
        total, count = 0.0, 0
        bar = tqdm(
            batches, total=n_batches, desc=f"epoch {epoch}", disable=not progress, leave=False
        )
        for batch in bar:
            batch = to_device(batch, cfg.device)
            with autocast(cfg):
                pred = model(batch)  # (B,) scaled
            loss = baseline_loss(pred, batch["scores"], batch["num_class"], cfg.loss_weighting)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total, count = total + loss.item(), count + 1
        if count == 0:
            raise BaselineError(f"{len(train_split)} train pairs make no batch of {cfg.batch_size}")

        feats = val_feats or encode_split(model, val_split, cfg, progress)
        val_metrics = evaluate(model, feats, val_split, cfg)
        scheduler.step(val_metrics["val_loss"])
        improved = val_metrics["srcc"] > best_srcc or not (run / "best.pt").exists()
        if improved:
            best_srcc, bad_epochs = max(best_srcc, val_metrics["srcc"]), 0
        else:
            bad_epochs += 1
        record = {
            "epoch": epoch,
            "train_loss": total / count,
            **{k: v for k, v in val_metrics.items() if k != "preds"},
            "lr": optimizer.param_groups[0]["lr"],
            "seconds": round(time.time() - t0, 2),
            "best": improved,
        }
        with (run / "metrics.jsonl").open("a") as f:
            f.write(json.dumps(record) + "\n")
        log.info(
            "epoch %d | train loss %.4f | val loss %.4f | val SRCC %.4f LCC %.4f KTAU %.4f "
            "MSE %.4f | %.1f s%s",
            epoch, record["train_loss"], record["val_loss"], record["srcc"], record["lcc"],
            record["ktau"], record["mse"], record["seconds"], " | best" if improved else "",
        )  # fmt: skip
        state = {
            "epoch": epoch,
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "best_srcc": best_srcc,
            "bad_epochs": bad_epochs,
        }
        if improved:
            save_checkpoint(run / "best.pt", model, cfg, **state)
        save_checkpoint(run / "last.pt", model, cfg, **state)
        if bad_epochs >= cfg.patience:
            log.info("early stopping: no better validation SRCC for %d epochs", cfg.patience)
            break

    write_inference_files(run, cfg, val_split, test_split, progress)
    return run


def write_inference_files(run: Path, cfg: TrainConfig, val_split, test_split, progress) -> None:
    """The best checkpoint's submissions, made exactly as `python -m baseline.predict` does."""
    from baseline.predict import predict_run

    for split in (val_split, test_split):
        if split is None:
            log.info("no test split in the data: inference_result_for_test.csv not written")
            continue
        dest = predict_run(run, split, cfg.device, progress=progress)
        log.info("wrote %s", dest)


def main(argv: list[str] | None = None) -> None:
    train(parse_config(argv))


if __name__ == "__main__":
    run_cli(main)
