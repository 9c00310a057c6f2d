"""The 2026 recipe as the official code runs it: per-split normalisation with the official front
end, fp32 unless asked, 2-decimal outputs, and the released best_model.pt by its key names."""

import csv
import json

import numpy as np
import pytest
import soundfile as sf
import torch

from baseline.checkpoint import build_model
from baseline.config import TrainConfig, parse_config
from baseline.data import Split, load_split
from baseline.encoders.weights import load_state_strictly
from baseline.errors import BaselineError, run_cli
from baseline.features import BYOLA_STATS_MEL
from baseline.official import (
    official_norm_stats,
    official_release_state,
    round_predictions,
    split_norm,
)
from baseline.predict import apply_overrides, predict_run
from baseline.predict import main as predict_main
from baseline.train import main as train_main
from tests.baseline.test_features import ref_logmel


def write_clips(folder, clips):
    folder.mkdir(parents=True)
    for name, wav in clips.items():
        sf.write(folder / name, wav, 16000, "FLOAT")
    return Split(folder.name, folder, list(clips), ["a"] * len(clips), None)


def hand_stats(clips, n):
    """Pad each clip at both ends to n samples, log-mel with the official statistics' front
    end (NumPy reference), mean and population std of every value of the split."""
    values = []
    for wav in clips:
        adj = n - len(wav)
        padded = np.pad(wav, (adj // 2, adj - adj // 2))
        values.append(ref_logmel(padded, BYOLA_STATS_MEL).ravel())
    flat = np.concatenate(values)
    return flat.mean(), flat.std()  # numpy's std is the population std


def test_the_official_normalisation_is_each_splits_own(tmp_path, tiny_text_encoder):
    rng = np.random.default_rng(5)
    train = {f"{i}.wav": 0.2 * rng.standard_normal(1100 + 200 * i).astype(np.float32)
             for i in range(3)}  # fmt: skip
    val = {f"{i}.wav": 0.9 * rng.standard_normal(1500).astype(np.float32) for i in range(2)}
    train_split = write_clips(tmp_path / "train", train)
    val_split = write_clips(tmp_path / "validation", val)
    seconds = 0.125  # 2000 samples: every clip is zero-padded at both ends
    got_train = official_norm_stats(train_split, seconds)
    got_val = official_norm_stats(val_split, seconds)
    np.testing.assert_allclose(got_train, hand_stats(train.values(), 2000), rtol=2e-4)
    np.testing.assert_allclose(got_val, hand_stats(val.values(), 2000), rtol=2e-4)
    assert abs(got_train[0] - got_val[0]) > 1.0  # louder validation clips: other statistics

    # Encoding validation uses validation's statistics; the model keeps train's.
    cfg = TrainConfig(audio_encoder="byola", norm="official", max_seconds=seconds)
    model = build_model(
        TrainConfig(audio_encoder="byola", text_encoder=str(tiny_text_encoder), text_pooling="cls"),
        pretrained=False,
    )
    model.audio_encoder.norm_mean.fill_(got_train[0])
    with split_norm(model, val_split, cfg):
        assert model.audio_encoder.norm_mean.item() == pytest.approx(got_val[0])
        assert model.audio_encoder.norm_std.item() == pytest.approx(got_val[1])
    assert model.audio_encoder.norm_mean.item() == pytest.approx(got_train[0])
    with split_norm(model, train_split, cfg):
        assert model.audio_encoder.norm_mean.item() == pytest.approx(got_train[0])
    fitted = TrainConfig(audio_encoder="byola", norm="fitted")
    with split_norm(model, val_split, fitted):  # the deviation: one set for every split
        assert model.audio_encoder.norm_mean.item() == pytest.approx(got_train[0])


def test_the_2026_recipe_defaults_are_the_official_ones():
    cfg = parse_config(["--data", "d", "--out", "o"]).resolved()
    assert (cfg.recipe, cfg.precision, cfg.norm, cfg.round) == (
        "xacle2026",
        "fp32",
        "official",
        "2",
    )
    assert (cfg.lr, cfg.batch_size, cfg.epochs, cfg.patience) == (2e-5, 12, 20, 10)


def test_predict_keeps_fp32_on_cuda_unless_asked():
    cfg = TrainConfig(precision="fp32")
    apply_overrides(cfg, "cuda", None, None)
    assert cfg.precision == "fp32"
    apply_overrides(cfg, "cuda", "bf16", None)
    assert cfg.precision == "bf16"
    cfg = TrainConfig(precision="auto")
    apply_overrides(cfg, "cuda", None, None)
    assert cfg.precision == "bf16"  # today's behaviour, kept as a named option


def values(path):
    with open(path, newline="") as f:
        return [row[1] for row in list(csv.reader(f))[1:]]


@pytest.fixture(scope="module")
def byola_run(tmp_path_factory, tiny_data, tiny_text_encoder):
    run = tmp_path_factory.mktemp("runs") / "byola"
    train_main([
        "--data", str(tiny_data), "--out", str(run), "--text-encoder", str(tiny_text_encoder),
        "--audio-encoder", "byola", "--no-pretrained", "--max-seconds", "0.5",
        "--rnn-hidden", "8", "--proj-hidden", "16", "--batch-size", "4", "--epochs", "1",
        "--lr", "1e-3", "--device", "cpu", "--freeze-encoders",
    ])  # fmt: skip
    return run


def test_outputs_have_two_decimals_and_round_none_gives_full_precision(byola_run, tmp_path):
    written = values(byola_run / "inference_result_for_validation.csv")
    assert all(len(v.split(".")[-1]) <= 2 for v in written)
    full = tmp_path / "full.csv"
    predict_main([str(byola_run), "--split", "validation", "--round", "none", "--out", str(full),
                  "--device", "cpu"])  # fmt: skip
    full_values = [float(v) for v in values(full)]
    assert any(len(v.split(".")[-1]) > 2 for v in values(full))
    assert [round(v, 2) for v in full_values] == [float(v) for v in written]
    assert list(round_predictions(np.array([1.005, 2.675, 3.14159]), "2")) == [
        round(1.005, 2),
        round(2.675, 2),
        3.14,
    ]


def test_the_run_normalises_per_split_and_predict_honours_the_precision(byola_run, tmp_path):
    config = json.loads((byola_run / "config.json").read_text())
    assert (config["norm"], config["precision"]) == ("official", "fp32")
    assert "official (per split): train mean" in (byola_run / "train.log").read_text()
    split = load_split(config["data"], "validation")
    fp32 = predict_run(byola_run, split, "cpu", tmp_path / "fp32.csv", rounding="none")
    bf16 = predict_run(byola_run, split, "cpu", tmp_path / "bf16.csv", precision="bf16",
                       rounding="none")  # fmt: skip
    again = predict_run(byola_run, split, "cpu", tmp_path / "again.csv", precision="fp32",
                        rounding="none")  # fmt: skip
    assert values(fp32) == values(again)
    assert values(fp32) != values(bf16)


def test_a_run_saved_before_the_norm_option_keeps_its_fitted_normalisation(byola_run, tmp_path):
    import shutil

    from baseline.checkpoint import load_run_model

    old = tmp_path / "old"
    shutil.copytree(byola_run, old)
    ckpt = torch.load(old / "best.pt", weights_only=True)
    del ckpt["config"]["norm"]
    torch.save(ckpt, old / "best.pt")
    assert load_run_model(old)[1].norm == "fitted"
    assert load_run_model(byola_run)[1].norm == "official"


def official_release(tiny_text_encoder):
    """A state dict with the official release's key names, built from the architecture: the
    official model's modules (text_encoder.model = RobertaModel, audio_encoder.model =
    AudioNTT2022, audio_encoder.to_melspec = nnAudio's MelSpectrogram, ldconditioner.rnn,
    projection.net) with a tiny text encoder in place of roberta-large."""
    cfg = TrainConfig(audio_encoder="byola", text_encoder=str(tiny_text_encoder),
                      text_pooling="cls", rnn_hidden=8, proj_hidden=16)  # fmt: skip
    torch.manual_seed(0)
    state = build_model(cfg, pretrained=False).state_dict()
    del state["audio_encoder.norm_mean"], state["audio_encoder.norm_std"]
    state["audio_encoder.to_melspec.mel_basis"] = torch.zeros(64, 513)
    state["audio_encoder.to_melspec.stft.wsin"] = torch.zeros(513, 1, 1024)
    state["audio_encoder.to_melspec.stft.wcos"] = torch.zeros(513, 1, 1024)
    state["audio_encoder.to_melspec.stft.window_mask"] = torch.zeros(1, 1024, 1)
    state["text_encoder.model.embeddings.position_ids"] = torch.arange(32)[None]
    return state


OFFICIAL_NAMES = [
    "text_encoder.model.embeddings.word_embeddings.weight",
    "audio_encoder.model.features.0.weight",
    "audio_encoder.model.fc.3.weight",
    "ldconditioner.rnn.weight_ih_l0",
    "ldconditioner.rnn.weight_hh_l0_reverse",
    "projection.net.0.weight",
    "projection.net.3.bias",
]


def test_the_official_release_loads_strictly_and_writes_the_submission(
    tiny_data, tiny_text_encoder, tmp_path, capsys
):
    state = official_release(tiny_text_encoder)
    assert set(OFFICIAL_NAMES) <= set(state)
    ckpt = tmp_path / "release" / "best_model.pt"
    ckpt.parent.mkdir()
    torch.save(state, ckpt)
    args = ["--official-checkpoint", str(ckpt), "--data", str(tiny_data), "--split", "test",
            "--text-encoder", str(tiny_text_encoder), "--device", "cpu"]  # fmt: skip
    predict_main(args)
    out = ckpt.parent / "inference_result_for_test.csv"
    assert len(values(out)) == 6 and all(len(v.split(".")[-1]) <= 2 for v in values(out))

    torch.save({k: v for k, v in state.items() if k != "projection.net.3.bias"}, ckpt)
    with pytest.raises(SystemExit) as exc:
        run_cli(predict_main, args)
    assert exc.value.code == 2
    assert "missing projection.net.3.bias" in capsys.readouterr().err


def test_the_release_keys_are_checked_one_by_one(tiny_text_encoder):
    state = official_release(tiny_text_encoder)
    cfg = TrainConfig(audio_encoder="byola", text_encoder=str(tiny_text_encoder),
                      text_pooling="cls", rnn_hidden=8, proj_hidden=16)  # fmt: skip
    own = build_model(cfg, pretrained=False)
    load_state_strictly(own, official_release_state(state, own.state_dict(), "x"), "x")
    for broken, message in (
        ({**state, "projection.extra.weight": torch.zeros(1)}, "unexpected projection.extra"),
        ({k: v for k, v in state.items() if "to_melspec.stft.wsin" not in k}, "stft.wsin"),
        ({**state, "audio_encoder.to_melspec.mel_basis": torch.zeros(80, 513)}, "shape"),
        ({**state, "audio_encoder.norm_mean": torch.tensor(0.0)}, "not the official release"),
    ):
        with pytest.raises(BaselineError, match=message):
            load_state_strictly(own, official_release_state(broken, own.state_dict(), "x"), "x")
