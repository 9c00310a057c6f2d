"""Bad input gives a clear message and exit status 2, never a traceback."""

import csv
import shutil

import numpy as np
import pytest
import soundfile as sf
import torch

from baseline.errors import run_cli  # noqa: E402
from baseline.predict import main as predict_main  # noqa: E402
from baseline.train import main as train_main  # noqa: E402


def exit_message(capsys, main, argv):
    with pytest.raises(SystemExit) as exc:
        run_cli(main, argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def replace_arg(args, option, value):
    args = list(args)
    args[args.index(option) + 1] = value
    return args


def test_it_rejects_a_missing_data_folder(capsys, tiny_args, tmp_path):
    args = replace_arg(tiny_args(), "--data", str(tmp_path / "nowhere"))
    assert "data folder not found" in exit_message(capsys, train_main, args)


def test_it_rejects_a_missing_list_file(capsys, tiny_args, tiny_data, tmp_path):
    copy = tmp_path / "XACLE_dataset"
    shutil.copytree(tiny_data, copy)
    (copy / "meta_data" / "validation_average.csv").unlink()
    args = replace_arg(tiny_args(), "--data", str(copy))
    assert "missing" in exit_message(capsys, train_main, args)


def test_it_rejects_a_wav_of_the_wrong_format(capsys, tiny_args, tiny_data, tmp_path):
    copy = tmp_path / "XACLE_dataset"
    shutil.copytree(tiny_data, copy)
    sf.write(copy / "wav" / "train" / "00003.wav", np.zeros((4000, 2)), 8000)
    args = replace_arg(tiny_args(), "--data", str(copy))
    err = exit_message(capsys, train_main, args)
    assert "00003.wav: expected a 16000 Hz mono wav, got 8000 Hz with 2 channels" in err


def test_it_rejects_a_missing_wav(capsys, tiny_args, tiny_data, tmp_path):
    copy = tmp_path / "XACLE_dataset"
    shutil.copytree(tiny_data, copy)
    with (copy / "meta_data" / "train_average.csv").open("a", newline="") as f:
        csv.writer(f).writerow(["09999.wav", "a dog", "5"])
    args = replace_arg(tiny_args(), "--data", str(copy))
    assert "missing wav file" in exit_message(capsys, train_main, args)


def test_it_rejects_an_unknown_encoder_name(capsys, tiny_args):
    err = exit_message(capsys, train_main, [*tiny_args(), "--audio-encoder", "clap"])
    assert "invalid choice: 'clap'" in err
    args = replace_arg(tiny_args(), "--text-encoder", "/no/such/encoder")
    assert "cannot load text encoder" in exit_message(capsys, train_main, args)


def test_it_rejects_unknown_options(capsys, tiny_args):
    assert "unrecognized arguments: --epoch" in exit_message(
        capsys, train_main, [*tiny_args(), "--epoch", "3"]
    )


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_it_rejects_cuda_where_there_is_none(capsys, tiny_args):
    args = replace_arg(tiny_args(), "--device", "cuda")
    assert "no CUDA device" in exit_message(capsys, train_main, args)


def test_it_refuses_to_overwrite_a_run_and_to_resume_none(capsys, tiny_args, tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "config.json").write_text("{}")
    assert "already holds a run" in exit_message(capsys, train_main, tiny_args())
    assert "checkpoint not found" in exit_message(capsys, train_main, tiny_args("new", "--resume"))


def test_predict_rejects_a_missing_run(capsys, tmp_path):
    err = exit_message(capsys, predict_main, [str(tmp_path / "none"), "--split", "test"])
    assert "run folder not found" in err
