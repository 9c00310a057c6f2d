"""Audio for a scene: synthesized sources and animal recordings, mixed at their levels.

Everything is float64 at SAMPLE_RATE until `to_pcm16` quantises the finished clip.
"""

import numpy as np
from scipy.signal import lfilter

from demodata.scenes import Scene, Source

SAMPLE_RATE = 16000
FADE_S = 0.005
PEAK = 0.8  # every source is scaled to this peak before its gain


def _ramp(length: int) -> np.ndarray:
    """Raised-cosine envelope of `length` samples with FADE_S fades at both ends."""
    fade = min(int(FADE_S * SAMPLE_RATE), length // 2)
    env = np.ones(length)
    if fade:
        up = 0.5 - 0.5 * np.cos(np.pi * np.arange(fade) / fade)
        env[:fade] = up
        env[length - fade :] = up[::-1]
    return env


def _event_starts(
    rng: np.random.Generator, start: int, stop: int, count: int, length: int
) -> np.ndarray:
    """Start samples of `count` events of `length` samples, one per equal slot of the region."""
    slot = (stop - start) / count
    jitter = rng.uniform(0, max(slot - length, 0), size=count)
    return (start + np.arange(count) * slot + jitter).astype(np.int64)


def _events(
    rng: np.random.Generator, region: tuple[int, int], count: int, max_s: float, share: float
) -> tuple[np.ndarray, int]:
    """Event starts and the common event length for `count` events in the region."""
    start, stop = region
    length = max(int(min(max_s * SAMPLE_RATE, share * (stop - start) / count)), 16)
    return _event_starts(rng, start, stop, count, length), length


def _tone(rng: np.random.Generator, src: Source, n: int, region: tuple[int, int]) -> np.ndarray:
    freq = rng.uniform(1500, 3000) if src.high else rng.uniform(180, 420)
    out = np.zeros(n)
    if src.count == 0:
        starts, length = np.array([region[0]]), region[1] - region[0]
    else:
        starts, length = _events(rng, region, src.count, 0.3, 0.5)
    t = np.arange(length) / SAMPLE_RATE
    wave = np.sin(2 * np.pi * freq * t)
    if not src.high:  # a hum has harmonics
        wave += 0.4 * np.sin(4 * np.pi * freq * t) + 0.2 * np.sin(6 * np.pi * freq * t)
    wave *= _ramp(length)
    for s in starts:
        out[s : s + length] = wave[: n - s]
    return out


def _sweep(rng: np.random.Generator, src: Source, n: int, region: tuple[int, int]) -> np.ndarray:
    low, high = rng.uniform(250, 450), rng.uniform(2000, 3500)
    f0, f1 = (low, high) if src.rising else (high, low)
    starts, length = _events(rng, region, src.count, 1.5, 0.8)
    duration = length / SAMPLE_RATE
    t = np.arange(length) / SAMPLE_RATE
    k = np.log(f1 / f0)
    # Exponential chirp: instantaneous frequency f0 * (f1/f0) ** (t / duration).
    phase = 2 * np.pi * f0 * duration / k * (np.exp(k * t / duration) - 1)
    wave = np.sin(phase) * _ramp(length)
    out = np.zeros(n)
    for s in starts:
        out[s : s + length] = wave[: n - s]
    return out


def _noise(rng: np.random.Generator, src: Source, n: int, region: tuple[int, int]) -> np.ndarray:
    starts, length = _events(rng, region, src.count, 0.4, 0.5)
    env = _ramp(length)
    out = np.zeros(n)
    for s in starts:
        burst = rng.standard_normal(length) * env
        out[s : s + length] = burst[: n - s]
    return out


def _rain(rng: np.random.Generator, src: Source, n: int, region: tuple[int, int]) -> np.ndarray:
    start, stop = region
    length = stop - start
    rate = 400 if src.heavy else 60  # drops per second
    drops = (rng.random(length) < rate / SAMPLE_RATE) * rng.standard_normal(length)
    # Each drop rings briefly around 3-5 kHz: a damped two-pole resonator.
    r, w = 0.93, 2 * np.pi * rng.uniform(3000, 5000) / SAMPLE_RATE
    crackle = lfilter([1.0], [1.0, -2 * r * np.cos(w), r * r], drops)
    hiss = np.diff(rng.standard_normal(length + 1)) * (0.25 if src.heavy else 0.08)
    out = np.zeros(n)
    out[start:stop] = (crackle / (np.abs(crackle).max() + 1e-9) + hiss) * _ramp(length)
    return out


def _clicks(rng: np.random.Generator, src: Source, n: int, region: tuple[int, int]) -> np.ndarray:
    start, stop = region
    period = SAMPLE_RATE / (rng.uniform(9, 14) if src.fast else rng.uniform(1.5, 2.5))
    ticks = np.arange(start + rng.uniform(0, period), stop, period)
    ticks = (ticks + rng.normal(0, 0.002 * SAMPLE_RATE, ticks.size)).astype(np.int64)
    kernel_len = int(0.004 * SAMPLE_RATE)
    kernel = rng.standard_normal(kernel_len) * np.exp(-np.arange(kernel_len) / 8.0)
    ticks = ticks[(ticks >= start) & (ticks + kernel_len <= stop)]
    out = np.zeros(n)
    # Ticks are over 1,000 samples apart, so their kernels never overlap.
    out[ticks[:, None] + np.arange(kernel_len)] = kernel
    return out


def _animal(
    rng: np.random.Generator, recording: np.ndarray, n: int, region: tuple[int, int]
) -> np.ndarray:
    start, stop = region
    length = stop - start
    out = np.zeros(n)
    if recording.size >= length:
        offset = int(rng.integers(0, recording.size - length + 1))
        out[start:stop] = recording[offset : offset + length] * _ramp(length)
    else:
        at = start + int(rng.integers(0, length - recording.size + 1))
        out[at : at + recording.size] = recording * _ramp(recording.size)
    return out


_GENERATORS = {"tone": _tone, "sweep": _sweep, "noise": _noise, "rain": _rain, "clicks": _clicks}


def render_source(
    rng: np.random.Generator,
    src: Source,
    n: int,
    region: tuple[int, int],
    recordings: dict[str, np.ndarray],
) -> np.ndarray:
    """The source alone, `n` samples long, sounding only inside `region`, peak PEAK."""
    if src.kind == "silence":
        return np.zeros(n)
    if src.kind == "animal":
        out = _animal(rng, recordings[src.animal], n, region)
    else:
        out = _GENERATORS[src.kind](rng, src, n, region)
    peak = np.abs(out).max()
    return out * (PEAK / peak) if peak > 0 else out


def render(
    rng: np.random.Generator, scene: Scene, n: int, recordings: dict[str, np.ndarray]
) -> np.ndarray:
    """The clip of `n` samples for the scene, peak at most 0.99."""
    if scene.relation == "then":
        gap = n // 20
        regions = [(0, n // 2 - gap), (n // 2 + gap, n)]
        gains_db = [rng.uniform(-2, 0), rng.uniform(-2, 0)]
    elif scene.relation == "while":
        regions = [(0, n), (0, n)]
        gains_db = [0.0, rng.uniform(-16, -10)]  # the second source in the background
    else:
        regions = [(0, n)]
        gains_db = [rng.uniform(-28, -22) if scene.quiet else rng.uniform(-3, 0)]
    clip = np.zeros(n)
    for src, region, gain in zip(scene.sources, regions, gains_db, strict=True):
        clip += render_source(rng, src, n, region, recordings) * 10 ** (gain / 20)
    # A faint noise floor, as every recording has; silence is this floor alone.
    clip += rng.standard_normal(n) * 10 ** (-72 / 20)
    peak = np.abs(clip).max()
    return clip * (0.99 / peak) if peak > 0.99 else clip


def to_pcm16(clip: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(clip * 32767), -32768, 32767).astype("<i2")
