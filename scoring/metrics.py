"""SRCC, LCC, KTAU (Kendall's tau-b) and MSE of predictions against a phase's mean scores.

One phase's truth is scored against thousands of submissions, so `prepare` computes everything
that depends on the truth alone once (its sort order, average ranks, centred values, tie counts)
and `PreparedTruth.evaluate` only does the work that depends on the prediction: one sort and a
handful of vectorised passes. The numbers agree with scipy's `spearmanr`, `pearsonr`,
`kendalltau(variant="b")` and a NumPy MSE to well within 1e-12.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["PreparedTruth", "Result", "evaluate", "prepare"]


@dataclass(frozen=True)
class Result:
    """The four challenge metrics of one prediction over the `n` items of a phase (or split).

    `constant_prediction` is true when every prediction is the same number: the correlations are
    then undefined and reported as 0.0 (the official scorer does the same for LCC). Likewise
    `constant_truth` for a truth with a single value, which only a tiny split can have.
    """

    srcc: float
    lcc: float
    ktau: float
    mse: float
    n: int
    constant_prediction: bool = False
    constant_truth: bool = False

    def as_dict(self) -> dict[str, float | int | bool]:
        """The stored form: the metrics, `n` and `constant_prediction`."""
        return {
            "srcc": self.srcc,
            "lcc": self.lcc,
            "ktau": self.ktau,
            "mse": self.mse,
            "n": self.n,
            "constant_prediction": self.constant_prediction,
        }


def _as_scores(values: ArrayLike, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} holds NaN or infinite values")
    return array


class _Runs:
    """Runs of equal values in a sorted array, described by `same[i] = (v[i + 1] == v[i])`."""

    def __init__(self, same: np.ndarray) -> None:
        n = len(same) + 1
        # ndarray.nonzero and slicing rather than np.flatnonzero and np.diff: the same
        # results without their wrappers, which cost more than the work at this size.
        self.starts = np.concatenate(([True], ~same)).nonzero()[0]
        ends = np.append(self.starts, n)
        self.lengths = ends[1:] - ends[:-1]

    @property
    def count(self) -> int:
        return len(self.starts)

    def tied_pairs(self) -> int:
        """Pairs of elements that share a value: sum of t(t - 1) / 2 over the runs."""
        lengths = self.lengths
        return int((lengths * (lengths - 1)).sum()) // 2

    def average_ranks(self) -> np.ndarray:
        """1-based ranks of the sorted elements, ties given the mean of the ranks they span."""
        return np.repeat(self.starts + (self.lengths + 1) / 2.0, self.lengths)


def _sortable(values: np.ndarray) -> np.ndarray:
    """int64 keys in the same order as the finite floats `values`, equal exactly where they
    are equal: NumPy sorts these stably faster than the floats themselves."""
    bits = (values + 0.0).view(np.int64)  # + 0.0 turns -0.0 into 0.0, its equal
    # Negative floats sort in reverse bit order: flip all but the sign bit.
    return bits ^ ((bits >> 63) & 0x7FFF_FFFF_FFFF_FFFF)


def _tied_pairs(same: np.ndarray) -> int:
    """Pairs of equal elements of a sorted array, from `same[i] = (v[i + 1] == v[i])`; cheap
    when there are few ties."""
    inside = same.nonzero()[0]
    if not len(inside):
        return 0
    ends = ((inside[1:] - inside[:-1]) != 1).nonzero()[0] + 1
    bounds = np.concatenate(([0], ends, [len(inside)]))
    lengths = bounds[1:] - bounds[:-1]  # links per run: t - 1
    return int((lengths * (lengths + 1)).sum()) // 2


def _one_before_zero_pairs(values: np.ndarray, nbits: int) -> int:
    """Sum, over the levels of a wavelet matrix of `values`, of the pairs "a 1 bit before a 0 bit".

    Level b (from the top bit down) holds the values stably partitioned by their higher bits, so
    each group of values with equal higher bits is contiguous and keeps the original order.
    Inside a group, a 1 before a 0 is exactly an inversion (i < j, v[i] > v[j]) first decided at
    bit b; the pairs that straddle two groups depend only on how many of each value there are,
    not on their order. So `inversions(v) = this(v) - this(sorted(v))`, which lets the truth's
    part be computed once. Each level is O(n) in NumPy: O(n log K) for K distinct values.
    """
    n = len(values)
    total = 0
    for b in range(nbits - 1, -1, -1):
        bit = (values & (1 << b)) != 0
        ones = bit.nonzero()[0]
        k = len(ones)
        # Zeros after the j-th one (0-based) at position q: (n - 1 - q) - (k - 1 - j).
        total += k * (n - 1) - k * (k - 1) // 2 - int(ones.sum())
        if b:
            values = values[np.concatenate(((~bit).nonzero()[0], ones))]
    return total


class PreparedTruth:
    """A phase's mean scores with everything the metrics need from them computed once."""

    def __init__(self, y_true: ArrayLike) -> None:
        truth = _as_scores(y_true, "y_true")
        n = len(truth)
        if n == 0:
            raise ValueError("y_true is empty")
        self._truth = truth
        self._n = n
        self._pairs = n * (n - 1) // 2

        order = np.argsort(truth, kind="stable")
        sorted_truth = truth[order]
        same = sorted_truth[1:] == sorted_truth[:-1]
        runs = _Runs(same)
        self._order = order
        self.constant = runs.count == 1
        if self.constant:
            return

        # LCC: the centred truth scaled to unit length.
        centred = truth - truth.mean()
        self._unit = centred / np.linalg.norm(centred)

        # SRCC: centred average ranks, kept in truth order so one gather lines them up with the
        # prediction's sort order.
        ranks = runs.average_ranks() - (n + 1) / 2.0
        self._ranks_by_truth = ranks
        self._ranks_norm = float(np.linalg.norm(ranks))

        # KTAU: dense ranks 0..K-1 of the truth in truth order, its tied pairs, and the part of
        # the wavelet count that does not depend on the order (see _one_before_zero_pairs).
        # The narrowest integer type keeps the per-level passes cheap.
        dtype = np.min_scalar_type(runs.count - 1)
        self._dense_by_truth = np.repeat(np.arange(runs.count, dtype=dtype), runs.lengths)
        self._nbits = max(1, (runs.count - 1).bit_length())
        self._truth_ties = runs.tied_pairs()
        self._straddling = _one_before_zero_pairs(self._dense_by_truth, self._nbits)

    def __len__(self) -> int:
        return self._n

    def evaluate(self, y_pred: ArrayLike) -> Result:
        """Score `y_pred` (aligned with the truth) on SRCC, LCC, KTAU (tau-b) and MSE."""
        pred = _as_scores(y_pred, "y_pred")
        n = self._n
        if len(pred) != n:
            raise ValueError(f"y_pred has {len(pred)} values, the truth has {n}")

        diff = self._truth - pred
        with np.errstate(over="ignore"):  # an absurd prediction gives MSE = inf, not a warning
            mse = float(np.dot(diff, diff)) / n

        # Sorting the prediction laid out in truth order, stably, breaks ties in the prediction
        # by the truth: the order tau-b's discordant-pair count needs.
        by_truth = pred[self._order]
        order = np.argsort(_sortable(by_truth), kind="stable")
        sorted_pred = by_truth[order]
        if sorted_pred[0] == sorted_pred[-1]:
            return Result(0.0, 0.0, 0.0, mse, n, constant_prediction=True)
        if self.constant:
            return Result(0.0, 0.0, 0.0, mse, n, constant_truth=True)
        same = sorted_pred[1:] == sorted_pred[:-1]
        runs = _Runs(same)

        # Extreme values are scaled first, as scipy does, so they neither overflow nor
        # underflow; ordinary ones are not, which keeps shifted predictions exactly tied.
        peak = float(np.abs(pred).max())
        scaled = pred if 1e-100 < peak < 1e100 else pred / peak
        centred = scaled - scaled.sum() / n
        spread = math.sqrt(float(np.dot(centred, centred)))
        if not spread > 0.0:  # distinct values too close to tell apart: no correlation
            return Result(0.0, 0.0, 0.0, mse, n, constant_prediction=True)
        lcc = float(np.dot(self._unit, centred)) / spread

        ranks = runs.average_ranks() - (n + 1) / 2.0
        srcc = float(np.dot(self._ranks_by_truth[order], ranks)) / (
            self._ranks_norm * math.sqrt(float(np.dot(ranks, ranks)))
        )

        truth_dense = self._dense_by_truth[order]
        both_tied = same & (truth_dense[1:] == truth_dense[:-1])
        joint_ties = _tied_pairs(both_tied)
        pred_ties = runs.tied_pairs()
        # Pairs ordered by prediction whose truth goes down: the discordant pairs.
        discordant = _one_before_zero_pairs(truth_dense, self._nbits) - self._straddling
        pairs = self._pairs
        concordant_minus_discordant = (
            pairs - self._truth_ties - pred_ties + joint_ties - 2 * discordant
        )
        # The same operations, in the same order, as scipy's kendalltau.
        ktau = float(
            concordant_minus_discordant
            / np.sqrt(pairs - self._truth_ties)
            / np.sqrt(pairs - pred_ties)
        )
        return Result(_clip(srcc), _clip(lcc), _clip(ktau), mse, n)


def _clip(r: float) -> float:
    # Rounding can push a perfect correlation a hair past 1; scipy clips the same way.
    return min(1.0, max(-1.0, r))


def prepare(y_true: ArrayLike) -> PreparedTruth:
    """Compute once what every evaluation against `y_true` needs."""
    return PreparedTruth(y_true)


def evaluate(y_true: ArrayLike, y_pred: ArrayLike) -> Result:
    """SRCC, LCC, KTAU (tau-b), MSE and N of `y_pred` against `y_true` (same order, same length).

    Raises ValueError for arrays that are empty, not one-dimensional, of different lengths or
    that hold NaN or infinities.
    """
    return PreparedTruth(y_true).evaluate(y_pred)
