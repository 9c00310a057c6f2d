"""Training-step throughput of the official-size baselines on synthetic data (see baseline_gpu.sh).

The 2026 recipe: the predictor on cached encoder outputs, frozen encoders, everything fine-tuned.
The 2027 recipe: frozen embedding extraction by an M2D-CLAP-size network (ViT-B/16 audio encoder,
BERT-base text encoder) and training steps of its head on cached embeddings.
Imports only torch, transformers and the torch-only modules of baseline/ (model, losses, head,
the BYOL-A and M2D-CLAP networks), so that it runs on a bare GPU machine with a few MB of the
repository.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
from torch import nn  # noqa: E402

from baseline.encoders.byola import BYOLAEncoder  # noqa: E402
from baseline.encoders.m2d import M2DCLAP, M2DConfig  # noqa: E402
from baseline.encoders.text import pool  # noqa: E402
from baseline.head import EmbeddingHead, HeadArgs  # noqa: E402
from baseline.losses import baseline_loss  # noqa: E402
from baseline.model import BaselineModel, PredictorArgs  # noqa: E402

# The bench machine has neither: the modules it imports must not need them.
IMPORTED_HEAVY = sorted(m for m in ("soundfile", "django", "scoring") if m in sys.modules)

TRAIN_CLIPS = 7500
SAMPLE_RATE, SECONDS, CAPTION_TOKENS = 16000, 10, 24


class RandomRoberta(nn.Module):
    """A roberta-large configuration with random weights (speed does not depend on them)."""

    def __init__(self, tiny: bool):
        super().__init__()
        from transformers import RobertaConfig, RobertaModel

        size = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64) if tiny else dict(
                    hidden_size=1024, num_hidden_layers=24, num_attention_heads=16,
                    intermediate_size=4096)  # fmt: skip
        self.model = RobertaModel(RobertaConfig(vocab_size=50265, **size), add_pooling_layer=False)
        self.out_dim = self.model.config.hidden_size

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return pool(hidden, attention_mask, "cls")  # (B, 1024)


def synthetic_batch(batch_size: int, seconds: float, device: str) -> dict:
    return {
        "wavs": 0.1 * torch.randn(batch_size, int(SAMPLE_RATE * seconds), device=device),
        "input_ids": torch.randint(3, 50265, (batch_size, CAPTION_TOKENS), device=device),
        "attention_mask": torch.ones(batch_size, CAPTION_TOKENS, dtype=torch.long, device=device),
        "scores": torch.rand(batch_size, device=device) * 2 - 1,
        "num_class": torch.randint(100, 1500, (batch_size,), device=device),
    }


def sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def autocast(opts, device: str):
    return torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=opts.bf16)


def tiny_m2d_config() -> M2DConfig:
    text = dict(vocab_size=30522, hidden_size=64, num_hidden_layers=1, num_attention_heads=1,
                intermediate_size=64, max_position_embeddings=64)  # fmt: skip
    return M2DConfig(embed_dim=64, depth=1, num_heads=1, text_proj=(64, 64), text=text)


def optimize(optimizer, pred, scores, num_class) -> None:
    """One optimizer step on the official loss."""
    loss = baseline_loss(pred, scores, num_class)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()


def time_steps(step, opts, device: str) -> float:
    """Seconds per step after the warm-up."""
    for _ in range(opts.warmup):
        step()
    sync(device)
    t0 = time.perf_counter()
    for _ in range(opts.steps):
        step()
    sync(device)
    return (time.perf_counter() - t0) / opts.steps


def time_2027(mode: str, opts, device: str) -> dict:
    """m2d-embed: the frozen M2D-CLAP pass that fills the embedding cache (audio and caption);
    head2027: training steps of the 2027 head on cached 768-d embeddings."""
    torch.manual_seed(0)
    if device == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    if mode == "m2d-embed":
        model = M2DCLAP(tiny_m2d_config() if opts.tiny else M2DConfig()).to(device).eval()
        batch = synthetic_batch(opts.batch_size, opts.seconds, device)
        batch["input_ids"] = batch["input_ids"] % model.cfg.text["vocab_size"]

        @torch.no_grad()
        def step():
            with autocast(opts, device):
                model.encode_audio(batch["wavs"])  # (B, 768)
                model.encode_text(batch["input_ids"], batch["attention_mask"])  # (B, 768)

        per_step = time_steps(step, opts, device)
        del model
    else:
        head = EmbeddingHead(HeadArgs(audio_dim=768, text_dim=768)).to(device).train()
        optimizer = torch.optim.Adam(head.parameters(), lr=2e-5, weight_decay=1e-5)
        audio = torch.randn(opts.batch_size, 768, device=device)
        text = torch.randn(opts.batch_size, 768, device=device)
        scores = torch.rand(opts.batch_size, device=device) * 2 - 1
        num_class = torch.randint(100, 1500, (opts.batch_size,), device=device)

        def step():
            with autocast(opts, device):
                pred = head(audio, text)
            optimize(optimizer, pred, scores, num_class)

        per_step = time_steps(step, opts, device)
    peak = torch.cuda.max_memory_allocated() / 2**30 if device == "cuda" else float("nan")
    return {"mode": mode, "clips_per_s": opts.batch_size / per_step, "peak_gib": peak}


def time_mode(model, mode: str, opts, device: str) -> dict:
    """Seconds per training step: 'finetune' trains everything, 'frozen' runs the encoders
    without gradients, 'predictor' trains on ready-made encoder outputs (the cached case)."""
    batch = synthetic_batch(opts.batch_size, opts.seconds, device)
    train_encoders = mode == "finetune"
    for enc in (model.audio_encoder, model.text_encoder):
        enc.train(train_encoders).requires_grad_(train_encoders)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=2e-5, weight_decay=1e-5)
    amp = autocast(opts, device)
    if mode == "predictor":
        with torch.no_grad(), amp:
            batch["audio_emb"] = model.encode_audio(batch["wavs"]).float()  # (B, 250, 3072)
            batch["text_emb"] = model.encode_text(batch["input_ids"], batch["attention_mask"])
    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()

    def step():
        with amp:
            if mode == "frozen":
                with torch.no_grad():
                    audio = model.encode_audio(batch["wavs"])
                    text = model.encode_text(batch["input_ids"], batch["attention_mask"])
                pred = model.predict(audio, text)
            else:
                pred = model(batch)
        optimize(optimizer, pred, batch["scores"], batch["num_class"])

    per_step = time_steps(step, opts, device)
    peak = torch.cuda.max_memory_allocated() / 2**30 if device == "cuda" else float("nan")
    return {"mode": mode, "clips_per_s": opts.batch_size / per_step, "peak_gib": peak}


MODES_2026 = ("predictor", "frozen", "finetune")
MODES_2027 = ("m2d-embed", "head2027")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    p.add_argument("--steps", type=int, default=10, help="timed steps per mode")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=12, help="12 is the official batch")
    p.add_argument("--seconds", type=float, default=SECONDS)
    p.add_argument("--modes", default=",".join(MODES_2026 + MODES_2027))
    p.add_argument(
        "--precision",
        choices=["fp32", "bf16"],
        default="fp32",
        help="fp32 as the official runs (default); bf16 autocast",
    )
    p.add_argument(
        "--tiny", action="store_true", help="smoke test: small text encoder, 2 clips of 0.5 s"
    )
    opts = p.parse_args(argv)
    device = opts.device
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        p.error("--device cuda: torch sees no CUDA device")
    modes = opts.modes.split(",")
    unknown = sorted(set(modes) - set(MODES_2026 + MODES_2027))
    if unknown:
        p.error(f"unknown mode {unknown[0]}: use {', '.join(MODES_2026 + MODES_2027)}")
    opts.bf16 = opts.precision == "bf16"
    if opts.tiny:
        opts.seconds, opts.batch_size, opts.warmup = 0.5, 2, 0
    torch.manual_seed(0)
    model = None
    if set(modes) & set(MODES_2026):
        text = RandomRoberta(opts.tiny)
        audio = BYOLAEncoder(d=3072)
        model = BaselineModel(PredictorArgs(audio_dim=3072, text_dim=text.out_dim), audio, text)
        model.to(device)
    name = torch.cuda.get_device_name() if device == "cuda" else "cpu"
    size = "tiny" if opts.tiny else "official-size"
    print(f"device {name} | torch {torch.__version__} | batch {opts.batch_size} of "
          f"{opts.seconds:g} s | {size} encoders (2026: BYOL-A + roberta-large; 2027: M2D-CLAP "
          f"ViT-B/16 + BERT-base), random weights | {opts.precision}")  # fmt: skip
    for mode in modes:
        if mode in MODES_2027:
            if model is not None:
                model.cpu()  # the 2026 model leaves the GPU's memory to the 2027 network
            r = time_2027(mode, opts, device)
        else:
            r = time_mode(model.to(device), mode, opts, device)
        epoch_min = TRAIN_CLIPS / r["clips_per_s"] / 60
        print(f"{mode:>10}: {r['clips_per_s']:8.1f} clips/s | epoch of {TRAIN_CLIPS} clips "
              f"{epoch_min:7.1f} min | peak GPU memory {r['peak_gib']:.2f} GiB")  # fmt: skip
    print("baseline modules imported soundfile/django/scoring:", ", ".join(IMPORTED_HEAVY) or "no")


if __name__ == "__main__":
    main()
