"""Shared data for the scoring tests: XACLE-shaped truths and predictions, tiny phases."""

from __future__ import annotations

import numpy as np
import pytest

# Test-phase ids as released: 10500.wav ... 13499.wav.
TEST_IDS = [f"{i:05d}.wav" for i in range(10500, 10510)]
VALIDATION_IDS = [f"{i:05d}.wav" for i in range(7500, 7510)]


def xacle_truth(rng: np.random.Generator, n: int, raters: int = 4) -> np.ndarray:
    """Mean of `raters` integer ratings 0..10 per item: few distinct values, many ties."""
    return rng.integers(0, 11, size=(n, raters)).mean(axis=1)


def xacle_prediction(rng: np.random.Generator, truth: np.ndarray, kind: str) -> np.ndarray:
    """A prediction of the given kind, shaped like what participants submit."""
    noisy = truth + rng.normal(0.0, 2.0, size=len(truth))
    return {
        "continuous": noisy,
        "two_decimals": np.round(noisy, 2),
        "integers": np.round(noisy),
        "reversed": 10.0 - truth,
        "equal": truth.copy(),
        "negative": noisy - 20.0,
        "above_ten": noisy * 3.0 + 10.0,
    }[kind]


PREDICTION_KINDS = [
    "continuous",
    "two_decimals",
    "integers",
    "reversed",
    "equal",
    "negative",
    "above_ten",
]


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20260101)


@pytest.fixture
def test_ids() -> list[str]:
    return list(TEST_IDS)


@pytest.fixture
def validation_ids() -> list[str]:
    return list(VALIDATION_IDS)


@pytest.fixture
def submission_text(test_ids):
    """CSV text with one row per test id, score = 0.5 * position, in the given header."""

    def make(header: str | None = "wav_file_name,pred_score", ids=None, newline="\n") -> str:
        rows = [header] if header is not None else []
        rows += [f"{item},{0.5 * i}" for i, item in enumerate(ids or test_ids)]
        return newline.join(rows) + newline

    return make


@pytest.fixture
def make_truth():
    return xacle_truth


@pytest.fixture
def make_prediction():
    return xacle_prediction
