"""scoring.stats: the vectorised bootstrap against a slow loop over scipy, interval
coverage on simulated data, significance groups, and the split-half ceiling by hand."""

import math

import numpy as np
import pytest
from scipy.stats import norm, spearmanr

from scoring import stats


def _data(n=40, systems=4, seed=1, ties=True):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 11, n).astype(float) if ties else rng.random(n) * 10
    preds = truth + rng.normal(0, 3, (systems, n))
    if ties:
        preds = np.round(preds)  # ties on both sides
    return truth, preds


@pytest.mark.parametrize("ties", [True, False])
def test_the_bootstrap_matches_a_slow_loop_over_scipy_on_the_same_resamples(ties):
    truth, preds = _data(ties=ties)
    boot = stats.paired_bootstrap(truth, preds, n_resamples=25, seed=5)
    idx = stats.resample_indices(len(truth), 25, seed=5)
    for b in range(25):
        for s in range(len(preds)):
            expected = spearmanr(truth[idx[b]], preds[s][idx[b]])[0]
            assert boot.samples[b, s] == pytest.approx(expected, abs=1e-12)
    for s, pred in enumerate(preds):
        assert boot.srcc[s] == pytest.approx(spearmanr(truth, pred)[0], abs=1e-12)


def test_counts_are_the_same_draws_as_the_indices():
    idx = stats.resample_indices(7, 3, seed=2)
    counts = stats.resample_counts(7, 3, seed=2)
    assert counts.sum(axis=1).tolist() == [7, 7, 7]
    for b in range(3):
        assert counts[b].tolist() == np.bincount(idx[b], minlength=7).tolist()


def test_a_constant_system_gets_zero_and_a_degenerate_interval():
    truth, preds = _data()
    preds[1] = 5.0
    boot = stats.paired_bootstrap(truth, preds, n_resamples=50)
    assert boot.srcc[1] == 0.0
    assert boot.intervals[1].tolist() == [0.0, 0.0]


def test_win_probabilities_are_complementary():
    truth, preds = _data(systems=3)
    win = stats.paired_bootstrap(truth, preds, n_resamples=200).win
    assert np.allclose(win + win.T, 1.0)
    assert np.allclose(np.diag(win), 0.5)


def test_intervals_cover_the_true_srcc_at_about_the_nominal_rate():
    # Bivariate normal data with correlation rho: the population SRCC is known in closed
    # form, (6 / pi) * asin(rho / 2). 200 independent data sets, fixed seed: the count of
    # 95% intervals that cover it is Binomial(200, ~0.95); 176..199 holds with a margin
    # far beyond sampling noise (a broken interval covers far less or always).
    rho = 0.6
    true_srcc = 6 / math.pi * math.asin(rho / 2)
    rng = np.random.default_rng(12345)
    n, trials, covered = 150, 200, 0
    for trial in range(trials):
        x = rng.normal(size=n)
        y = rho * x + math.sqrt(1 - rho**2) * rng.normal(size=n)
        low, high = stats.paired_bootstrap(x, y, n_resamples=400, seed=trial).intervals[0]
        covered += low <= true_srcc <= high
    assert 176 <= covered <= 199, covered


def test_groups_split_clearly_different_systems_and_keep_close_ones_together():
    rng = np.random.default_rng(3)
    truth = rng.random(400)
    strong = truth + rng.normal(0, 0.05, 400)
    also_strong = truth + rng.normal(0, 0.05, 400)
    weak = truth + rng.normal(0, 1.0, 400)
    boot = stats.paired_bootstrap(truth, [strong, also_strong, weak], n_resamples=300)
    order = list(np.argsort(-boot.srcc))
    groups = stats.significance_groups(boot.win, order, 0.05)
    assert groups[:2] == [1, 1]
    assert groups[2] == 2


