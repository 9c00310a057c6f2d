"""The XACLE 2027 baseline head, with the official attribute names (XACLE_2027_baselinemodel
models/xacle_baseline_model.py): each clip embedding L2-normalised, the two concatenated,
projector Linear(2D, 1024) -> ReLU -> Dropout(0.3) -> Linear(1024, 256) -> ReLU, and a score
predictor Linear(256, 1) (tanh only with range clipping, off in the official config).
Imports only torch (bench/baseline_gpu.py relies on that).
"""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

HEAD_FORMAT_VERSION = 1  # the official utils/checkpoint.py format of best_model.pt


@dataclass
class HeadArgs:
    audio_dim: int  # 768 for M2D-CLAP, 512 for aisfx
    text_dim: int  # 768 for M2D-CLAP, 384 for MiniLM
    hidden_dim: int = 1024
    output_dim: int = 256
    dropout: float = 0.3
    range_clipping: bool = False
    normalize_embeddings: bool = True


class Projector(nn.Module):
    def __init__(self, input_dim: int, hidden_dim: int, output_dim: int, dropout: float):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(input_dim, hidden_dim),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden_dim, output_dim),
            nn.ReLU(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)  # (B, 2D) -> (B, output_dim)


class ScorePredictor(nn.Module):
    def __init__(self, input_dim: int, range_clipping: bool = False):
        super().__init__()
        self.linear = nn.Linear(input_dim, 1)
        self.range_clipping = range_clipping

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        score = self.linear(x).squeeze(-1)  # (B,)
        return torch.tanh(score) if self.range_clipping else score


class EmbeddingHead(nn.Module):
    """(B, Da) audio and (B, Dt) text clip embeddings -> (B,) scores in the scaled space."""

    def __init__(self, args: HeadArgs):
        super().__init__()
        self.args = args
        self.projector = Projector(
            args.audio_dim + args.text_dim, args.hidden_dim, args.output_dim, args.dropout
        )
        self.score_predictor = ScorePredictor(args.output_dim, args.range_clipping)

    def forward(self, audio_emb: torch.Tensor, text_emb: torch.Tensor) -> torch.Tensor:
        audio_emb, text_emb = audio_emb.float(), text_emb.float()
        if self.args.normalize_embeddings:
            audio_emb = F.normalize(audio_emb, dim=-1)
            text_emb = F.normalize(text_emb, dim=-1)
        joint = torch.cat([audio_emb, text_emb], dim=-1)  # (B, Da + Dt)
        return self.score_predictor(self.projector(joint))

    def official_state(self) -> dict:
        """best_model.pt as the official code writes it: the head only."""
        return {
            "format_version": HEAD_FORMAT_VERSION,
            "projector": self.projector.state_dict(),
            "score_predictor": self.score_predictor.state_dict(),
        }
