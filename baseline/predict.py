"""python -m baseline.predict runs/NAME --split validation|test [--data PATH] [--precision ...]
(a 2026, 2027 or SVR run)
python -m baseline.predict --official-checkpoint PATH/best_model.pt --data PATH --split test

Makes a split's submission (inference_result_for_<split>.csv, header wav_file_name,pred_score)
from a run's best checkpoint alone, or from the official 2026 release's best_model.pt. The
precision and the rounding are the run's (fp32 and 2 decimals, as the official inference) unless
--precision / --round say otherwise.
"""

import argparse
import sys
from pathlib import Path

from baseline.checkpoint import build_model, load_run_model
from baseline.config import ROUNDINGS, TrainConfig, resolve_device
from baseline.data import Split, load_split
from baseline.encoders.weights import load_state_strictly, torch_load
from baseline.errors import BaselineError, run_cli
from baseline.inference import inference_file, predict_split, write_predictions


def run_recipe(run: Path, checkpoint: str) -> str:
    from baseline.checkpoint import read_config_json

    return read_config_json(run, checkpoint).get("recipe", "xacle2026")


def apply_overrides(cfg: TrainConfig, device: str, precision: str | None, rounding: str | None):
    cfg.device = device
    cfg.precision = precision or cfg.precision
    if cfg.precision == "auto":
        cfg.precision = "bf16" if device == "cuda" else "fp32"
    cfg.round = rounding or cfg.round
    cfg.num_workers = 4 if device == "cuda" else 0


def predict_run(
    run: Path,
    split: Split,
    device: str,
    dest: Path | None = None,
    checkpoint: str = "best.pt",
    progress: bool = False,
    precision: str | None = None,
    rounding: str | None = None,
) -> Path:
    recipe = run_recipe(run, checkpoint)
    if recipe == "svr":
        from baseline.svr import load_svr_run, predict_svr_split

        svr, cfg = load_svr_run(run)
        apply_overrides(cfg, device, precision, rounding)
        preds = predict_svr_split(run, split, cfg, svr, progress)
    elif recipe == "xacle2027":
        from baseline.recipe2027 import load_head_run, predict_head_split

        head, cfg = load_head_run(run, checkpoint)
        apply_overrides(cfg, device, precision, rounding)
        preds = predict_head_split(run, split, cfg, head, progress)
    else:
        model, cfg, _ = load_run_model(run, checkpoint)
        apply_overrides(cfg, device, precision, rounding)
        model.to(device)
        preds = predict_split(model, split, cfg, progress)
    dest = dest or inference_file(run, split.name)
    write_predictions(dest, split.ids, preds, cfg.round)
    return dest


def predict_official(args, device: str) -> Path:
    """The official 2026 release: BYOL-A + a RoBERTa (roberta-large for the release; its
    tokenizer and config from --text-encoder) + the predictor, loaded strictly by the release's
    own key names, normalised per split and rounded as the official inference."""
    from baseline.official import official_release_state, release_sizes

    source = f"official checkpoint {args.official_checkpoint}"
    raw = torch_load(args.official_checkpoint, "official checkpoint", weights_only=True)
    if not isinstance(raw, dict):
        raise BaselineError(f"{source} is not a state dict")
    cfg = TrainConfig(
        data=args.data, audio_encoder="byola", text_encoder=args.text_encoder,
        text_pooling="cls", pretrained=False, norm="official", **release_sizes(raw, source),
    )  # fmt: skip
    apply_overrides(cfg, device, args.precision, args.round)
    model = build_model(cfg, pretrained=False)
    state = official_release_state(raw, model.state_dict(), source)
    load_state_strictly(model, state, source)
    model.to(device)
    split = load_split(args.data, args.split, need_scores=False)
    preds = predict_split(model, split, cfg, sys.stderr.isatty())
    dest = (
        args.out or Path(args.official_checkpoint).parent / f"inference_result_for_{split.name}.csv"
    )
    write_predictions(dest, split.ids, preds, cfg.round)
    return dest


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(
        prog="python -m baseline.predict",
        description="Write a split's submission from a run or from the official release.",
        allow_abbrev=False,
    )
    p.add_argument("run", type=Path, nargs="?", help="a run folder of python -m baseline.train")
    p.add_argument("--split", choices=["validation", "test"], required=True)
    p.add_argument("--data", help="the XACLE_dataset folder (default: the one the run used)")
    p.add_argument("--checkpoint", default="best.pt", help="best.pt (default) or last.pt")
    p.add_argument("--out", type=Path, help="default: RUN/inference_result_for_<split>.csv")
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    p.add_argument(
        "--precision", choices=["fp32", "bf16", "auto"], help="default: the run's (fp32)"
    )
    p.add_argument("--round", choices=ROUNDINGS, help="default: the run's (2 decimals)")
    p.add_argument(
        "--official-checkpoint",
        type=Path,
        help="the official 2026 release's best_model.pt, instead of a run (needs --data)",
    )
    p.add_argument(
        "--text-encoder",
        default="roberta-large",
        help="with --official-checkpoint: the RoBERTa tokenizer and config (a folder or a "
        "cached name; default roberta-large)",
    )
    args = p.parse_args(argv)
    device = resolve_device(args.device)
    if args.official_checkpoint is not None:
        if args.run is not None:
            raise BaselineError("give either a run folder or --official-checkpoint, not both")
        if not args.data:
            raise BaselineError("--official-checkpoint needs --data PATH/XACLE_dataset")
        print(predict_official(args, device))
        return
    if args.run is None:
        raise BaselineError("give a run folder, or --official-checkpoint PATH/best_model.pt")
    if not args.run.is_dir():
        raise BaselineError(f"run folder not found: {args.run}")
    from baseline.checkpoint import read_config_json

    data = args.data or read_config_json(args.run, args.checkpoint)["data"]
    split = load_split(data, args.split, need_scores=False)
    dest = predict_run(
        args.run, split, device, args.out, args.checkpoint, sys.stderr.isatty(),
        args.precision, args.round,
    )  # fmt: skip
    print(dest)


if __name__ == "__main__":
    run_cli(main)
