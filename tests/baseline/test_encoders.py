"""Encoder networks load their official checkpoints by the official key names."""

import subprocess
import sys

import pytest
import torch

from baseline.encoders.aisfx import AisfxEncoder, find_aisfx_checkpoint  # noqa: E402
from baseline.encoders.byola import AudioNTT2022, BYOLAEncoder  # noqa: E402
from baseline.errors import BaselineError  # noqa: E402

BYOLA_KEYS = {
    "features.0.weight": (64, 1, 3, 3),
    "features.1.running_var": (64,),
    "features.4.weight": (64, 64, 3, 3),
    "fc.0.weight": (2048, 1024),
    "fc.3.weight": (2048, 2048),
}


def test_byola_network_has_the_official_keys_and_shapes():
    state = AudioNTT2022(n_mels=64, d=3072).state_dict()
    for key, shape in BYOLA_KEYS.items():
        assert tuple(state[key].shape) == shape


def test_a_byola_checkpoint_loads_back_by_its_key_names(tmp_path):
    torch.manual_seed(3)
    written = AudioNTT2022(n_mels=64, d=3072).state_dict()
    path = tmp_path / "AudioNTT2022-BYOLA-64x96d2048.pth"
    torch.save(written, path)
    encoder = BYOLAEncoder()
    encoder.load_official(path)
    for key, value in written.items():
        assert torch.equal(encoder.model.state_dict()[key], value), key


def test_a_byola_checkpoint_wrapped_with_a_model_prefix_loads_too(tmp_path):
    written = AudioNTT2022().state_dict()
    torch.save({"state_dict": {f"model.{k}": v for k, v in written.items()}}, tmp_path / "w.pth")
    encoder = BYOLAEncoder()
    encoder.load_official(tmp_path / "w.pth")
    assert torch.equal(encoder.model.fc[3].weight, written["fc.3.weight"])


def test_a_checkpoint_of_another_size_is_rejected_with_its_keys_named(tmp_path):
    torch.save(AudioNTT2022(n_mels=64, d=2048).state_dict(), tmp_path / "d2048.pth")
    with pytest.raises(BaselineError, match=r"does not fit.*fc\.3\.weight"):
        BYOLAEncoder().load_official(tmp_path / "d2048.pth")


def test_byola_gives_250_frames_of_3072_for_ten_seconds():
    encoder = BYOLAEncoder().eval()
    with torch.no_grad():
        assert encoder(torch.randn(1, 160000) * 0.1).shape == (1, 250, 3072)


def test_the_aisfx_checkpoint_is_found_without_importing_the_package():
    path = find_aisfx_checkpoint()
    assert path.name == "checkpoint.pth" and path.is_file()
    assert "aisfx" not in sys.modules


def test_the_aisfx_network_loads_its_weights_and_gives_frame_features():
    encoder = AisfxEncoder()
    encoder.load_official()
    assert encoder.embedding_net.conv_block4.bn2.running_var.mean().item() != 1.0
    with torch.no_grad():
        frames = encoder.eval()(torch.randn(2, 16000) * 0.1)
    assert frames.shape == (2, 44100 // 1024 // 8, 512)  # one frame per 8 spectrogram frames


def test_the_trainer_rejects_a_byola_checkpoint_that_does_not_fit(tmp_path, tiny_args):
    torch.save({"features.0.weight": torch.zeros(3)}, tmp_path / "bad.pth")
    args = tiny_args("bad", "--audio-encoder", "byola", "--checkpoint", str(tmp_path / "bad.pth"))
    done = subprocess.run(
        [sys.executable, "-m", "baseline.train", *args], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "does not fit the AudioNTT2022 architecture" in done.stderr
    assert "Traceback" not in done.stderr