def test_groups_start_a_new_group_at_the_best_system_left():
    # A hand-made win matrix: 0 ~ 1, 0 >> 2, 1 ~ 2, 2 >> 3.
    win = np.array(
        [
            [0.5, 0.9, 0.999, 1.0],
            [0.1, 0.5, 0.9, 1.0],
            [0.001, 0.1, 0.5, 0.999],
            [0.0, 0.0, 0.001, 0.5],
        ]
    )
    assert stats.significance_groups(win, [0, 1, 2, 3], 0.05) == [1, 1, 2, 3]


def test_the_bootstrap_refuses_bad_shapes_and_values():
    with pytest.raises(ValueError, match="predictions"):
        stats.paired_bootstrap([1, 2, 3], [[1, 2]])
    with pytest.raises(ValueError, match="finite"):
        stats.paired_bootstrap([1, 2, float("nan")], [[1, 2, 3]])
    with pytest.raises(ValueError, match="level"):
        stats.paired_bootstrap([1, 2, 3], [[1, 2, 3]], level=1.5)


def test_split_half_reliability_by_hand():
    # Two ratings per pair, three pairs rated alike by both listeners: whichever way each
    # pair's listeners fall into halves, the halves are (1, 5, 9, 4) and (1, 5, 9, 6) or
    # the swap, so every split gives the same correlation.
    ratings = [[1, 1], [5, 5], [9, 9], [4, 6]]
    # Pearson: means 4.75 and 5.25; sum dx*dy = 31.25; sum dx^2 = sum dy^2 = 32.75.
    r = 31.25 / 32.75
    # Spearman-Brown: 2r / (1 + r) = 62.5 / 64.
    assert 2 * r / (1 + r) == pytest.approx(62.5 / 64)
    # On ranks (1, 3, 4, 2) and (1, 2, 4, 3): rho = 1 - 6 * 2 / (4 * 15) = 0.8, corrected
    # 1.6 / 1.8 = 8 / 9; a perfect predictor's expected SRCC is its square root.
    ceiling = stats.split_half_reliability(ratings, n_splits=9, seed=1)
    assert ceiling.reliability == pytest.approx(62.5 / 64, abs=1e-12)
    assert ceiling.srcc == pytest.approx(math.sqrt(8 / 9), abs=1e-12)
    assert (ceiling.items, ceiling.ratings, ceiling.splits) == (4, 8, 9)


def test_the_ceiling_matches_theory_on_simulated_listeners():
    # True relevance with variance 1, each of 8 listeners adds noise of variance 1: the
    # reliability of the mean of 8 is 8 / (8 + 1).
    rng = np.random.default_rng(0)
    true = rng.normal(size=3000)
    ratings = true[:, None] + rng.normal(size=(3000, 8))
    ceiling = stats.split_half_reliability(ratings.tolist(), n_splits=20)
    assert ceiling.reliability == pytest.approx(8 / 9, abs=0.01)
    # SRCC of the truth against the noisy means, for comparison with the ceiling.
    observed = spearmanr(true, ratings.mean(axis=1))[0]
    assert ceiling.srcc == pytest.approx(observed, abs=0.01)


def test_the_ceiling_leaves_out_pairs_it_cannot_split_and_needs_three():
    assert stats.split_half_reliability([[1, 2], [3], [4, 5]]) is None
    ceiling = stats.split_half_reliability([[1, 2, 3], [3], [4, 5, 7], [9, 8]], n_splits=3)
    assert ceiling.items == 3 and ceiling.ratings == 8


def test_the_normal_quantile_sanity_of_the_level():
    # The interval's tails are (1 - level) / 2 each: a 95% interval of a normal sample
    # spans about +-1.96 standard deviations.
    samples = np.random.default_rng(1).normal(size=(20000, 1))
    low, high = stats.Bootstrap(np.zeros(1), samples).intervals[0]
    assert low == pytest.approx(norm.ppf(0.025), abs=0.05)
    assert high == pytest.approx(norm.ppf(0.975), abs=0.05)
