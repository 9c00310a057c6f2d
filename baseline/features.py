"""Log-mel front ends in plain torch (no torchaudio, no librosa).

Four configurations are used:
- BYOL-A, as the official XACLE baseline computes it with nnAudio's MelSpectrogram defaults:
  16 kHz, n_fft = win = 1024, hop 160, 64 mels from 60 to 7800 Hz, Slaney mel scale with
  Slaney area normalisation, power 2, centred frames with reflect padding, then log(x + eps).
- aisfx, as the package's own librosa path computes it: 44.1 kHz, n_fft = win = 2048, hop 1024,
  96 mels from 0 to 22050 Hz, HTK mel scale, filters normalised to unit sum, power 2, then
  log10(1e4 x + 1) divided by the package's normalisation maximum 9.4578.
- BYOL-A's normalisation statistics as the official 2026 code computes them (torchaudio).
- M2D-CLAP's: 16 kHz, n_fft = win = 400, hop 160, 80 mels from 50 to 8000 Hz, as BYOL-A's.
"""

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

AISFX_SPEC_MAX = 9.457798957824707  # aisfx.preprocessing.spectrogram_normalize('original')


@dataclass(frozen=True)
class MelConfig:
    sample_rate: int
    n_fft: int
    hop_length: int
    n_mels: int
    f_min: float
    f_max: float
    mel_scale: str  # "slaney" | "htk"
    mel_norm: str | None  # "slaney" (area) | "unit_sum" (L1) | None
    compression: str  # "ln_eps" | "aisfx"
    pad_mode: str = "reflect"


BYOLA_MEL = MelConfig(16000, 1024, 160, 64, 60.0, 7800.0, "slaney", "slaney", "ln_eps")
AISFX_MEL = MelConfig(44100, 2048, 1024, 96, 0.0, 22050.0, "htk", "unit_sum", "aisfx")
# The official 2026 code computes BYOL-A's normalisation statistics with torchaudio's
# MelSpectrogram at the same sizes: HTK scale, no filter normalisation.
BYOLA_STATS_MEL = MelConfig(16000, 1024, 160, 64, 60.0, 7800.0, "htk", None, "ln_eps")
# M2D's runtime front end (nnAudio defaults: Slaney scale and area normalisation).
M2D_MEL = MelConfig(16000, 400, 160, 80, 50.0, 8000.0, "slaney", "slaney", "ln_eps")


def hz_to_mel(hz: np.ndarray, scale: str) -> np.ndarray:
    hz = np.asarray(hz, dtype=np.float64)
    if scale == "htk":
        return 2595.0 * np.log10(1.0 + hz / 700.0)
    # Slaney: linear below 1 kHz, logarithmic above.
    f_sp, min_log_hz, logstep = 200.0 / 3, 1000.0, np.log(6.4) / 27.0
    mel = hz / f_sp
    above = hz >= min_log_hz
    mel[above] = min_log_hz / f_sp + np.log(hz[above] / min_log_hz) / logstep
    return mel


def mel_to_hz(mel: np.ndarray, scale: str) -> np.ndarray:
    mel = np.asarray(mel, dtype=np.float64)
    if scale == "htk":
        return 700.0 * (10.0 ** (mel / 2595.0) - 1.0)
    f_sp, min_log_hz, logstep = 200.0 / 3, 1000.0, np.log(6.4) / 27.0
    min_log_mel = min_log_hz / f_sp
    hz = f_sp * mel
    above = mel >= min_log_mel
    hz[above] = min_log_hz * np.exp(logstep * (mel[above] - min_log_mel))
    return hz


def mel_filterbank(cfg: MelConfig) -> np.ndarray:
    """Triangular mel filters, (n_mels, n_fft // 2 + 1), as librosa.filters.mel builds them."""
    fft_freqs = np.linspace(0.0, cfg.sample_rate / 2, cfg.n_fft // 2 + 1)
    lo, hi = hz_to_mel(np.array([cfg.f_min, cfg.f_max]), cfg.mel_scale)
    edges = mel_to_hz(np.linspace(lo, hi, cfg.n_mels + 2), cfg.mel_scale)  # (n_mels + 2,)
    widths = np.diff(edges)
    ramps = edges[:, None] - fft_freqs[None, :]
    rising = -ramps[:-2] / widths[:-1, None]
    falling = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(rising, falling))
    if cfg.mel_norm == "slaney":
        weights *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    elif cfg.mel_norm == "unit_sum":
        sums = weights.sum(axis=1, keepdims=True)
        weights = np.divide(weights, sums, out=np.zeros_like(weights), where=sums > 0)
    return weights.astype(np.float32)


class LogMelSpectrogram(nn.Module):
    """(B, N) waveform -> (B, n_mels, T) log-mel, T = N // hop + 1."""

    def __init__(self, cfg: MelConfig):
        super().__init__()
        self.cfg = cfg
        # Not persistent: state dicts keep the official key names of the networks only.
        self.register_buffer("window", torch.hann_window(cfg.n_fft), persistent=False)
        self.register_buffer("fbank", torch.from_numpy(mel_filterbank(cfg)), persistent=False)

    def forward(self, wav: torch.Tensor) -> torch.Tensor:
        spec = torch.stft(
            wav.float(),
            n_fft=self.cfg.n_fft,
            hop_length=self.cfg.hop_length,
            window=self.window,
            center=True,
            pad_mode=self.cfg.pad_mode,
            return_complex=True,
        )  # (B, n_fft // 2 + 1, T)
        power = spec.real**2 + spec.imag**2
        mel = torch.matmul(self.fbank, power)  # (B, n_mels, T)
        if self.cfg.compression == "aisfx":
            return torch.log10(mel * 1e4 + 1.0) / AISFX_SPEC_MAX
        return torch.log(mel + torch.finfo(torch.float).eps)


def resample(wav: torch.Tensor, orig_sr: int, new_sr: int) -> torch.Tensor:
    """Band-limited resampling of (B, N) by zero-padding or truncating the spectrum."""
    if orig_sr == new_sr:
        return wav
    n = wav.shape[-1]
    m = int(round(n * new_sr / orig_sr))
    spec = torch.fft.rfft(wav.float(), dim=-1)  # (B, n // 2 + 1)
    keep = min(spec.shape[-1], m // 2 + 1)
    out = spec.new_zeros(*spec.shape[:-1], m // 2 + 1)
    out[..., :keep] = spec[..., :keep]
    return torch.fft.irfft(out, n=m, dim=-1) * (m / n)  # (B, m)
