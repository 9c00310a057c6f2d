"""How sure a leaderboard is: a paired bootstrap over items (SRCC confidence intervals, the
probability that one system beats another, significance groups) and the human ceiling
(split-half reliability of the mean ratings).

The bootstrap, and its assumptions:
- The items of a split are a sample from a population of audio-text pairs; each resample
  draws N items with replacement (the same draw for every system: the comparison is
  paired), and every system's SRCC is recomputed on it, ties given their average rank as
  scipy's `spearmanr` does. An item drawn c times counts c times.
- The mean rating of an item is taken as it is: the bootstrap measures how much a score
  depends on which pairs were chosen, not on which listeners rated them (the ceiling below
  speaks to the listeners).
- A confidence interval is the percentile interval of the resampled SRCCs (95%: the 2.5th
  and 97.5th percentiles).
- `win[i, j]` is the share of resamples in which system i's SRCC is above system j's (a tie
  counts half). System j is *separable* from a system i above it when j comes out at least
  as good as i in less than alpha / 2 of the resamples (a one-sided test at alpha / 2, i.e.
  the two-sided (1 - alpha) interval of the difference excludes 0). No correction for
  multiple comparisons is made.
- Significance groups, down the board: the first group is the leader and every system not
  separable from it; the next group starts at the best system left, and so on. A group is
  therefore "not shown to be worse than its head", not "equal".

Vectorised: a resample is a vector of counts, so a system's ranks under it follow from the
cumulative counts along the system's sort order (sorted once), with no sort per resample.
All rank arithmetic is done on integers stored exactly in float64 (N up to ~9,000 items).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "Bootstrap",
    "Ceiling",
    "paired_bootstrap",
    "resample_counts",
    "resample_indices",
    "significance_groups",
    "split_half_reliability",
]

DEFAULT_RESAMPLES = 1000
DEFAULT_LEVEL = 0.95


def resample_indices(n_items: int, n_resamples: int, seed: int = 0) -> np.ndarray:
    """(B, N) item indices drawn with replacement: resample b takes items idx[b]."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, n_items, size=(n_resamples, n_items))


def resample_counts(n_items: int, n_resamples: int, seed: int = 0) -> np.ndarray:
    """(B, N) how many times each item is drawn in each resample (rows sum to N); the same
    draws as `resample_indices` with the same seed."""
    idx = resample_indices(n_items, n_resamples, seed)
    offsets = (np.arange(n_resamples) * n_items)[:, None]
    flat = np.bincount((idx + offsets).ravel(), minlength=n_resamples * n_items)
    return flat.reshape(n_resamples, n_items)


class _Order:
    """A vector's sort order and its runs of ties, for ranks under any counts."""

    def __init__(self, values: np.ndarray) -> None:
        self.order = np.argsort(values, kind="stable")
        ordered = values[self.order]
        same = ordered[1:] == ordered[:-1]
        self.tied = bool(same.any())
        if self.tied:
            n = len(values)
            starts = np.concatenate(([True], ~same)).nonzero()[0]
            lengths = np.diff(np.append(starts, n))
            group_start = np.repeat(starts, lengths)  # first position of the run
            group_end = np.repeat(starts + lengths, lengths)  # one past its last
            # Only positions inside a run of ties need their run's bounds; the others
            # use their own, which needs no gather.
            inside = np.repeat(lengths > 1, lengths).nonzero()[0]
            self.tied_positions = inside
            self.tied_start = group_start[inside]
            self.tied_end = group_end[inside]

    def centred_ranks2(self, weights_sorted: np.ndarray, n: int) -> np.ndarray:
        """2 * (average rank - (n + 1) / 2) of each sorted position, under the counts
        `weights_sorted` ((N, B), in this order): integers, exact in float64."""
        cumulative = np.empty((weights_sorted.shape[0] + 1, weights_sorted.shape[1]))
        cumulative[0] = 0.0
        # Row by row: NumPy's cumsum along the first axis is several times slower than
        # adding whole contiguous rows.
        add = np.add
        for i, row in enumerate(weights_sorted):
            add(cumulative[i], row, out=cumulative[i + 1])
        # rank = before + (through - before + 1) / 2, so 2 * rank - (n + 1) is
        # before + through - n, where before and through are the cumulative counts at the
        # bounds of the item's run of ties (its own position when it has no tie).
        result = cumulative[:-1] + cumulative[1:]
        if self.tied:
            result[self.tied_positions] = cumulative[self.tied_start] + cumulative[self.tied_end]
        result -= n
        return result


