"""python -m baseline.svr --data PATH/XACLE_dataset --out runs/NAME [encoder options]

An SVR reference on frozen clip embeddings (the approach of the 2026 challenge's second-placed
team): the L2-normalised audio and caption embeddings concatenated, plus their cosine similarity
when both live in one space (M2D-CLAP), standardised on the training split; scikit-learn's RBF
SVR with C and epsilon chosen on validation SRCC. The embeddings come from the same on-disk cache
as the 2027 recipe's. Writes the run folder as the trainer does: config.json (with the chosen C
and epsilon), train.log, metrics.jsonl (one line per grid point), svr.pkl, and
inference_result_for_{validation,test}.csv.
"""

import argparse
import json
import logging
import pickle
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from baseline.config import ENCODER_CHOICES, ROUNDINGS, TrainConfig, resolve_device
from baseline.data import has_split, load_split
from baseline.errors import BaselineError, run_cli

log = logging.getLogger("baseline")
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
EPSILON_GRID = (0.05, 0.1, 0.2)  # in the scaled space (s - 5) / 5


def features(audio: np.ndarray, text: np.ndarray) -> np.ndarray:
    """(N, Da), (N, Dt) -> (N, Da + Dt [+ 1]): both L2-normalised, concatenated, and their
    cosine similarity when they have one dimension (one joint space)."""
    a = audio / np.maximum(np.linalg.norm(audio, axis=1, keepdims=True), 1e-12)
    t = text / np.maximum(np.linalg.norm(text, axis=1, keepdims=True), 1e-12)
    parts = [a, t]
    if a.shape[1] == t.shape[1]:
        parts.append((a * t).sum(axis=1, keepdims=True))
    return np.concatenate(parts, axis=1)


