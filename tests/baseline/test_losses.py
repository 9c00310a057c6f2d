"""The official losses against values worked out by hand."""

import math

import numpy as np
import pytest
import torch

from baseline.losses import (  # noqa: E402
    baseline_loss,
    class_counts,
    clipped_mse,
    contrastive,
    per_item_loss,
    score_bins,
)

# Two items: errors 0.5 (above tau 0.25) and 0.1 (below), classes of 1 and 3 items, beta 0.5:
# raw weights 0.5 / (1 - 0.5) = 1 and 0.5 / (1 - 0.125) = 4/7, normalised 7/11 and 4/11.
PRED = torch.tensor([0.0, 1.0])
GT = torch.tensor([0.5, 1.1])
NUM_CLASS = torch.tensor([1, 3])
W0, W1 = 7 / 11, 4 / 11


def test_official_clipped_mse_broadcast_cancels_the_class_weights():
    # (B,) loss x (B, 1) weights -> B x B; mean = sum_i w_i * sum_j clipped_j / B^2.
    expected = (W0 + W1) * (0.25 + 0.0) / 4
    got = clipped_mse(PRED, GT, NUM_CLASS, "official", beta=0.5)
    assert got.item() == pytest.approx(expected)
    assert expected == pytest.approx(0.0625)


def test_intended_clipped_mse_weights_each_item_by_its_class():
    expected = (0.25 * W0 + 0.0 * W1) / 2
    got = clipped_mse(PRED, GT, NUM_CLASS, "intended", beta=0.5)
    assert got.item() == pytest.approx(expected)


def test_contrastive_loss_is_the_margin_hinge_on_pair_differences():
    # |(p0 - p1) - (g0 - g1)| = |-1 + 0.6| = 0.4 -> 0.4 - 0.1 = 0.3 on both off-diagonal pairs.
    expected = 2 * 0.3 * math.sqrt(W0 * W1) / 4 / 2
    got = contrastive(PRED, GT, NUM_CLASS, beta=0.5)
    assert got.item() == pytest.approx(expected)


def test_the_combined_loss_weighs_mse_one_and_contrastive_one_half():
    counts = torch.tensor([700, 700])  # beta 0.99: equal classes -> equal weights 1/2
    expected = 1.0 * (0.25 / 4) + 0.5 * (2 * 0.3 * 0.5 / 4 / 2)
    assert baseline_loss(PRED, GT, counts).item() == pytest.approx(expected)


def test_the_loss_is_zero_within_tau_and_margin():
    pred = torch.tensor([0.1, 0.5, -0.2])
    assert baseline_loss(pred, pred + 0.05, torch.tensor([1, 2, 3])).item() == 0.0


def test_validation_loss_per_item_is_the_clipped_squared_error():
    got = per_item_loss(PRED, GT)
    assert got.tolist() == pytest.approx([0.25, 0.0])


def test_scores_fall_in_the_official_bins():
    assert score_bins(np.array([0, 1, 1.01, 2, 5.5, 9.99, 10])).tolist() == [0, 0, 1, 1, 5, 9, 9]
    assert class_counts(np.array([0.5, 1.0, 7.2, 10])).tolist() == [2, 2, 1, 1]
