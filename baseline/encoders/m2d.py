"""M2D-CLAP (Niizumi et al.) as the XACLE 2027 baseline uses it, defined here so that the official
16 kHz 2025 checkpoint (m2d_clap_vit_base-80x1001p16x16p16kpBpTI-2025/checkpoint-30.pth) loads by
its own key names, strictly: a ViT-B/16 audio backbone over 80-mel log-mel patches with a
semantic projector (audio_proj.*), and a BERT-base text encoder (text_encoder.text_encoder.*)
whose CLS vector goes through text_proj. The attribute names follow the official portable
runtime (portable_m2d.py), whose network is timm's VisionTransformer; no timm, einops or nnAudio
is needed here. Only the weights the runtime keeps are read: a training checkpoint also holds its
target encoder and decoder, which the runtime drops too.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from baseline.encoders.weights import load_state_strictly, torch_load
from baseline.errors import BaselineError
from baseline.features import M2D_MEL, LogMelSpectrogram

DEFAULT_NORM_STATS = (-7.1, 4.2)  # the runtime's value for checkpoints without norm_stats
# "m2d_clap_vit_base-80x1001p16x16p16kpBpTI-2025": input 80 x 1001, patches 16 x 16, 16 kHz,
# text encoder B (BERT base), TI (its weights inside the checkpoint).
FOLDER_NAME = re.compile(r"^[\w]+-(\d+)x(\d+)p(\d+)x(\d+)p(\d+)k((?:p[A-Za-z]+)*)(?:-.*)?$")


@dataclass
class M2DConfig:
    embed_dim: int = 768
    depth: int = 12
    num_heads: int = 12
    input_size: tuple[int, int] = (80, 1001)  # mels x frames of one chunk
    patch_size: tuple[int, int] = (16, 16)
    sem_depth: int = 1  # blocks of the semantic audio projector
    text_proj: tuple[int, int] = (768, 768)  # text_proj Linear(in, out)
    text: dict = field(default_factory=dict)  # BertConfig arguments; {} is BERT base


class Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


class Attention(nn.Module):
    def __init__(self, dim: int, num_heads: int):
        super().__init__()
        self.num_heads = num_heads
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)  # (B, heads, N, C / heads) each
        x = F.scaled_dot_product_attention(q, k, v)
        return self.proj(x.transpose(1, 2).reshape(B, N, C))


class Block(nn.Module):
    """timm's pre-norm transformer block (no layer scale, no drop path at inference)."""

    def __init__(self, dim: int, num_heads: int, mlp_ratio: float, eps: float):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = Attention(dim, num_heads)
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, patch_size: tuple[int, int], embed_dim: int):
        super().__init__()
        self.proj = nn.Conv2d(1, embed_dim, kernel_size=patch_size, stride=patch_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x).flatten(2).transpose(1, 2)  # (B, 1, F, T) -> (B, F/16 * T/16, D)