def fit_svr(train_x, train_y, val_x, val_y, c_grid=C_GRID, eps_grid=EPSILON_GRID):
    """The pipeline (standardisation + RBF SVR) with the best validation SRCC, and every grid
    point's metrics. Scores are 0..10; the SVR fits them in the scaled space (s - 5) / 5."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVR

    from scoring import evaluate

    best, best_srcc, grid = None, float("-inf"), []
    for c in c_grid:
        for eps in eps_grid:
            model = make_pipeline(StandardScaler(), SVR(kernel="rbf", C=c, epsilon=eps))
            model.fit(train_x, (train_y - 5.0) / 5.0)
            pred = model.predict(val_x) * 5.0 + 5.0
            result = evaluate(val_y, pred)
            srcc = float("-inf") if result.constant_prediction else result.srcc
            grid.append({"C": c, "epsilon": eps, "srcc": srcc, "lcc": result.lcc,
                         "ktau": result.ktau, "mse": result.mse})  # fmt: skip
            log.info("C %g epsilon %g: validation SRCC %.4f", c, eps, srcc)
            if best is None or srcc > best_srcc:
                best, best_srcc = model, srcc
    return best, grid


def build_parser() -> argparse.ArgumentParser:
    d = TrainConfig()
    p = argparse.ArgumentParser(prog="python -m baseline.svr", allow_abbrev=False,
                                description=__doc__.splitlines()[2])  # fmt: skip
    p.add_argument("--data", required=True, help="the XACLE_dataset folder")
    p.add_argument("--out", required=True, help="run folder, e.g. runs/svr")
    p.add_argument("--audio-encoder", choices=ENCODER_CHOICES, default=d.audio_encoder)
    p.add_argument("--text-encoder", default=d.text_encoder, help="minilm, a folder, m2d-clap")
    p.add_argument("--text-pooling", choices=["cls", "mean"], default="")
    p.add_argument("--checkpoint", default="", help="the audio encoder's (or M2D-CLAP's) weights")
    p.add_argument("--m2d-tokenizer", default=d.m2d_tokenizer)
    p.add_argument("--m2d-code", default="")
    p.add_argument("--no-pretrained", dest="pretrained", action="store_false",
                   help="randomly initialised encoders (a control)")  # fmt: skip
    p.add_argument("--text-only", action="store_true", help="audio ignored (a control)")
    p.add_argument("--max-seconds", type=float, default=d.max_seconds)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    p.add_argument("--eval-batch-size", type=int, default=32, help="batch of the encoders' pass")
    p.add_argument("--cache-dir", default="", help="default OUT/../.embedding_cache")
    p.add_argument("--c", type=float, nargs="+", default=list(C_GRID), help="C values to try")
    p.add_argument("--epsilon", type=float, nargs="+", default=list(EPSILON_GRID),
                   help="epsilon values to try (scaled space: score / 5)")  # fmt: skip
    p.add_argument("--round", choices=ROUNDINGS, default="none",
                   help="decimals written (default none: not an official system)")  # fmt: skip
    return p


def main(argv: list[str] | None = None) -> None:
    from baseline.embeddings import ClipEncoders, as_numpy, default_cache_dir, split_embeddings
    from baseline.train import setup_logging

    args = vars(build_parser().parse_args(argv))
    grid = {"c": args.pop("c"), "epsilon": args.pop("epsilon")}
    if min(grid["c"]) <= 0 or min(grid["epsilon"]) < 0:
        raise BaselineError("--c must be positive and --epsilon not negative")
    cfg = TrainConfig(**args, recipe="svr", freeze_encoders=True).resolved()
    cfg.device = resolve_device(cfg.device)
    run = Path(cfg.out)
    if (run / "config.json").exists():
        raise BaselineError(f"{run} already holds a run: choose another --out")
    train_split = load_split(cfg.data, "train")
    val_split = load_split(cfg.data, "validation")
    test_split = load_split(cfg.data, "test", False) if has_split(cfg.data, "test") else None
    run.mkdir(parents=True, exist_ok=True)
    setup_logging(run)
    progress = sys.stderr.isatty()
    cache = Path(cfg.cache_dir) if cfg.cache_dir else default_cache_dir(cfg.out)
    t0 = time.time()
    encoders = ClipEncoders(cfg)
    feats = {s.name: features(*as_numpy(split_embeddings(encoders, s, cfg, cache, progress)))
             for s in (train_split, val_split, test_split) if s is not None}  # fmt: skip
    log.info("embeddings ready in %.1f s; features %d-d", time.time() - t0, feats["train"].shape[1])
    t0 = time.time()
    model, points = fit_svr(feats["train"], train_split.scores, feats["validation"],
                            val_split.scores, grid["c"], grid["epsilon"])  # fmt: skip
    best = max(points, key=lambda r: r["srcc"])
    log.info("chosen C %g epsilon %g: validation SRCC %.4f (grid in %.1f s)",
             best["C"], best["epsilon"], best["srcc"], time.time() - t0)  # fmt: skip
    config = {**asdict(cfg), "svr": {"kernel": "rbf", "C": best["C"], "epsilon": best["epsilon"],
              "c_grid": grid["c"], "epsilon_grid": grid["epsilon"]}}  # fmt: skip
    (run / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    with (run / "metrics.jsonl").open("w") as f:
        f.writelines(json.dumps(point) + "\n" for point in points)
    with (run / "svr.pkl").open("wb") as f:
        pickle.dump(model, f)
    from baseline.predict import predict_run

    for split in (val_split, test_split):
        if split is None:
            log.info("no test split in the data: inference_result_for_test.csv not written")
            continue
        log.info("wrote %s", predict_run(run, split, cfg.device, progress=progress))


def load_svr_run(run: Path) -> tuple:
    """The fitted pipeline and the config of an SVR run folder."""
    from dataclasses import fields

    from baseline.checkpoint import read_config_json

    path = run / "svr.pkl"
    if not path.is_file():
        raise BaselineError(f"{run} has no svr.pkl")
    config = read_config_json(run)
    names = {f.name for f in fields(TrainConfig)}
    with path.open("rb") as f:
        model = pickle.load(f)  # written by this command into the run folder
    return model, TrainConfig(**{k: v for k, v in config.items() if k in names})


def predict_svr_split(run: Path, split, cfg: TrainConfig, model, progress: bool) -> np.ndarray:
    from baseline.embeddings import ClipEncoders, as_numpy, default_cache_dir, split_embeddings

    cache = Path(cfg.cache_dir) if cfg.cache_dir else default_cache_dir(str(run))
    feats = split_embeddings(ClipEncoders(cfg), split, cfg, cache, progress)
    return model.predict(features(*as_numpy(feats))) * 5.0 + 5.0


if __name__ == "__main__":
    run_cli(main)
