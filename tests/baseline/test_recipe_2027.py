"""The XACLE 2027 recipe: the official head, its loss and settings, frozen embeddings cached on
disk, the head-only checkpoint, and the SVR reference on the same cache."""

import csv
import json
import math

import numpy as np
import pytest
import torch

from baseline.config import parse_config
from baseline.head import EmbeddingHead, HeadArgs
from baseline.losses import BETA, LOSS_WEIGHTS, MARGIN, TAU, baseline_loss, clipped_mse, contrastive
from baseline.predict import main as predict_main
from baseline.svr import fit_svr
from baseline.svr import main as svr_main
from baseline.train import main as train_main

OFFICIAL_HEAD = {
    "projector.net.0.weight": (1024, 1536),
    "projector.net.0.bias": (1024,),
    "projector.net.3.weight": (256, 1024),
    "projector.net.3.bias": (256,),
    "score_predictor.linear.weight": (1, 256),
    "score_predictor.linear.bias": (1,),
}


def test_the_head_has_the_official_shapes_and_parameter_count():
    head = EmbeddingHead(HeadArgs(audio_dim=768, text_dim=768))
    assert {k: tuple(v.shape) for k, v in head.state_dict().items()} == OFFICIAL_HEAD
    assert sum(p.numel() for p in head.parameters()) == 1536 * 1024 + 1024 + 1024 * 256 + 256 + 257
    layers = [type(m).__name__ for m in head.projector.net]
    assert layers == ["Linear", "ReLU", "Dropout", "Linear", "ReLU"]
    assert head.projector.net[2].p == 0.3 and not head.score_predictor.range_clipping


def test_the_head_normalises_each_embedding_and_clips_only_when_asked():
    torch.manual_seed(0)
    head = EmbeddingHead(HeadArgs(audio_dim=4, text_dim=3)).eval()
    audio, text = torch.randn(5, 4), torch.randn(5, 3)
    assert torch.allclose(head(audio, text), head(audio * 7.0, text * 0.1), atol=1e-6)
    with torch.no_grad():
        head.score_predictor.linear.bias.fill_(5.0)
    assert head(audio, text).min() > 1.0  # unbounded without range clipping
    head.score_predictor.range_clipping = True
    assert head(audio, text).max() < 1.0


def test_the_epochs_are_ordered_as_the_official_seeded_dataloaders_order_them():
    from torch.utils.data import DataLoader

    from baseline.recipe2027 import OfficialOrder, seed_everything

    # The official build_dataloaders: one seeded generator shared by both loaders, workers
    # seeded by worker_init_fn, persistent workers (8 in the official config; 1 is enough).
    generator = torch.Generator().manual_seed(42)
    common = dict(num_workers=1, persistent_workers=True, generator=generator)
    train = DataLoader(range(30), batch_size=12, shuffle=True, drop_last=True, **common)
    validation = DataLoader(range(7), batch_size=12, shuffle=False, **common)
    expected = []
    for _ in range(3):
        expected.append([int(i) for batch in train for i in batch])
        list(validation)
    orders = OfficialOrder(seed_everything(42))
    assert [orders.next(30)[:24].tolist() for _ in range(3)] == expected


def test_the_loss_weights_are_the_official_ones():
    assert LOSS_WEIGHTS == (1.0, 0.5) and (TAU, MARGIN, BETA) == (0.25, 0.1, 0.99)
    pred, gt = torch.tensor([0.1, -0.5, 0.9, 0.0]), torch.tensor([0.4, -0.4, 0.2, 0.0])
    num_class = torch.tensor([10, 3, 10, 50])
    expected = clipped_mse(pred, gt, num_class) + 0.5 * contrastive(pred, gt, num_class)
    assert baseline_loss(pred, gt, num_class).item() == pytest.approx(expected.item())


def test_the_recipe_gives_the_official_values_and_options_override_them():
    cfg = parse_config(["--recipe", "xacle2027", "--data", "d", "--out", "o"]).resolved()
    official = (cfg.seed, cfg.lr, cfg.batch_size, cfg.eval_batch_size, cfg.epochs, cfg.patience,
                cfg.max_seconds, cfg.precision, cfg.round, cfg.freeze_encoders)  # fmt: skip
    assert official == (42, 2e-5, 12, 12, 20, 10, 10.0, "fp32", "2", True)
    assert (cfg.head_hidden, cfg.head_out, cfg.range_clipping) == (1024, 256, False)
    short = parse_config(["--recipe", "xacle2027", "--data", "d", "--out", "o", "--epochs", "1",
                          "--batch-size", "4", "--seed", "3"])  # fmt: skip
    assert (short.epochs, short.batch_size, short.seed, short.lr) == (1, 4, 3, 2e-5)


