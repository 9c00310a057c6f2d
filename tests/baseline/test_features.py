"""The torch log-mel front ends against a NumPy reference written from the librosa definitions."""

import math

import numpy as np
import pytest
import torch

from baseline.features import (  # noqa: E402
    AISFX_MEL,
    BYOLA_MEL,
    BYOLA_STATS_MEL,
    M2D_MEL,
    LogMelSpectrogram,
    MelConfig,
    hz_to_mel,
    mel_filterbank,
    resample,
)


def ref_mel(f: float, htk: bool) -> float:
    if htk:
        return 2595 * math.log10(1 + f / 700)
    return f * 3 / 200 if f < 1000 else 15 + math.log(f / 1000) * 27 / math.log(6.4)


def ref_hz(m: float, htk: bool) -> float:
    if htk:
        return 700 * (10 ** (m / 2595) - 1)
    return m * 200 / 3 if m < 15 else 1000 * math.exp((m - 15) * math.log(6.4) / 27)


def ref_filterbank(cfg: MelConfig) -> np.ndarray:
    htk = cfg.mel_scale == "htk"
    lo, hi = ref_mel(cfg.f_min, htk), ref_mel(cfg.f_max, htk)
    pts = [ref_hz(lo + (hi - lo) * i / (cfg.n_mels + 1), htk) for i in range(cfg.n_mels + 2)]
    n_bins = cfg.n_fft // 2 + 1
    fb = np.zeros((cfg.n_mels, n_bins))
    for m in range(cfg.n_mels):
        left, centre, right = pts[m], pts[m + 1], pts[m + 2]
        for k in range(n_bins):
            f = k * cfg.sample_rate / cfg.n_fft
            if left < f < right:
                fb[m, k] = (
                    (f - left) / (centre - left) if f <= centre else (right - f) / (right - centre)
                )
        if cfg.mel_norm == "slaney":
            fb[m] *= 2 / (right - left)
        elif cfg.mel_norm == "unit_sum" and fb[m].sum() > 0:
            fb[m] /= fb[m].sum()
    return fb


def ref_logmel(wav: np.ndarray, cfg: MelConfig) -> np.ndarray:
    n, hop = cfg.n_fft, cfg.hop_length
    padded = np.pad(wav, n // 2, mode="reflect")
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)  # periodic Hann
    frames = np.stack([padded[t * hop : t * hop + n] * window for t in range(len(wav) // hop + 1)])
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2  # (T, n // 2 + 1)
    mel = ref_filterbank(cfg) @ power.T  # (n_mels, T)
    if cfg.compression == "aisfx":
        return np.log10(mel * 1e4 + 1) / 9.457798957824707
    return np.log(mel + np.finfo(np.float32).eps)


def test_mel_scales_match_their_definitions():
    assert hz_to_mel(np.array([1000.0]), "slaney")[0] == pytest.approx(15.0)
    assert hz_to_mel(np.array([700.0]), "htk")[0] == pytest.approx(2595 * math.log10(2))


FRONT_ENDS = [BYOLA_MEL, AISFX_MEL, BYOLA_STATS_MEL, M2D_MEL]
FRONT_END_IDS = ["byola", "aisfx", "byola-official-stats", "m2d"]


@pytest.mark.parametrize("cfg", FRONT_ENDS, ids=FRONT_END_IDS)
def test_filterbank_matches_the_reference(cfg):
    np.testing.assert_allclose(mel_filterbank(cfg), ref_filterbank(cfg), rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("cfg", FRONT_ENDS, ids=FRONT_END_IDS)
def test_log_mel_matches_the_numpy_reference(cfg):
    rng = np.random.default_rng(1)
    t = np.arange(cfg.sample_rate // 2) / cfg.sample_rate  # 0.5 s
    wav = 0.3 * np.sin(2 * np.pi * 440 * t) + 0.05 * rng.standard_normal(len(t))
    got = LogMelSpectrogram(cfg)(torch.tensor(wav, dtype=torch.float32)[None])[0].numpy()
    expected = ref_logmel(wav, cfg)
    assert got.shape == expected.shape == (cfg.n_mels, len(wav) // cfg.hop_length + 1)
    np.testing.assert_allclose(got, expected, rtol=1e-3, atol=2e-3)


def test_the_two_byola_front_ends_differ_as_the_official_code_has_them():
    # The features: Slaney scale, area-normalised filters; the statistics: HTK, unnormalised.
    assert (BYOLA_MEL.mel_scale, BYOLA_MEL.mel_norm) == ("slaney", "slaney")
    assert (BYOLA_STATS_MEL.mel_scale, BYOLA_STATS_MEL.mel_norm) == ("htk", None)
    assert not np.allclose(mel_filterbank(BYOLA_MEL), mel_filterbank(BYOLA_STATS_MEL))


def test_m2d_front_end_gives_1001_frames_of_80_mels_for_ten_seconds():
    assert LogMelSpectrogram(M2D_MEL)(torch.zeros(1, 160000)).shape == (1, 80, 1001)


def test_byola_front_end_gives_1001_frames_for_ten_seconds():
    wav = torch.zeros(2, 160000)
    assert LogMelSpectrogram(BYOLA_MEL)(wav).shape == (2, 64, 1001)


def test_resampling_keeps_a_tone_at_its_frequency():
    t = torch.arange(16000) / 16000
    up = resample(torch.sin(2 * math.pi * 1000 * t)[None], 16000, 44100)[0]
    assert up.shape == (44100,)
    peak_bin = torch.fft.rfft(up).abs().argmax().item()  # 1 Hz bins over one second
    assert peak_bin == 1000
    assert up.abs().max().item() == pytest.approx(1.0, abs=0.02)