class AudioSemanticProj(nn.Module):
    """A learnt token attends over the patch embeddings; its normalised output is the clip."""

    def __init__(self, embed_dim: int, sem_depth: int):
        super().__init__()
        self.sem_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.sem_blocks = nn.ModuleList(
            [Block(embed_dim, 1, 1.0, eps=1e-5) for _ in range(sem_depth)]
        )
        self.norm = nn.LayerNorm(embed_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.cat([self.sem_token.expand(x.shape[0], -1, -1), x], dim=1)
        for blk in self.sem_blocks:
            x = blk(x)
        return self.norm(x[:, 0])  # (B, D)


class M2DBackbone(nn.Module):
    """The runtime's LocalViT plus the CLAP projectors it attaches (audio_proj, text_proj)."""

    def __init__(self, cfg: M2DConfig):
        super().__init__()
        self.cfg = cfg
        grid = (cfg.input_size[0] // cfg.patch_size[0], cfg.input_size[1] // cfg.patch_size[1])
        self.grid = grid
        self.cls_token = nn.Parameter(torch.zeros(1, 1, cfg.embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + grid[0] * grid[1], cfg.embed_dim))
        self.patch_embed = PatchEmbed(cfg.patch_size, cfg.embed_dim)
        self.blocks = nn.ModuleList(
            [Block(cfg.embed_dim, cfg.num_heads, 4.0, eps=1e-6) for _ in range(cfg.depth)]
        )
        self.norm = nn.LayerNorm(cfg.embed_dim, eps=1e-6)
        self.norm_stats = nn.Parameter(torch.tensor(DEFAULT_NORM_STATS), requires_grad=False)
        self.audio_proj = AudioSemanticProj(cfg.embed_dim, cfg.sem_depth)
        self.text_proj = nn.Linear(*cfg.text_proj)
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.normal_(self.cls_token, std=1e-6)

    def forward_encoder(self, x: torch.Tensor) -> torch.Tensor:
        """(B, 1, F, t) one chunk -> (B, 1 + patches, D)."""
        x = self.patch_embed(x)
        pos = self.pos_embed[:, 1:, :]
        if x.shape[1] < pos.shape[1]:  # a short chunk: the first frames' position embeddings
            frames = x.shape[1] // self.grid[0]
            pos = pos.reshape(1, self.grid[0], -1, pos.shape[-1])[:, :, :frames, :]
            pos = pos.reshape(1, self.grid[0] * frames, -1)
        x = x + pos
        cls = (self.cls_token + self.pos_embed[:, :1, :]).expand(x.shape[0], -1, -1)
        x = torch.cat([cls, x], dim=1)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)

    def encode_lms(self, x: torch.Tensor) -> torch.Tensor:
        """(B, 1, F, T) normalised log-mel -> (B, patches, D): every chunk of input_size[1]
        frames encoded, the patch embeddings kept flat (the runtime's flat_features=True)."""
        unit, patch = self.cfg.input_size[1], self.cfg.patch_size[1]
        n_chunk = (x.shape[-1] + unit - 1) // unit
        pad = (patch - (x.shape[-1] % unit % patch)) % patch
        if pad > 0:
            x = F.pad(x, (0, pad))
        chunks = [self.forward_encoder(x[..., i * unit : (i + 1) * unit]) for i in range(n_chunk)]
        return torch.cat([c[:, 1:, :] for c in chunks], dim=-2)


class BertTextEncoder(nn.Module):
    """The runtime's BertXEncoder: the CLS vector of BERT's last layer."""

    def __init__(self, text_config: dict):
        super().__init__()
        from transformers import BertConfig, BertModel

        self.text_encoder = BertModel(BertConfig(**text_config))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        out = self.text_encoder(input_ids=input_ids, attention_mask=attention_mask)
        return out.last_hidden_state[:, 0, :]  # (B, H)


class M2DCLAP(nn.Module):
    """(B, N) 16 kHz waveforms -> (B, D) audio embeddings; captions -> (B, D) text embeddings."""

    def __init__(self, cfg: M2DConfig, tokenizer=None):
        super().__init__()
        self.cfg = cfg
        self.to_logmel = LogMelSpectrogram(M2D_MEL)
        self.backbone = M2DBackbone(cfg)
        self.text_encoder = BertTextEncoder(cfg.text)
        self.tokenizer = tokenizer
        self.audio_dim = cfg.embed_dim
        self.text_dim = cfg.text_proj[1]

    def encode_audio(self, wav: torch.Tensor) -> torch.Tensor:
        mean, std = self.backbone.norm_stats
        x = (self.to_logmel(wav) - mean) / std  # (B, 80, T), the checkpoint's own statistics
        return self.backbone.audio_proj(self.backbone.encode_lms(x.unsqueeze(1)))  # (B, D)

    def tokenize(self, captions: list[str]) -> dict:
        batch = self.tokenizer(
            captions, padding="longest", truncation=True, max_length=512, return_tensors="pt"
        )
        return {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"]}

    def encode_text(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.backbone.text_proj(self.text_encoder(input_ids, attention_mask))  # (B, D)


def _strip(state: dict, prefix: str) -> dict:
    """The runtime's extract_weight: only the keys under prefix, if any key has it."""
    if not any(k.startswith(prefix) for k in state):
        return state
    return {k[len(prefix) :]: v for k, v in state.items() if k.startswith(prefix)}


def checkpoint_parts(raw) -> tuple[dict, dict]:
    """(backbone state, text encoder state) of an M2D-CLAP checkpoint, keys as the runtime
    reads them: the 'model' wrapper unwrapped, 'backbone.' and EVAR prefixes removed."""
    if not isinstance(raw, dict):
        raise BaselineError("an M2D-CLAP checkpoint must hold a state dict")
    raw = raw["model"] if isinstance(raw.get("model"), dict) else raw
    backbone = _strip(raw, "backbone.")
    backbone = {k.replace("module.ar.runtime.backbone.", ""): v for k, v in backbone.items()}
    if "norm_stats" not in backbone:
        backbone["norm_stats"] = torch.tensor(DEFAULT_NORM_STATS)
    text = {k.replace("module.ar.runtime.", ""): v for k, v in raw.items()}
    text = {k: v for k, v in _strip(text, "text_encoder.").items() if k.startswith("text_encoder.")}
    # Older transformers saved this buffer; today's BertModel computes it.
    text.pop("text_encoder.embeddings.position_ids", None)
    return backbone, text


def config_from_state(backbone: dict, text: dict, folder_name: str) -> M2DConfig:
    """The architecture a checkpoint's weights describe (sizes from the folder name, as the
    runtime parses it, and from the tensors' shapes)."""
    input_size, patch_size = (80, 1001), (16, 16)
    match = FOLDER_NAME.match(folder_name)
    if match:
        f, t, pf, pt, sr = (int(g) for g in match.groups()[:5])
        extra = match.group(6).split("p")[1:]
        if sr != 16:
            raise BaselineError(f"{folder_name}: only the 16 kHz M2D-CLAP models are supported")
        if extra[:1] != ["B"]:
            raise BaselineError(
                f"{folder_name}: only M2D-CLAP with the BERT-base text encoder (…pBpTI) is "
                "defined here; give the official runtime with --m2d-code for the others"
            )
        input_size, patch_size = (f, t), (pf, pt)
    for key in ("pos_embed", "audio_proj.sem_token", "text_proj.weight"):
        if key not in backbone:
            raise BaselineError(f"not an M2D-CLAP checkpoint: no {key}")
    embed = backbone["pos_embed"].shape[-1]
    depth = 1 + max(int(k.split(".")[1]) for k in backbone if k.startswith("blocks."))
    sem = 1 + max(int(k.split(".")[2]) for k in backbone if k.startswith("audio_proj.sem_blocks."))
    words = text.get("text_encoder.embeddings.word_embeddings.weight")
    if words is None:
        raise BaselineError(
            "the checkpoint holds no text encoder (text_encoder.*): the 2025 …pBpTI model does"
        )
    hidden = words.shape[1]
    layers = 1 + max(
        int(k.split(".")[3]) for k in text if k.startswith("text_encoder.encoder.layer.")
    )
    text_cfg = {
        "vocab_size": words.shape[0],
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": max(hidden // 64, 1),
        "intermediate_size": text["text_encoder.encoder.layer.0.intermediate.dense.weight"].shape[
            0
        ],
        "max_position_embeddings": text["text_encoder.embeddings.position_embeddings.weight"].shape[
            0
        ],
        "type_vocab_size": text["text_encoder.embeddings.token_type_embeddings.weight"].shape[0],
    }
    out_dim, in_dim = backbone["text_proj.weight"].shape
    return M2DConfig(
        embed_dim=embed,
        depth=depth,
        num_heads=max(embed // 64, 1),
        input_size=input_size,
        patch_size=patch_size,
        sem_depth=sem,
        text_proj=(in_dim, out_dim),
        text=text_cfg,
    )


def load_tokenizer(name_or_path: str):
    from baseline.encoders.text import offline

    offline()
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(name_or_path)
    except (OSError, ValueError) as exc:
        raise BaselineError(
            f"M2D-CLAP's text side needs the BERT tokenizer {name_or_path!r} offline: give a "
            f"folder holding it with --m2d-tokenizer ({str(exc).splitlines()[0]})"
        )


def load_m2d_clap(path: str | Path, tokenizer: str) -> M2DCLAP:
    """The official checkpoint, loaded strictly into our network."""
    path = Path(path)
    raw = torch_load(path, "M2D-CLAP checkpoint", weights_only=False)
    backbone_state, text_state = checkpoint_parts(raw)
    cfg = config_from_state(backbone_state, text_state, path.parent.name)
    model = M2DCLAP(cfg, load_tokenizer(tokenizer))
    # As the runtime: of the backbone's checkpoint only the network's own weights are used (a
    # training checkpoint carries its target network and decoder too); each must be there.
    own = set(model.backbone.state_dict())
    backbone_state = {k: v for k, v in backbone_state.items() if k in own}
    load_state_strictly(model.backbone, backbone_state, f"M2D-CLAP checkpoint {path}")
    load_state_strictly(
        model.text_encoder, text_state, f"M2D-CLAP checkpoint {path} (text encoder)"
    )
    return model.eval()


def random_m2d_clap(tokenizer: str) -> M2DCLAP:
    """The 2025 architecture with random weights (a control)."""
    return M2DCLAP(M2DConfig(), load_tokenizer(tokenizer))