def read(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def metrics(run):
    return [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def runs(tmp_path_factory, tiny_data, tiny_text_encoder):
    root = tmp_path_factory.mktemp("runs")

    def run(name, *extra, main=train_main, recipe=("--recipe", "xacle2027")):
        main([*recipe, "--data", str(tiny_data), "--out", str(root / name), "--text-encoder",
              str(tiny_text_encoder), "--max-seconds", "0.5", "--device", "cpu",
              *extra])  # fmt: skip
        return root / name

    return run


@pytest.fixture(scope="module")
def short_2027(runs):
    return runs("r27", "--epochs", "3", "--batch-size", "4", "--lr", "1e-3")


def test_a_short_2027_run_writes_its_folder_and_the_head_alone(short_2027):
    run = short_2027
    config = json.loads((run / "config.json").read_text())
    assert config["recipe"] == "xacle2027" and config["seed"] == 42
    assert (config["epochs"], config["batch_size"], config["eval_batch_size"]) == (3, 4, 12)
    assert config["freeze_encoders"] and config["head_hidden"] == 1024
    best = torch.load(run / "best.pt", weights_only=True)
    assert best["format_version"] == 1
    assert set(best["projector"]) == {"net.0.weight", "net.0.bias", "net.3.weight", "net.3.bias"}
    assert set(best["score_predictor"]) == {"linear.weight", "linear.bias"}
    assert not any(isinstance(v, torch.Tensor) for v in best.values())  # no encoder weights
    # Saved at epoch 0, then only for a finite, strictly better SRCC.
    m = metrics(run)
    assert m[0]["best"]
    for i in range(1, len(m)):
        earlier = [x["srcc"] for x in m[:i] if math.isfinite(x["srcc"])]
        assert m[i]["best"] == (math.isfinite(m[i]["srcc"]) and m[i]["srcc"] > max(earlier))
    for split, n in (("validation", 8), ("test", 6)):
        rows = read(run / f"inference_result_for_{split}.csv")
        assert rows[0] == ["wav_file_name", "pred_score"] and len(rows) == n + 1
        assert all(len(r[1].split(".")[-1]) <= 2 for r in rows[1:])


def test_the_same_seed_repeats_a_2027_run_from_the_cache(runs, tmp_path):
    a = runs("seed_a", "--epochs", "2", "--batch-size", "4", "--lr", "1e-3")
    b = runs("seed_b", "--epochs", "2", "--batch-size", "4", "--lr", "1e-3")
    strip = [{k: v for k, v in x.items() if k != "seconds"} for x in metrics(a)]
    assert strip == [{k: v for k, v in x.items() if k != "seconds"} for x in metrics(b)]
    assert "embeddings of train from" in (b / "train.log").read_text()  # computed once
    name = "inference_result_for_validation.csv"
    assert (a / name).read_text() == (b / name).read_text()
    dest = tmp_path / "again.csv"
    predict_main([str(a), "--split", "validation", "--out", str(dest), "--device", "cpu"])
    assert dest.read_text() == (a / name).read_text()


def test_the_2027_controls_run(runs):
    for name, extra in (("text", "--text-only"), ("random", "--no-pretrained")):
        run = runs(f"c_{name}", "--epochs", "1", "--batch-size", "4", extra)
        assert len(read(run / "inference_result_for_test.csv")) == 7


def test_the_svr_finds_a_known_relation_and_chooses_by_validation_srcc():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((300, 4))
    y = 10 / (1 + np.exp(-2 * x[:, 0]))  # the score rises with the first feature
    model, grid = fit_svr(x[:200], y[:200], x[200:], y[200:], c_grid=(1e-4, 3.0),
                          eps_grid=(0.1,))  # fmt: skip
    from scipy.stats import spearmanr

    assert spearmanr(model.predict(x[200:]), y[200:]).statistic > 0.95
    assert max(grid, key=lambda r: r["srcc"])["C"] == 3.0 == model[-1].C
    assert grid[0]["srcc"] < grid[1]["srcc"]


def test_the_svr_command_shares_the_cache_and_writes_a_run_folder(runs, short_2027):
    run = runs("svr", "--c", "1", "3", "--epsilon", "0.1", main=svr_main, recipe=())
    config = json.loads((run / "config.json").read_text())
    assert config["svr"]["C"] in (1.0, 3.0) and config["svr"]["epsilon"] == 0.1
    assert len(metrics(run)) == 2
    assert "embeddings of train from" in (run / "train.log").read_text()
    for split, n in (("validation", 8), ("test", 6)):
        assert len(read(run / f"inference_result_for_{split}.csv")) == n + 1
    dest = run.parent / "svr_again.csv"
    predict_main([str(run), "--split", "test", "--out", str(dest), "--device", "cpu"])
    assert dest.read_text() == (run / "inference_result_for_test.csv").read_text()
