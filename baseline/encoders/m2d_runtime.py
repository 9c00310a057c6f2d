"""The user's copy of the official portable M2D runtime (portable_m2d.py of nttcslab/m2d, also
vendored in XACLE_2027_baselinemodel models/m2d/vendor/), used instead of our own M2D-CLAP
network with --m2d-code PATH. Its code is not shipped here; it needs timm, einops and nnAudio,
and it finds the BERT weights of its text side in the Hugging Face cache (offline: nothing is
downloaded)."""

import importlib.util
from pathlib import Path

import torch
from torch import nn

from baseline.encoders.text import offline
from baseline.errors import BaselineError

RUNTIME_FILE = "portable_m2d.py"


def runtime_file(code: str | Path) -> Path:
    path = Path(code)
    file = path / RUNTIME_FILE if path.is_dir() else path
    if not file.is_file() or file.name != RUNTIME_FILE:
        raise BaselineError(
            f"--m2d-code {code}: no {RUNTIME_FILE} there (give the folder holding the official "
            "runtime: nttcslab/m2d examples/ or XACLE_2027_baselinemodel models/m2d/vendor/)"
        )
    return file


def load_runtime_module(code: str | Path):
    file = runtime_file(code)
    spec = importlib.util.spec_from_file_location("user_portable_m2d", file)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except ImportError as exc:
        raise BaselineError(
            f"{file} needs the package {exc.name!r}: install timm, einops and nnAudio to use "
            "--m2d-code, or leave it out to use the network defined in baseline/"
        )
    if not hasattr(module, "PortableM2D"):
        raise BaselineError(f"{file} defines no PortableM2D")
    return module


class PortableRuntime(nn.Module):
    """The runtime's clip embeddings: encode_clap_audio, and its BERT text side's CLS vector
    through text_proj (what encode_clap_text computes), tokenised here so batches are tensors."""

    def __init__(self, code: str | Path, checkpoint: str | Path):
        super().__init__()
        module = load_runtime_module(code)
        if not Path(checkpoint).is_file():
            raise BaselineError(f"M2D-CLAP checkpoint not found: {checkpoint}")
        offline()
        try:
            self.runtime = module.PortableM2D(str(checkpoint), flat_features=True)
            self.runtime.get_clap_text_encoder()
        except OSError as exc:
            raise BaselineError(
                f"the portable runtime could not load its text encoder offline: {exc}"
            )
        text = self.runtime.text_encoder
        if not hasattr(text, "tokenizer") or not hasattr(text, "text_encoder"):
            raise BaselineError("--m2d-code: only the BERT-text M2D-CLAP models are supported")
        self.audio_dim = self.runtime.backbone.pos_embed.shape[-1]
        self.text_dim = self.runtime.backbone.text_proj.weight.shape[0]

    def encode_audio(self, wav: torch.Tensor) -> torch.Tensor:
        return self.runtime.encode_clap_audio(wav)

    def tokenize(self, captions: list[str]) -> dict:
        batch = self.runtime.text_encoder.tokenizer(
            captions, padding="longest", truncation=True, max_length=512, return_tensors="pt"
        )
        return {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"]}

    def encode_text(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        bert = self.runtime.text_encoder.text_encoder
        cls = bert(input_ids=input_ids, attention_mask=attention_mask)[0][:, 0, :]
        return self.runtime.backbone.text_proj(cls)
