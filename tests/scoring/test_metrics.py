"""SRCC, LCC, KTAU (tau-b) and MSE: hand-computed cases and agreement with scipy."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import Result, evaluate, prepare

TOLERANCE = 1e-12
KINDS = ["continuous", "two_decimals", "integers", "reversed", "equal", "negative", "above_ten"]


def scipy_metrics(truth: np.ndarray, pred: np.ndarray) -> tuple[float, float, float, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return (
            scipy.stats.spearmanr(truth, pred).statistic,
            scipy.stats.pearsonr(truth, pred).statistic,
            scipy.stats.kendalltau(truth, pred, variant="b").statistic,
            float(np.mean((truth - pred) ** 2)),
        )


def assert_agrees_with_scipy(truth: np.ndarray, pred: np.ndarray) -> None:
    result = evaluate(truth, pred)
    srcc, lcc, ktau, mse = scipy_metrics(truth, pred)
    assert result.n == len(truth)
    assert abs(result.srcc - srcc) <= TOLERANCE
    assert abs(result.lcc - lcc) <= TOLERANCE
    assert abs(result.ktau - ktau) <= TOLERANCE
    assert abs(result.mse - mse) <= TOLERANCE * max(1.0, mse)


# Five pairs with ties in both variables: x has 2 = 2, y has 3 = 3.
X = [1.0, 2.0, 2.0, 3.0, 4.0]
Y = [2.0, 3.0, 1.0, 3.0, 5.0]


def test_it_computes_kendalls_tau_b_by_hand_on_five_pairs_with_ties():
    # Of the 10 pairs: (0,2) is discordant; (1,2) is tied only in x; (1,3) only in y;
    # the other 7 are concordant. tau-b = (7 - 1) / sqrt((7 + 1 + 1) * (7 + 1 + 1)) = 6 / 9.
    assert evaluate(X, Y).ktau == pytest.approx(6 / 9, abs=TOLERANCE)


def test_it_computes_spearman_on_average_ranks_by_hand():
    # Average ranks: x -> 1, 2.5, 2.5, 4, 5 and y -> 2, 3.5, 1, 3.5, 5, both with mean 3.
    # Centred: dx = -2, -.5, -.5, 1, 2; dy = -1, .5, -2, .5, 2.
    # sum(dx dy) = 2 - .25 + 1 + .5 + 4 = 7.25; sum(dx^2) = sum(dy^2) = 9.5.
    assert evaluate(X, Y).srcc == pytest.approx(7.25 / 9.5, abs=TOLERANCE)


def test_it_computes_pearson_by_hand():
    # Means 2.4 and 2.8; dx = -1.4, -.4, -.4, .6, 1.6; dy = -.8, .2, -1.8, .2, 2.2.
    # sum(dx dy) = 5.4; sum(dx^2) = 5.2; sum(dy^2) = 8.8.
    assert evaluate(X, Y).lcc == pytest.approx(5.4 / math.sqrt(5.2 * 8.8), abs=TOLERANCE)


def test_it_computes_mse_by_hand():
    # Differences 1, 1, -1, 0, 1: squares sum to 4 over 5 pairs.
    result = evaluate(X, Y)
    assert result.mse == pytest.approx(0.8, abs=TOLERANCE)
    assert result.n == 5
    assert result.constant_prediction is False


def test_a_perfect_prediction_scores_one_and_zero_error():
    result = evaluate(X, X)
    assert result.srcc == pytest.approx(1.0, abs=TOLERANCE)
    assert result.lcc == pytest.approx(1.0, abs=TOLERANCE)
    assert (result.ktau, result.mse) == (1.0, 0.0)


def test_a_reversed_prediction_scores_minus_one():
    result = evaluate(X, [-v for v in X])
    assert result.srcc == pytest.approx(-1.0, abs=TOLERANCE)
    assert result.lcc == pytest.approx(-1.0, abs=TOLERANCE)
    assert result.ktau == pytest.approx(-1.0, abs=TOLERANCE)


def test_a_constant_prediction_gets_zero_correlations_a_flag_and_its_mse():
    result = evaluate(X, [5.0] * 5)
    assert (result.srcc, result.lcc, result.ktau) == (0.0, 0.0, 0.0)
    assert result.constant_prediction is True
    assert result.mse == pytest.approx(np.mean((np.array(X) - 5.0) ** 2), abs=TOLERANCE)


def test_a_constant_truth_gets_zero_correlations_and_a_flag():
    result = evaluate([4.0, 4.0, 4.0], [1.0, 2.0, 3.0])
    assert (result.srcc, result.lcc, result.ktau) == (0.0, 0.0, 0.0)
    assert result.constant_truth is True
    assert result.constant_prediction is False
    assert result.mse == pytest.approx((9 + 4 + 1) / 3, abs=TOLERANCE)


def test_a_single_item_is_constant_on_both_sides():
    result = evaluate([3.0], [4.0])
    assert result.constant_prediction is True
    assert (result.srcc, result.lcc, result.ktau, result.mse, result.n) == (0, 0, 0, 1.0, 1)


def test_as_dict_has_the_stored_keys():
    assert evaluate(X, Y).as_dict() == {
        "srcc": pytest.approx(7.25 / 9.5),
        "lcc": pytest.approx(5.4 / math.sqrt(5.2 * 8.8)),
        "ktau": pytest.approx(6 / 9),
        "mse": pytest.approx(0.8),
        "n": 5,
        "constant_prediction": False,
    }


def test_result_is_frozen():
    with pytest.raises(AttributeError):
        evaluate(X, Y).srcc = 1.0  # type: ignore[misc]
    assert isinstance(evaluate(X, Y), Result)


@pytest.mark.parametrize(
    ("truth", "pred", "error"),
    [
        ([1.0, 2.0], [1.0], "2"),
        ([1.0, 2.0], [1.0, float("nan")], "NaN"),
        ([1.0, float("inf")], [1.0, 2.0], "NaN or infinite"),
        ([], [], "empty"),
        ([[1.0, 2.0]], [[1.0, 2.0]], "one-dimensional"),
    ],
)
def test_it_refuses_arrays_it_cannot_score(truth, pred, error):
    with pytest.raises(ValueError, match=error):
        evaluate(truth, pred)


def test_prepare_gives_the_same_result_every_time(rng, make_truth, make_prediction):
    truth = make_truth(rng, 500)
    prepared = prepare(truth)
    assert len(prepared) == 500
    for kind in KINDS:
        pred = make_prediction(rng, truth, kind)
        assert prepared.evaluate(pred) == evaluate(truth, pred)
        assert prepared.evaluate(pred) == prepared.evaluate(pred)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("raters", [4, 8])
def test_it_agrees_with_scipy_on_a_xacle_sized_phase(
    rng, make_truth, make_prediction, kind, raters
):
    truth = make_truth(rng, 3000, raters)
    assert_agrees_with_scipy(truth, make_prediction(rng, truth, kind))


@pytest.mark.parametrize("kind", ["continuous", "two_decimals", "integers", "reversed"])
def test_it_agrees_with_scipy_on_twenty_thousand_items(rng, make_truth, make_prediction, kind):
    truth = make_truth(rng, 20_000)
    assert_agrees_with_scipy(truth, make_prediction(rng, truth, kind))


def test_it_agrees_with_scipy_when_the_truth_has_no_ties(rng):
    # Continuous truth: as many distinct values as items, the deepest tau-b count.
    truth = rng.normal(5.0, 2.0, 20_000)
    assert_agrees_with_scipy(truth, np.round(truth + rng.normal(0, 1, 20_000), 1))


@pytest.mark.parametrize("n", [2, 3, 7])
def test_it_agrees_with_scipy_on_tiny_phases(n):
    rng = np.random.default_rng(n)
    for _ in range(50):
        truth = rng.integers(0, 11, size=(n, 4)).mean(axis=1)
        pred = np.round(rng.normal(5, 3, n))
        if np.ptp(truth) and np.ptp(pred):
            assert_agrees_with_scipy(truth, pred)


@st.composite
def xacle_pairs(draw):
    """A XACLE-shaped truth and a prediction, from 2 to 400 items."""
    n = draw(st.integers(2, 400))
    raters = draw(st.sampled_from([4, 8]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    truth = rng.integers(0, 11, size=(n, raters)).mean(axis=1)
    kind = draw(st.sampled_from(KINDS))
    noisy = truth + rng.normal(0.0, draw(st.floats(0.01, 5.0)), n)
    pred = {
        "continuous": noisy,
        "two_decimals": np.round(noisy, 2),
        "integers": np.round(noisy),
        "reversed": 10.0 - truth,
        "equal": truth,
        "negative": noisy - 20.0,
        "above_ten": noisy * 3.0 + 10.0,
    }[kind]
    return truth, pred


@settings(max_examples=150, deadline=None)
@given(xacle_pairs())
def test_it_agrees_with_scipy_on_any_xacle_shaped_data(pair):
    truth, pred = pair
    result = evaluate(truth, pred)
    if np.ptp(truth) == 0 or np.ptp(pred) == 0:
        assert (result.srcc, result.lcc, result.ktau) == (0.0, 0.0, 0.0)
        assert result.constant_prediction or result.constant_truth
    else:
        assert_agrees_with_scipy(truth, pred)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(-3, 3)).map(lambda p: (p[0] / 2, p[1] / 4)),
        min_size=2,
        max_size=60,
    )
)
def test_it_agrees_with_scipy_on_small_heavily_tied_data(pairs):
    truth = np.array([p[0] for p in pairs])
    pred = np.array([p[1] for p in pairs])
    if np.ptp(truth) and np.ptp(pred):
        assert_agrees_with_scipy(truth, pred)
    else:
        assert evaluate(truth, pred).ktau == 0.0


def test_extreme_values_neither_overflow_nor_divide_by_zero():
    truth = np.arange(1.0, 6.0)
    huge = np.array([1.0, 2.0, 3.0, 4.0, 1e200])
    assert evaluate(truth, huge).lcc == pytest.approx(scipy.stats.pearsonr(truth, huge)[0])
    tiny = evaluate(truth, [1e-320, 0.0, 0.0, 0.0, 0.0])
    assert np.isfinite([tiny.srcc, tiny.lcc, tiny.ktau, tiny.mse]).all()
