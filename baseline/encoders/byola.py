"""BYOL-A v2 AudioNTT2022 (Niizumi et al.) as the official XACLE baseline uses it: frame features.

Attribute names follow byol_a2/models.py so that AudioNTT2022-BYOLA-64x96d2048.pth loads as is.
Imports only torch (bench/baseline_gpu.py relies on that).
"""

from pathlib import Path

import torch
from torch import nn

from baseline.encoders.weights import load_state_strictly, torch_load
from baseline.errors import BaselineError
from baseline.features import BYOLA_MEL, LogMelSpectrogram


class AudioNTT2022(nn.Module):
    """(B, 1, n_mels, T) log-mel -> (B, T // 4, d) frame features: conv features, MLP stacked."""

    def __init__(self, n_mels: int = 64, d: int = 3072, base_d: int = 64, mlp_hidden_d: int = 2048):
        super().__init__()
        conv_layers = 2
        convs: list[nn.Module] = []
        for i in range(conv_layers):
            convs += [
                nn.Conv2d(1 if i == 0 else base_d, base_d, 3, stride=1, padding=1),
                nn.BatchNorm2d(base_d),
                nn.ReLU(),
                nn.MaxPool2d(2, stride=2),
            ]
        self.features = nn.Sequential(*convs)
        self.conv_d = base_d * (n_mels // 2**conv_layers)
        if d <= self.conv_d:
            raise BaselineError(f"BYOL-A d={d} must exceed the conv feature size {self.conv_d}")
        self.fc = nn.Sequential(
            nn.Linear(self.conv_d, mlp_hidden_d),
            nn.ReLU(),
            nn.Dropout(p=0.3),
            nn.Linear(mlp_hidden_d, d - self.conv_d),
            nn.ReLU(),
        )
        self.out_dim = d

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)  # (B, C, M / 4, T / 4)
        x = x.permute(0, 3, 2, 1)  # (B, T / 4, M / 4, C)
        B, T, M, C = x.shape
        x = x.reshape(B, T, M * C)  # (B, T / 4, conv_d)
        return torch.cat([x, self.fc(x)], dim=-1)  # (B, T / 4, d)


def official_byola_state(raw) -> dict:
    """The network's weights from a BYOL-A checkpoint, keys as byol_a2.load_pretrained_weights
    keeps them: unwrap 'state_dict' / 'model', drop a 'model.' prefix, keep features.* and fc.*."""
    if not isinstance(raw, dict):
        raise BaselineError("a BYOL-A checkpoint must hold a state dict")
    for key in ("state_dict", "model"):
        if isinstance(raw.get(key), dict):
            raw = raw[key]
    state = {}
    for k, v in raw.items():
        k = k.removeprefix("module.").removeprefix("model.")
        if k.startswith(("features.", "fc.")):
            state[k] = v
    return state


class BYOLAEncoder(nn.Module):
    """(B, N) 16 kHz waveform -> (B, N / 640 + 1 / 4, d) frame features."""

    def __init__(self, d: int = 3072, mlp_hidden_d: int = 2048):
        super().__init__()
        self.to_logmel = LogMelSpectrogram(BYOLA_MEL)
        # Log-mel normalisation (BYOL-A's PrecomputedNorm), fitted on the training split.
        self.register_buffer("norm_mean", torch.tensor(0.0))
        self.register_buffer("norm_std", torch.tensor(1.0))
        self.model = AudioNTT2022(n_mels=BYOLA_MEL.n_mels, d=d, mlp_hidden_d=mlp_hidden_d)
        self.out_dim = d

    def logmel(self, wav: torch.Tensor) -> torch.Tensor:
        return self.to_logmel(wav)  # (B, 64, T)

    def forward(self, wav: torch.Tensor) -> torch.Tensor:
        lms = (self.logmel(wav) - self.norm_mean) / self.norm_std  # (B, 64, T)
        return self.model(lms.unsqueeze(1))  # (B, T / 4, d)

    def load_official(self, path: str | Path) -> None:
        raw = torch_load(path, "BYOL-A checkpoint", weights_only=True)
        load_state_strictly(self.model, official_byola_state(raw), f"BYOL-A checkpoint {path}")

    @torch.no_grad()
    def fit_norm(self, logmels: list[torch.Tensor]) -> None:
        flat = torch.cat([x.flatten() for x in logmels])
        self.norm_mean.fill_(flat.mean().item())
        self.norm_std.fill_(max(flat.std().item(), 1e-8))
