"""Listeners: each has a bias and a noise level and rates a pair with an integer 0..10.

rating = clip(round(latent + bias + noise), 0, 10), with bias ~ N(0, BIAS_SD) and noise
~ N(0, sd) where each listener's sd is drawn from NOISE_SD_RANGE.
"""

from dataclasses import dataclass

import numpy as np

BIAS_SD = 1.0
NOISE_SD_RANGE = (0.8, 2.4)
ID_ALPHABET = np.array(list("abcdefghijklmnopqrstuvwxyz0123456789"))
ID_LENGTH = 8
# Ratings per listener in the official set: 30,000 train ratings by 2,323 listeners,
# 12,000 test ratings by 1,336; pools are sized to give about as many.
RATINGS_PER_LISTENER = {"train/validation": 13, "test": 9}


@dataclass(frozen=True)
class Panel:
    """A pool of listeners: ids, biases and noise levels, index-aligned."""

    ids: tuple[str, ...]
    bias: np.ndarray
    noise_sd: np.ndarray


def listener_ids(rng: np.random.Generator, count: int) -> list[str]:
    """`count` distinct random ids of ID_LENGTH lower-case letters and digits."""
    ids: dict[str, None] = {}  # insertion-ordered set, for determinism
    while len(ids) < count:
        draws = rng.integers(0, ID_ALPHABET.size, size=(count - len(ids), ID_LENGTH))
        for row in ID_ALPHABET[draws]:
            ids.setdefault("".join(row), None)
    return list(ids)


def draw_panel(rng: np.random.Generator, ids: list[str]) -> Panel:
    n = len(ids)
    return Panel(
        ids=tuple(ids),
        bias=rng.normal(0.0, BIAS_SD, n),
        noise_sd=rng.uniform(*NOISE_SD_RANGE, n),
    )


def pool_size(ratings: int, per_pair: int, ratings_per_listener: int) -> int:
    """How many listeners share `ratings`; at least twice the listeners one pair needs."""
    return max(-(-ratings // ratings_per_listener), 2 * per_pair)


def assign(rng: np.random.Generator, items: int, per_pair: int, pool: int) -> np.ndarray:
    """(items, per_pair) listener indices into a pool, distinct within each row."""
    who = rng.integers(0, pool, size=(items, per_pair))
    while True:
        ordered = np.sort(who, axis=1)
        bad = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
        if not bad.any():
            return who
        who[bad] = rng.integers(0, pool, size=(int(bad.sum()), per_pair))


def rate(rng: np.random.Generator, latent: np.ndarray, who: np.ndarray, panel: Panel) -> np.ndarray:
    """(items, per_pair) integer ratings of the items with latent relevance `latent`."""
    noise = rng.standard_normal(who.shape) * panel.noise_sd[who]
    raw = latent[:, None] + panel.bias[who] + noise
    return np.clip(np.rint(raw), 0, 10).astype(np.int64)
