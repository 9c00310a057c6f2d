"""python -m baseline.predict runs/NAME --split validation|test [--data PATH]

Makes a split's submission (inference_result_for_<split>.csv, header wav_file_name,pred_score)
from the run's best checkpoint alone.
"""

import argparse
import sys
from pathlib import Path

from baseline.checkpoint import load_run_model
from baseline.config import resolve_device
from baseline.data import Split, load_split
from baseline.errors import BaselineError, run_cli
from baseline.inference import inference_file, predict_split, write_predictions


def predict_run(
    run: Path,
    split: Split,
    device: str,
    dest: Path | None = None,
    checkpoint: str = "best.pt",
    progress: bool = False,
) -> Path:
    model, cfg, _ = load_run_model(run, checkpoint)
    cfg.device = device
    cfg.precision = "bf16" if device == "cuda" else "fp32"
    cfg.num_workers = 4 if device == "cuda" else 0
    model.to(device)
    preds = predict_split(model, split, cfg, progress)
    dest = dest or inference_file(run, split.name)
    write_predictions(dest, split.ids, preds)
    return dest


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(
        prog="python -m baseline.predict",
        description="Write a split's submission from a run.",
        allow_abbrev=False,
    )
    p.add_argument("run", type=Path, help="a run folder written by python -m baseline.train")
    p.add_argument("--split", choices=["validation", "test"], required=True)
    p.add_argument("--data", help="the XACLE_dataset folder (default: the one the run used)")
    p.add_argument("--checkpoint", default="best.pt", help="best.pt (default) or last.pt")
    p.add_argument("--out", type=Path, help="default: RUN/inference_result_for_<split>.csv")
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    args = p.parse_args(argv)
    if not args.run.is_dir():
        raise BaselineError(f"run folder not found: {args.run}")
    device = resolve_device(args.device)
    data = args.data
    if data is None:
        from baseline.checkpoint import read_checkpoint

        data = read_checkpoint(args.run / args.checkpoint)["config"]["data"]
    split = load_split(data, args.split, need_scores=False)
    dest = predict_run(args.run, split, device, args.out, args.checkpoint, sys.stderr.isatty())
    print(dest)


if __name__ == "__main__":
    run_cli(main)
