"""The aisfx sound-effects CNN (Ma & Lerch, ISMIR 2022), with the key names of its checkpoint.

`import aisfx` fails on Python 3.11 (librosa and a numpy pin), so the package is installed with
--no-deps only for models/checkpoint.pth; this module finds that file without importing it.
"""

import importlib.metadata
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from baseline.encoders.weights import load_state_strictly, torch_load
from baseline.errors import BaselineError
from baseline.features import AISFX_MEL, LogMelSpectrogram, resample

SAMPLE_RATE = 16000


class ConvBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.bn2 = nn.BatchNorm2d(out_channels)
        for conv in (self.conv1, self.conv2):  # aisfx's init_layer
            nn.init.kaiming_uniform_(conv.weight, nonlinearity="leaky_relu")

    def forward(self, x: torch.Tensor, pool: tuple[int, int]) -> torch.Tensor:
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        return F.max_pool2d(x, kernel_size=pool)


class EmbeddingNet(nn.Module):
    """(B, 1, T, 96) -> (B, 512, T / 8, 12): aisfx's Cnn_9layers before its pooling."""

    def __init__(self, hl1: int = 64):
        super().__init__()
        self.conv_block1 = ConvBlock(1, hl1)
        self.conv_block2 = ConvBlock(hl1, hl1 * 2)
        self.conv_block3 = ConvBlock(hl1 * 2, hl1 * 4)
        self.conv_block4 = ConvBlock(hl1 * 4, hl1 * 8)
        self.out_dim = hl1 * 8

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv_block1(x, (2, 2))
        x = self.conv_block2(x, (2, 2))
        x = self.conv_block3(x, (2, 2))
        return self.conv_block4(x, (1, 1))


def find_aisfx_checkpoint() -> Path:
    try:
        dist = importlib.metadata.distribution("aisfx")
    except importlib.metadata.PackageNotFoundError:
        raise BaselineError(
            "the aisfx package is not installed; install it with "
            "`pip install --no-deps aisfx==0.1.2` (bin/setup does)"
        )
    for f in dist.files or []:
        if f.name == "checkpoint.pth":
            return Path(dist.locate_file(f))
    raise BaselineError("the aisfx package has no models/checkpoint.pth")


def official_aisfx_state(path: Path) -> dict:
    # The file pickles (state_dict, {dataset: (np.int64 index, classes)}).
    np_scalar = (np._core.multiarray.scalar, "numpy.core.multiarray.scalar")
    int64 = (type(np.dtype("int64")), "numpy.dtypes.Int64DType")
    with torch.serialization.safe_globals([np_scalar, np.dtype, int64]):
        raw = torch_load(path, "aisfx checkpoint", weights_only=True)
    if isinstance(raw, tuple):
        raw = raw[0]
    if not isinstance(raw, dict):
        raise BaselineError(f"aisfx checkpoint {path} does not hold a state dict")
    # Only the embedding network; the per-dataset classifier heads (fc.*) are not used.
    prefix = "embedding_net."
    return {k.removeprefix(prefix): v for k, v in raw.items() if k.startswith(prefix)}


class AisfxEncoder(nn.Module):
    """(B, N) 16 kHz waveform -> (B, T, 512) frame features, one per 8 spectrogram frames
    (186 ms): the CNN runs over the whole clip and is averaged over frequency only."""

    def __init__(self):
        super().__init__()
        self.to_logmel = LogMelSpectrogram(AISFX_MEL)
        self.embedding_net = EmbeddingNet()
        self.out_dim = self.embedding_net.out_dim

    def logmel(self, wav: torch.Tensor) -> torch.Tensor:
        peak = wav.abs().amax(dim=-1, keepdim=True)  # the package peak-normalises each file
        wav = wav / torch.where(peak > 0, peak, torch.ones_like(peak))
        wav = resample(wav, SAMPLE_RATE, AISFX_MEL.sample_rate)  # (B, N * 44100 / 16000)
        return self.to_logmel(wav)  # (B, 96, T)

    def forward(self, wav: torch.Tensor) -> torch.Tensor:
        x = self.logmel(wav).transpose(1, 2).unsqueeze(1)  # (B, 1, T, 96)
        x = self.embedding_net(x)  # (B, 512, T / 8, 12)
        return x.mean(dim=3).transpose(1, 2)  # (B, T / 8, 512)

    def load_official(self, path: str | Path | None = None) -> None:
        path = Path(path) if path else find_aisfx_checkpoint()
        state = official_aisfx_state(path)
        load_state_strictly(self.embedding_net, state, f"aisfx checkpoint {path}")
