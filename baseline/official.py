"""What the official XACLE 2026 code does beyond the network: BYOL-A's log-mel normalisation
per split, the released best_model.pt's key names, and the 2-decimal output.

Normalisation (models/Byola.py get_normalizer, byol_a/dataset.py WaveInLMSOutDataset): every
clip of a split, zero-padded at both ends to 10 s (a longer one randomly cropped), turned into a
log-mel by torchaudio's MelSpectrogram (HTK scale, filters not normalised: not the nnAudio front
end that makes the features), log(x + eps); the mean and the population standard deviation of
all values. Training uses the train split's statistics, validation its own, and test inference
the test split's own.
"""

import random
from contextlib import contextmanager, nullcontext

import numpy as np
import torch

from baseline.data import SAMPLE_RATE, Split, read_wav
from baseline.errors import BaselineError
from baseline.features import BYOLA_MEL, BYOLA_STATS_MEL, LogMelSpectrogram

# The nnAudio MelSpectrogram buffers in the release, checked by shape then left out: our front
# end computes the same filters (features.py, tested against NumPy).
NNAUDIO_PREFIX = "audio_encoder.to_melspec."
N_FREQ = BYOLA_MEL.n_fft // 2 + 1
NNAUDIO_BUFFERS = {
    "mel_basis": (BYOLA_MEL.n_mels, N_FREQ),
    "stft.wsin": (N_FREQ, 1, BYOLA_MEL.n_fft),
    "stft.wcos": (N_FREQ, 1, BYOLA_MEL.n_fft),
    "stft.window_mask": (1, BYOLA_MEL.n_fft, 1),
}
# Saved by the transformers of the official run (4.15), computed by today's.
VERSION_BUFFERS = ("text_encoder.model.embeddings.position_ids",)
OUR_NORM = ("audio_encoder.norm_mean", "audio_encoder.norm_std")


def pad_or_crop(wav: np.ndarray, n: int, rng: random.Random) -> np.ndarray:
    """The statistics' clip: zero-padded at both ends (half each side) or randomly cropped."""
    adj = n - len(wav)
    if adj > 0:
        return np.pad(wav, (adj // 2, adj - adj // 2))
    start = rng.randint(0, -adj) if adj < 0 else 0
    return wav[start : start + n]


@torch.no_grad()
def official_norm_stats(split: Split, seconds: float = 10.0, seed: int = 0) -> tuple[float, float]:
    """(mean, population std) of the split's log-mels as the official code computes them."""
    front = LogMelSpectrogram(BYOLA_STATS_MEL)
    n = int(seconds * SAMPLE_RATE)
    rng = random.Random(seed)
    total = total_sq = 0.0
    count = 0
    for name in split.ids:
        wav = pad_or_crop(read_wav(split.wav_dir / name, None), n, rng)
        lms = front(torch.from_numpy(wav)[None])[0].double()  # (64, T)
        total += lms.sum().item()
        total_sq += (lms**2).sum().item()
        count += lms.numel()
    if count == 0:
        raise BaselineError(f"the {split.name} split has no clips for the normalisation")
    mean = total / count
    return mean, max(float(np.sqrt(max(total_sq / count - mean**2, 0.0))), 1e-8)


def uses_split_norm(model, cfg) -> bool:
    encoder = getattr(model, "audio_encoder", None)
    return (
        cfg.audio_encoder == "byola"
        and cfg.norm == "official"
        and encoder is not None
        and not cfg.text_only
    )


def split_stats(split: Split, cfg) -> tuple[float, float]:
    if split.norm_stats is None:
        split.norm_stats = official_norm_stats(split, cfg.max_seconds, cfg.seed)
    return split.norm_stats


@contextmanager
def _swapped(encoder, stats):
    saved = encoder.norm_mean.item(), encoder.norm_std.item()
    encoder.norm_mean.fill_(stats[0])
    encoder.norm_std.fill_(stats[1])
    try:
        yield
    finally:
        encoder.norm_mean.fill_(saved[0])
        encoder.norm_std.fill_(saved[1])


def split_norm(model, split: Split, cfg):
    """While encoding a split other than train: its own statistics (the official behaviour).
    The encoder's buffers keep the train split's, which the checkpoint saves."""
    if not uses_split_norm(model, cfg) or split.name == "train":
        return nullcontext()
    return _swapped(model.audio_encoder, split_stats(split, cfg))


def round_predictions(preds: np.ndarray, rounding: str) -> np.ndarray:
    """round(pred, 2) as the official inference writes (Python's rounding of each float)."""
    if rounding == "none":
        return preds
    if rounding != "2":
        raise BaselineError(f"unknown rounding {rounding!r}: use 2 or none")
    return np.array([round(float(p), 2) for p in preds])


def official_release_state(raw, own: dict, source: str) -> dict:
    """The released best_model.pt (the official model's state_dict) in our model's names: the
    nnAudio buffers checked and left out, transformers' saved position ids left out; our norm
    buffers, which the release does not have, filled (the official normalisation recomputes
    them per split). Every other key must be one of ours."""
    if not isinstance(raw, dict) or not all(isinstance(v, torch.Tensor) for v in raw.values()):
        raise BaselineError(f"{source} is not a state dict (the official best_model.pt is one)")
    state = {}
    for key, value in raw.items():
        if key.startswith(NNAUDIO_PREFIX):
            name = key.removeprefix(NNAUDIO_PREFIX)
            if name not in NNAUDIO_BUFFERS:
                raise BaselineError(f"{source}: unexpected front-end buffer {key}")
            if tuple(value.shape) != NNAUDIO_BUFFERS[name]:
                raise BaselineError(f"{source}: {key} has shape {tuple(value.shape)}, the "
                                    f"official front end {NNAUDIO_BUFFERS[name]}")  # fmt: skip
            continue
        if key in VERSION_BUFFERS:
            continue
        state[key] = value
    missing_front = [k for k in NNAUDIO_BUFFERS if NNAUDIO_PREFIX + k not in raw]
    if missing_front:
        raise BaselineError(
            f"{source} is not the official release: it lacks {NNAUDIO_PREFIX}{missing_front[0]}"
        )
    for key in OUR_NORM:
        if key in state:
            raise BaselineError(f"{source} has {key}: it is one of our checkpoints, not the "
                                "official release (use predict RUN instead)")  # fmt: skip
        state[key] = own[key].clone()
    return state


def release_sizes(raw: dict, source: str) -> dict:
    """The predictor sizes the release's weights describe."""
    try:
        rnn = raw["ldconditioner.rnn.weight_hh_l0"].shape  # (4 H, H)
        proj = raw["projection.net.0.weight"].shape  # (P, 2 H)
    except (KeyError, AttributeError, TypeError):
        raise BaselineError(f"{source} is not the official release: no ldconditioner/projection")
    return {"rnn_hidden": rnn[1], "proj_hidden": proj[0]}
