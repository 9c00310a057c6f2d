"""The XACLE 2027 recipe (XACLE_2027_baselinemodel train.py and inference.py) on frozen, cached
clip embeddings: seed 42 everywhere; the training order drawn from a generator seeded once, as
the official DataLoaders draw it; Adam over the head's parameters only; the official loss on
batches of 12 (last partial batch dropped) and on validation batches of 12, whose mean drives
ReduceLROnPlateau; the head saved only for a finite, strictly better validation SRCC (epoch 0
always); early stop after 10 epochs without one; predictions rounded to 2 decimals.
"""

import json
import logging
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from baseline.config import TrainConfig
from baseline.data import has_split, load_split
from baseline.embeddings import ClipEncoders, default_cache_dir, split_embeddings
from baseline.errors import BaselineError
from baseline.head import EmbeddingHead, HeadArgs
from baseline.inference import batched_scores
from baseline.losses import baseline_loss, class_counts

log = logging.getLogger("baseline")


def seed_everything(seed: int) -> torch.Generator:
    """Python, numpy, torch and CUDA seeded; the returned generator orders the batches."""
    import random

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    return torch.Generator().manual_seed(seed)


class OfficialOrder:
    """Each epoch's training order, drawn from the one generator the official train and
    validation DataLoaders share (seeded, 8 persistent workers): in the first epoch the train
    iterator's base seed, the permutation, a second permutation the sampler draws when it runs
    out (discarded), then the validation iterator's base seed; afterwards the persistent
    iterators draw only the two permutations."""

    def __init__(self, generator: torch.Generator):
        self.generator = generator
        self.epoch = 0

    def _base_seed(self) -> None:
        torch.empty((), dtype=torch.int64).random_(generator=self.generator)

    def next(self, n: int) -> torch.Tensor:
        if self.epoch == 0:
            self._base_seed()
        order = torch.randperm(n, generator=self.generator)
        torch.randperm(n, generator=self.generator)
        if self.epoch == 0:
            self._base_seed()
        self.epoch += 1
        return order


def head_args(cfg: TrainConfig, encoders_or_dims) -> HeadArgs:
    audio_dim, text_dim = encoders_or_dims
    return HeadArgs(
        audio_dim=audio_dim,
        text_dim=text_dim,
        hidden_dim=cfg.head_hidden,
        output_dim=cfg.head_out,
        range_clipping=cfg.range_clipping,
        normalize_embeddings=cfg.normalize_embeddings,
    )


def predict_head(head: EmbeddingHead, feats: dict, cfg: TrainConfig) -> np.ndarray:
    """Scores (N,) in the 0..10 space, in split order, at the evaluation batch size."""
    head.eval()
    return batched_scores(head, feats["audio"], feats["text"], cfg)


@torch.no_grad()
def validate(head: EmbeddingHead, feats: dict, split, cfg: TrainConfig) -> dict:
    """The official validation: the training loss on batches of eval_batch_size (its mean
    drives the scheduler), SRCC and the other metrics over every prediction."""
    from scoring import evaluate as score

    preds = predict_head(head, feats, cfg)
    gt = torch.from_numpy((split.scores - 5.0) / 5.0).float()
    num_class = torch.from_numpy(class_counts(split.scores))
    pred = torch.from_numpy((preds - 5.0) / 5.0).float()
    losses = [
        baseline_loss(pred[s : s + cfg.eval_batch_size], gt[s : s + cfg.eval_batch_size],
                      num_class[s : s + cfg.eval_batch_size], cfg.loss_weighting).item()
        for s in range(0, len(pred), cfg.eval_batch_size)
    ]  # fmt: skip
    if not np.isfinite(preds).all():
        raise BaselineError("the head predicts non-finite scores: lower --lr")
    result = score(split.scores, preds)
    srcc = float("nan") if result.constant_prediction else result.srcc
    return {"val_loss": float(np.mean(losses)), "srcc": srcc, "lcc": result.lcc,
            "ktau": result.ktau, "mse": result.mse}  # fmt: skip


def save_head(path: Path, head: EmbeddingHead, cfg: TrainConfig, **state) -> None:
    """The head only (the frozen encoders are not saved), in the official best_model.pt format
    (format_version, projector, score_predictor) plus what predict needs to rebuild the run."""
    payload = {
        **head.official_state(),
        "config": asdict(cfg),
        "head_args": asdict(head.args),
        "seed": cfg.seed,
        **state,
    }
    tmp = path.with_suffix(".tmp")
    torch.save(payload, tmp)
    tmp.replace(path)


