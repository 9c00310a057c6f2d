"""Loading official checkpoints into our networks by their own key names."""

from pathlib import Path

import torch
from torch import nn

from baseline.errors import BaselineError


def load_state_strictly(module: nn.Module, state: dict, source: str) -> None:
    """Loads a state dict that must fit the module exactly, or raises a BaselineError."""
    own = module.state_dict()
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    wrong_shape = [
        f"{k} {tuple(state[k].shape)} != {tuple(own[k].shape)}"
        for k in sorted(set(own) & set(state))
        if tuple(state[k].shape) != tuple(own[k].shape)
    ]
    if missing or unexpected or wrong_shape:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing[:5])}")
        if unexpected:
            parts.append(f"unexpected {', '.join(unexpected[:5])}")
        if wrong_shape:
            parts.append(f"wrong shape {', '.join(wrong_shape[:5])}")
        raise BaselineError(
            f"{source} does not fit the {type(module).__name__} architecture: " + "; ".join(parts)
        )
    module.load_state_dict(state)


def torch_load(path: str | Path, what: str, **kwargs):
    path = Path(path)
    if not path.is_file():
        raise BaselineError(f"{what} not found: {path}")
    try:
        return torch.load(path, map_location="cpu", **kwargs)
    except Exception as exc:  # pickle, zip and weights-only errors all mean "not a checkpoint"
        raise BaselineError(f"cannot read {what} {path}: {type(exc).__name__}: {exc}")
