"""The official XACLE baseline predictor (RELATE-style), with its attribute names.

Text vector broadcast to every audio frame and concatenated -> BiLSTM -> mean of the first and
last outputs -> Linear, ReLU, Dropout, Linear -> one score in the scaled space (s - 5) / 5.
Imports only torch (bench/baseline_gpu.py relies on that).
"""

from dataclasses import dataclass

import torch
from torch import nn

SCORE_MID, SCORE_SCALE = 5.0, 5.0


def to_model_space(scores: torch.Tensor) -> torch.Tensor:
    return (scores - SCORE_MID) / SCORE_SCALE


def to_score_space(preds: torch.Tensor) -> torch.Tensor:
    return preds * SCORE_SCALE + SCORE_MID


@dataclass
class PredictorArgs:
    audio_dim: int  # 3072 for BYOL-A, 512 for aisfx
    text_dim: int  # 1024 for roberta-large, 384 for MiniLM
    rnn_hidden: int = 512
    rnn_layers: int = 1
    proj_hidden: int = 2048
    dropout: float = 0.3


class LDConditioner(nn.Module):
    def __init__(self, input_dim: int, rnn_hidden_size: int, rnn_num_layers: int):
        super().__init__()
        self.rnn = nn.LSTM(
            input_size=input_dim,
            hidden_size=rnn_hidden_size,
            num_layers=rnn_num_layers,
            batch_first=True,
            bidirectional=True,
        )
        self.out_dim = rnn_hidden_size * 2

    def forward(self, audio_emb: torch.Tensor, text_emb: torch.Tensor) -> torch.Tensor:
        text = text_emb.unsqueeze(1).expand(-1, audio_emb.size(1), -1)  # (B, T, Dt)
        feat = torch.cat([audio_emb, text], dim=2)  # (B, T, Da + Dt)
        out, _ = self.rnn(feat)  # (B, T, 2H)
        return (out[:, 0] + out[:, -1]) / 2  # (B, 2H)


class Projection(nn.Module):
    def __init__(self, input_dim: int, hidden_dim: int, dropout: float):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(input_dim, hidden_dim),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden_dim, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(-1)  # (B, 2H) -> (B,)


class BaselineModel(nn.Module):
    """Encoders plus predictor. Either encoder may be frozen and its outputs passed in directly.

    text_only: the audio features are replaced by one frame of zeros, so the same predictor sees
    the caption alone (the "audio ignored" control).
    """

    def __init__(
        self,
        args: PredictorArgs,
        audio_encoder: nn.Module | None,
        text_encoder: nn.Module | None,
        text_only: bool = False,
    ):
        super().__init__()
        self.args = args
        self.text_only = text_only
        self.audio_encoder = audio_encoder
        self.text_encoder = text_encoder
        self.ldconditioner = LDConditioner(
            args.audio_dim + args.text_dim, args.rnn_hidden, args.rnn_layers
        )
        self.projection = Projection(self.ldconditioner.out_dim, args.proj_hidden, args.dropout)

    def encode_audio(self, wavs: torch.Tensor) -> torch.Tensor:
        if self.text_only:
            return wavs.new_zeros(wavs.shape[0], 1, self.args.audio_dim)  # (B, 1, Da)
        return self.audio_encoder(wavs)  # (B, T, Da)

    def encode_text(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.text_encoder(input_ids, attention_mask)  # (B, Dt)

    def predict(self, audio_emb: torch.Tensor, text_emb: torch.Tensor) -> torch.Tensor:
        cond = self.ldconditioner(audio_emb.float(), text_emb.float())  # (B, 2H)
        return self.projection(cond)  # (B,) scaled scores

    def forward(self, batch: dict) -> torch.Tensor:
        """batch holds either audio_emb or wavs, and either text_emb or input_ids/attention_mask."""
        audio = batch.get("audio_emb")
        if audio is None:
            audio = self.encode_audio(batch["wavs"])
        text = batch.get("text_emb")
        if text is None:
            text = self.encode_text(batch["input_ids"], batch["attention_mask"])
        return self.predict(audio, text)