def train_2027(cfg: TrainConfig, run: Path, progress: bool) -> None:
    if cfg.resume:
        raise BaselineError("--resume is for the xacle2026 recipe; a 2027 run starts afresh")
    generator = seed_everything(cfg.seed)
    train_split = load_split(cfg.data, "train")
    val_split = load_split(cfg.data, "validation")
    log.info("data: %d train, %d validation", len(train_split), len(val_split))
    cache_dir = Path(cfg.cache_dir) if cfg.cache_dir else default_cache_dir(cfg.out)
    t0 = time.time()
    encoders = ClipEncoders(cfg)
    train_feats = split_embeddings(encoders, train_split, cfg, cache_dir, progress)
    val_feats = split_embeddings(encoders, val_split, cfg, cache_dir, progress)
    log.info("frozen embeddings ready in %.1f s", time.time() - t0)

    # Seeded again so that the head starts the same whether the embeddings were cached or not.
    generator = seed_everything(cfg.seed)
    head = EmbeddingHead(head_args(cfg, (encoders.audio_dim, encoders.text_dim))).to(cfg.device)
    del encoders
    params = [p for p in head.parameters() if p.requires_grad]
    log.info("head: %d parameters", sum(p.numel() for p in params))
    optimizer = torch.optim.Adam(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
        optimizer, mode="min", factor=cfg.lr_factor, patience=cfg.lr_patience
    )
    scores = torch.from_numpy((train_split.scores - 5.0) / 5.0).float()
    num_class = torch.from_numpy(class_counts(train_split.scores))
    best_srcc, bad_epochs, saved = float("-inf"), 0, False
    orders = OfficialOrder(generator)
    n = len(train_split)
    if n < cfg.batch_size:
        raise BaselineError(f"{n} train pairs make no batch of {cfg.batch_size}")
    for epoch in range(cfg.epochs):
        t0 = time.time()
        head.train()
        order = orders.next(n)
        total, count = 0.0, 0
        for start in range(0, n - cfg.batch_size + 1, cfg.batch_size):
            idx = order[start : start + cfg.batch_size]
            pred = head(train_feats["audio"][idx].to(cfg.device),
                        train_feats["text"][idx].to(cfg.device))  # fmt: skip
            loss = baseline_loss(pred, scores[idx].to(cfg.device),
                                 num_class[idx].to(cfg.device), cfg.loss_weighting)  # fmt: skip
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total, count = total + loss.item(), count + 1
        metrics = validate(head, val_feats, val_split, cfg)
        scheduler.step(metrics["val_loss"])
        improved = bool(np.isfinite(metrics["srcc"]) and metrics["srcc"] > best_srcc)
        save = improved or not saved
        if save:
            best_srcc = metrics["srcc"] if improved else best_srcc
            bad_epochs, saved = 0, True
            save_head(run / "best.pt", head, cfg, epoch=epoch, best_srcc=best_srcc)
        else:
            bad_epochs += 1
        record = {"epoch": epoch, "train_loss": total / count, **metrics,
                  "lr": optimizer.param_groups[0]["lr"], "seconds": round(time.time() - t0, 2),
                  "best": save}  # fmt: skip
        with (run / "metrics.jsonl").open("a") as f:
            f.write(json.dumps(record) + "\n")
        log.info(
            "epoch %d | train loss %.4f | val loss %.4f | val SRCC %.4f LCC %.4f KTAU %.4f "
            "MSE %.4f | %.1f s%s", epoch, record["train_loss"], record["val_loss"],
            record["srcc"], record["lcc"], record["ktau"], record["mse"], record["seconds"],
            " | best" if save else "",
        )  # fmt: skip
        if not save and bad_epochs >= cfg.patience:
            log.info("early stopping: no better validation SRCC for %d epochs", cfg.patience)
            break
    save_head(run / "last.pt", head, cfg, epoch=epoch, best_srcc=best_srcc)

    from baseline.predict import predict_run

    for name in ("validation", "test"):
        if name == "test" and not has_split(cfg.data, "test"):
            log.info("no test split in the data: inference_result_for_test.csv not written")
            continue
        split = val_split if name == "validation" else load_split(cfg.data, "test", False)
        log.info("wrote %s", predict_run(run, split, cfg.device, progress=progress))


def load_head_run(run: Path, which: str = "best.pt"):
    from baseline.encoders.weights import load_state_strictly, torch_load

    ckpt = torch_load(run / which, "checkpoint", weights_only=True)
    if not isinstance(ckpt, dict) or not {"config", "head_args", "projector"} <= set(ckpt):
        raise BaselineError(f"{run / which} is not a 2027-recipe checkpoint")
    cfg = TrainConfig(**ckpt["config"])
    head = EmbeddingHead(HeadArgs(**ckpt["head_args"]))
    load_state_strictly(head.projector, ckpt["projector"], f"{run / which} (projector)")
    load_state_strictly(
        head.score_predictor, ckpt["score_predictor"], f"{run / which} (score_predictor)"
    )
    return head, cfg


def predict_head_split(run: Path, split, cfg: TrainConfig, head: EmbeddingHead, progress: bool):
    cache_dir = Path(cfg.cache_dir) if cfg.cache_dir else default_cache_dir(str(run))
    feats = split_embeddings(ClipEncoders(cfg), split, cfg, cache_dir, progress)
    return predict_head(head.to(cfg.device), feats, cfg)
