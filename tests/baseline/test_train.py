"""The trainer end to end on a tiny data set: run folder, submissions, predict, seed, resume."""

import csv
import json

import numpy as np
import pytest
import torch

from baseline.predict import main as predict_main  # noqa: E402
from baseline.train import main as train_main  # noqa: E402


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def metrics(run):
    lines = (run / "metrics.jsonl").read_text().splitlines()
    return [{k: v for k, v in json.loads(x).items() if k != "seconds"} for x in lines]


@pytest.fixture(scope="module")
def frozen_run(tmp_path_factory, tiny_data, tiny_text_encoder):
    run = tmp_path_factory.mktemp("runs") / "frozen"
    train_main([
        "--data", str(tiny_data), "--out", str(run), "--text-encoder", str(tiny_text_encoder),
        "--max-seconds", "0.5", "--rnn-hidden", "8", "--proj-hidden", "16", "--batch-size", "4",
        "--epochs", "2", "--lr", "1e-3", "--device", "cpu", "--freeze-encoders",
    ])  # fmt: skip
    return run


def test_a_run_writes_its_folder(frozen_run):
    for name in ("config.json", "train.log", "metrics.jsonl", "best.pt", "last.pt"):
        assert (frozen_run / name).is_file(), name
    config = json.loads((frozen_run / "config.json").read_text())
    assert config["device"] == "cpu" and config["text_pooling"] == "cls"
    assert config["loss_weighting"] == "official"
    assert [m["epoch"] for m in metrics(frozen_run)] == [0, 1]
    assert "val SRCC" in (frozen_run / "train.log").read_text()


def test_the_best_checkpoint_carries_what_resuming_needs(frozen_run):
    ckpt = torch.load(frozen_run / "best.pt", weights_only=True)
    assert {"config", "model_args", "epoch", "model", "optimizer", "scheduler", "seed"} <= set(ckpt)
    assert ckpt["best_srcc"] == max(m["srcc"] for m in metrics(frozen_run))


def test_submissions_are_in_the_official_format_and_the_scorer_accepts_them(frozen_run, tiny_data):
    from scoring import read_submission

    for split, first, n in (("validation", 100, 8), ("test", 200, 6)):
        path = frozen_run / f"inference_result_for_{split}.csv"
        rows = read_csv(path)
        ids = [f"{first + k:05d}.wav" for k in range(n)]
        assert rows[0] == ["wav_file_name", "pred_score"]
        assert [r[0] for r in rows[1:]] == ids
        preds = read_submission(path, ids)
        assert preds.shape == (n,) and np.isfinite(preds).all()


def test_predict_reproduces_the_files_from_the_checkpoint(frozen_run, tmp_path):
    for split in ("validation", "test"):
        dest = tmp_path / f"{split}.csv"
        predict_main([str(frozen_run), "--split", split, "--out", str(dest), "--device", "cpu"])
        assert dest.read_text() == (frozen_run / f"inference_result_for_{split}.csv").read_text()


def test_the_same_seed_repeats_a_cpu_run_exactly(tiny_args, tmp_path):
    train_main(tiny_args("a", "--epochs", "2", "--seed", "7"))
    train_main(tiny_args("b", "--epochs", "2", "--seed", "7"))
    run_a, run_b = tmp_path / "a", tmp_path / "b"
    assert metrics(run_a) == metrics(run_b)
    name = "inference_result_for_validation.csv"
    assert (run_a / name).read_text() == (run_b / name).read_text()


def test_a_resumed_run_ends_where_an_unbroken_one_does(tiny_args, tmp_path, frozen_run):
    # frozen_run: the same options and seed, two epochs in one go.
    train_main(tiny_args("r", "--epochs", "1"))
    train_main(tiny_args("r", "--epochs", "2", "--resume"))
    assert torch.load(tmp_path / "r" / "last.pt", weights_only=True)["epoch"] == 1
    assert metrics(tmp_path / "r") == metrics(frozen_run)
    name = "inference_result_for_test.csv"
    assert (tmp_path / "r" / name).read_text() == (frozen_run / name).read_text()


def test_fine_tuning_the_encoders_and_the_controls_run(tiny_args, tmp_path):
    tuned = tiny_args("tuned", "--loss-weighting", "intended", "--text-pooling", "mean", tuned=True)
    train_main(tuned)
    train_main(tiny_args("controls", "--no-pretrained", "--text-only"))
    for name in ("tuned", "controls"):
        assert len(read_csv(tmp_path / name / "inference_result_for_test.csv")) == 7
