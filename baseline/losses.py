"""The official baseline's losses: 1.0 x clipped MSE + 0.5 x pairwise contrastive loss, with
class-balanced weights (Cui et al., beta 0.99) over ten score bins.

The official ClippedMSELoss multiplies a (B,) loss by (B, 1) weights: the product broadcasts to a
B x B matrix whose mean is the unweighted clipped MSE divided by B, so the class weighting has no
effect there. weighting="official" reproduces that (the default, for comparability);
weighting="intended" weights each item's loss by its own class weight. The contrastive loss's
weights have the right shape in the official code and are the same in both modes.
"""

import numpy as np
import torch

N_BINS = 10
TAU, MARGIN, BETA = 0.25, 0.1, 0.99
LOSS_WEIGHTS = (1.0, 0.5)
WEIGHTINGS = ("official", "intended")


def score_bins(scores: np.ndarray) -> np.ndarray:
    """Bin of each mean score as the official pd.cut(bins=[-1, 1, 2, ..., 10]) assigns it:
    (-1, 1] -> 0, (1, 2] -> 1, ..., (9, 10] -> 9."""
    return np.clip(np.ceil(np.asarray(scores, dtype=np.float64)) - 1, 0, N_BINS - 1).astype(int)


def class_counts(scores: np.ndarray) -> np.ndarray:
    """num_class of each item: how many items of the split fall in its bin."""
    bins = score_bins(scores)
    return np.bincount(bins, minlength=N_BINS)[bins]


def class_weights(num_class: torch.Tensor, beta: float = BETA) -> torch.Tensor:
    weights = (1 - beta) / (1 - torch.pow(beta, num_class.double()))  # (B,)
    return (weights / weights.sum()).to(torch.float32)


def clipped_mse(
    pred: torch.Tensor,
    gt: torch.Tensor,
    num_class: torch.Tensor,
    weighting: str = "official",
    tau: float = TAU,
    beta: float = BETA,
) -> torch.Tensor:
    loss = (pred - gt) ** 2  # (B,)
    outside = (pred - gt).abs() > tau  # (B,) only errors above tau count
    weights = class_weights(num_class, beta)  # (B,)
    if weighting == "official":
        loss = loss * weights.unsqueeze(1)  # (B,) * (B, 1) -> (B, B): weighting cancels
    elif weighting == "intended":
        loss = loss * weights  # (B,)
    else:
        raise ValueError(f"unknown weighting {weighting!r}")
    return (outside * loss).mean()


def contrastive(
    pred: torch.Tensor,
    gt: torch.Tensor,
    num_class: torch.Tensor,
    margin: float = MARGIN,
    beta: float = BETA,
) -> torch.Tensor:
    gt_diff = gt.unsqueeze(1) - gt.unsqueeze(0)  # (B, B)
    pred_diff = pred.unsqueeze(1) - pred.unsqueeze(0)  # (B, B)
    loss = torch.clamp((pred_diff - gt_diff).abs() - margin, min=0)  # (B, B)
    weights = class_weights(num_class, beta)
    loss = loss * torch.outer(weights, weights).sqrt()  # (B, B)
    return loss.mean() / 2


def baseline_loss(
    pred: torch.Tensor, gt: torch.Tensor, num_class: torch.Tensor, weighting: str = "official"
) -> torch.Tensor:
    """pred, gt: (B,) in the scaled space (s - 5) / 5; num_class: (B,) bin counts."""
    pred = pred.float()
    w_mse, w_con = LOSS_WEIGHTS
    return w_mse * clipped_mse(pred, gt, num_class, weighting) + w_con * contrastive(
        pred, gt, num_class
    )


def per_item_loss(pred: torch.Tensor, gt: torch.Tensor) -> torch.Tensor:
    """(B,) the official validation loss of each item: the official run evaluates with batch
    size 1, where the contrastive term is zero and the normalised weight is one."""
    err = (pred.float() - gt) ** 2
    return err * ((pred.float() - gt).abs() > TAU)