def _weighted_srcc(truth: np.ndarray, predictions: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """(B, S) SRCC of each system under each column of weights ((N, B) counts)."""
    n = int(round(weights[:, 0].sum())) if weights.shape[1] else len(truth)
    truth_order = _Order(truth)
    truth_ranks = np.empty_like(weights)
    truth_ranks[truth_order.order] = truth_order.centred_ranks2(weights[truth_order.order], n)
    weighted_truth = weights * truth_ranks  # (N, B)
    truth_var = np.einsum("nb,nb->b", weighted_truth, truth_ranks)
    out = np.zeros((weights.shape[1], len(predictions)))
    for s, pred in enumerate(predictions):
        order = _Order(pred)
        w = weights[order.order]  # (N, B), rows in the system's order
        ranks = order.centred_ranks2(w, n)
        cov = np.einsum("nb,nb->b", weighted_truth[order.order], ranks)
        w *= ranks
        var = np.einsum("nb,nb->b", w, ranks)
        denom = np.sqrt(var * truth_var)
        # A resample on which either side is constant has no correlation: 0, as the metrics.
        np.divide(cov, denom, out=out[:, s], where=denom > 0)
    np.clip(out, -1.0, 1.0, out=out)
    return out


@dataclass(frozen=True)
class Bootstrap:
    """SRCC of S systems on the full data (`srcc`, (S,)) and on B resamples (`samples`,
    (B, S)), with the confidence level of the intervals."""

    srcc: np.ndarray
    samples: np.ndarray
    level: float = DEFAULT_LEVEL

    @property
    def intervals(self) -> np.ndarray:
        """(S, 2) percentile interval [low, high] of each system's SRCC."""
        tail = (1.0 - self.level) / 2.0 * 100.0
        return np.percentile(self.samples, [tail, 100.0 - tail], axis=0).T

    @property
    def win(self) -> np.ndarray:
        """(S, S) share of resamples in which system i's SRCC beats system j's (ties half);
        win + win.T = 1 off the diagonal, 0.5 on it."""
        a = self.samples[:, :, None]
        b = self.samples[:, None, :]
        return (a > b).mean(axis=0) + 0.5 * (a == b).mean(axis=0)

    def groups(self, board_order: Sequence[int]) -> list[int]:
        return significance_groups(self.win, board_order, 1.0 - self.level)


def _as_inputs(truth: ArrayLike, predictions: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(truth, dtype=np.float64)
    p = np.asarray(predictions, dtype=np.float64)
    if p.ndim == 1:
        p = p[None, :]
    if y.ndim != 1 or p.ndim != 2 or p.shape[1] != len(y):
        raise ValueError(f"truth must be (N,) and predictions (S, N); got {y.shape} and {p.shape}")
    if len(y) < 2:
        raise ValueError("the bootstrap needs at least 2 items")
    if not (np.isfinite(y).all() and np.isfinite(p).all()):
        raise ValueError("truth and predictions must be finite")
    return y, p


def paired_bootstrap(
    truth: ArrayLike,
    predictions: ArrayLike,
    n_resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    seed: int = 0,
    counts: np.ndarray | None = None,
) -> Bootstrap:
    """Paired bootstrap of the SRCC of every system (rows of `predictions`, (S, N)) against
    `truth` (N,). `counts` ((B, N)) overrides the resamples drawn from `seed`."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1, not {level}")
    y, p = _as_inputs(truth, predictions)
    if counts is None:
        counts = resample_counts(len(y), n_resamples, seed)
    # Items along the first axis: a system's order then gathers whole contiguous rows.
    weights = np.ascontiguousarray(np.asarray(counts, dtype=np.float64).T)
    samples = _weighted_srcc(y, p, weights)
    point = _weighted_srcc(y, p, np.ones((len(y), 1)))[0]
    return Bootstrap(srcc=point, samples=samples, level=level)


def significance_groups(win: np.ndarray, board_order: Sequence[int], alpha: float) -> list[int]:
    """Group number (1 = the leader's group) of each system in `board_order` (indices into
    `win`, best first), in that order; see the module's docstring for the procedure."""
    order = list(board_order)
    group = [0] * len(order)
    current = 0
    for head_pos, head in enumerate(order):
        if group[head_pos]:
            continue
        current += 1
        group[head_pos] = current
        for pos in range(head_pos + 1, len(order)):
            # j is not separable from the head when it beats or ties it often enough.
            if not group[pos] and 1.0 - win[head, order[pos]] >= alpha / 2.0:
                group[pos] = current
    return group


@dataclass(frozen=True)
class Ceiling:
    """How well the mean ratings agree with themselves.

    `reliability`: the split-half reliability of the mean rating (Pearson correlation of
    the means of two random halves of each item's listeners, Spearman-Brown corrected to
    the full number of listeners, averaged over `splits` random splits). `srcc`: the SRCC a
    perfect predictor of the true relevance could expect against the noisy means: the
    square root of the same reliability computed on ranks (classical test theory: the
    reliability is the squared correlation of the observed mean with the true score)."""

    reliability: float
    srcc: float
    items: int
    ratings: int
    splits: int

    def as_dict(self) -> dict:
        return {
            "reliability": self.reliability,
            "srcc": self.srcc,
            "items": self.items,
            "ratings": self.ratings,
            "splits": self.splits,
        }


def _rowwise_pearson(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a - a.mean(axis=1, keepdims=True)
    b = b - b.mean(axis=1, keepdims=True)
    denom = np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))
    out = np.zeros(len(a))
    np.divide((a * b).sum(axis=1), denom, out=out, where=denom > 0)
    return out


def _spearman_brown(r: np.ndarray) -> np.ndarray:
    # The reliability of a test twice as long as a half; r <= -1 cannot be corrected.
    return np.where(r > -1.0, 2.0 * r / np.maximum(1.0 + r, 1e-12), -1.0)


def split_half_reliability(
    ratings: Sequence[Sequence[float]], n_splits: int = 200, seed: int = 0
) -> Ceiling | None:
    """The ceiling from each item's listener ratings (one sequence per item); items with
    fewer than two ratings cannot be split and are left out. None with fewer than three
    items to split. Halves of an odd count differ by one rating."""
    from scipy.stats import rankdata

    rng = np.random.default_rng(seed)
    by_count: dict[int, list[Sequence[float]]] = {}
    for item in ratings:
        if len(item) >= 2:
            by_count.setdefault(len(item), []).append(item)
    items = sum(len(rows) for rows in by_count.values())
    if items < 3 or n_splits < 1:
        return None
    halves_a = np.empty((n_splits, items))
    halves_b = np.empty((n_splits, items))
    start = 0
    for k, rows in sorted(by_count.items()):
        matrix = np.asarray(rows, dtype=np.float64)  # (n_k, k)
        end = start + len(matrix)
        for s in range(n_splits):
            shuffled = np.take_along_axis(
                matrix, np.argsort(rng.random(matrix.shape), axis=1), axis=1
            )
            halves_a[s, start:end] = shuffled[:, : k // 2].mean(axis=1)
            halves_b[s, start:end] = shuffled[:, k // 2 :].mean(axis=1)
        start = end
    linear = _spearman_brown(_rowwise_pearson(halves_a, halves_b)).mean()
    ranked = _spearman_brown(
        _rowwise_pearson(rankdata(halves_a, axis=1), rankdata(halves_b, axis=1))
    ).mean()
    return Ceiling(
        reliability=float(linear),
        srcc=float(np.sqrt(max(0.0, ranked))),
        items=items,
        ratings=int(sum(k * len(rows) for k, rows in by_count.items())),
        splits=n_splits,
    )
