"""M2D-CLAP: the official 2025 checkpoint's key names load strictly into the network defined in
baseline/ (a state dict built here from the architecture, nothing downloaded), and the 2027
recipe runs on it; clear errors for a missing checkpoint, tokenizer or runtime code."""

import pytest
import torch

from baseline.encoders.m2d import M2DCLAP, M2DConfig, load_m2d_clap
from baseline.errors import BaselineError, run_cli
from baseline.train import main as train_main

FOLDER = "m2d_clap_vit_base-80x1001p16x16p16kpBpTI-2025"

# The full-size network's key names and shapes, as the official runtime holds them: timm's
# VisionTransformer (80 x 1001 input, 16 x 16 patches: 5 x 62 + 1 positions), the semantic audio
# projector, text_proj, and BERT base under text_encoder.text_encoder (the runtime's
# BertXEncoder keeps the model in its own text_encoder attribute).
FULL_SIZE = {
    "backbone.cls_token": (1, 1, 768),
    "backbone.pos_embed": (1, 311, 768),
    "backbone.patch_embed.proj.weight": (768, 1, 16, 16),
    "backbone.blocks.11.attn.qkv.weight": (2304, 768),
    "backbone.blocks.11.mlp.fc1.weight": (3072, 768),
    "backbone.norm.weight": (768,),
    "backbone.norm_stats": (2,),
    "backbone.audio_proj.sem_token": (1, 1, 768),
    "backbone.audio_proj.sem_blocks.0.attn.qkv.weight": (2304, 768),
    "backbone.audio_proj.sem_blocks.0.mlp.fc1.weight": (768, 768),
    "backbone.audio_proj.norm.weight": (768,),
    "backbone.text_proj.weight": (768, 768),
    "text_encoder.text_encoder.embeddings.word_embeddings.weight": (30522, 768),
    "text_encoder.text_encoder.encoder.layer.11.output.dense.weight": (768, 3072),
    "text_encoder.text_encoder.pooler.dense.weight": (768, 768),
}


def test_the_full_size_network_has_the_official_names_and_shapes():
    with torch.device("meta"):
        state = M2DCLAP(M2DConfig()).state_dict()
    for key, shape in FULL_SIZE.items():
        assert tuple(state[key].shape) == shape, key
    assert not [k for k in state if k.startswith("backbone.head")]  # the runtime deletes it
    vit = sum(v.numel() for k, v in state.items() if k.startswith("backbone.blocks."))
    assert 84e6 < vit < 86e6  # ViT-B/16's twelve blocks


def tiny_m2d():
    text = dict(vocab_size=15, hidden_size=64, num_hidden_layers=1, num_attention_heads=1,
                intermediate_size=32, max_position_embeddings=32)  # fmt: skip
    return M2DCLAP(M2DConfig(embed_dim=64, depth=2, num_heads=1, text_proj=(64, 64), text=text))


def official_checkpoint(model: M2DCLAP) -> dict:
    """The layout of checkpoint-30.pth: {"model": ...} with the backbone's weights at the top
    level, the text encoder under text_encoder., and training-only weights besides."""
    state = {k.removeprefix("backbone."): v for k, v in model.state_dict().items()
             if k.startswith("backbone.")}  # fmt: skip
    state.update({k: v for k, v in model.state_dict().items() if k.startswith("text_encoder.")})
    state["target_blocks.0.norm1.weight"] = torch.ones(64)  # dropped, as the runtime does
    state["decoder_pos_embed"] = torch.zeros(1, 311, 32)
    return {"model": state, "epoch": 30}


@pytest.fixture(scope="module")
def m2d_checkpoint(tmp_path_factory):
    torch.manual_seed(0)
    model = tiny_m2d()
    path = tmp_path_factory.mktemp("m2d") / FOLDER / "checkpoint-30.pth"
    path.parent.mkdir()
    torch.save(official_checkpoint(model), path)
    return path, model


def test_the_official_layout_loads_strictly(m2d_checkpoint, tiny_text_encoder):
    path, written = m2d_checkpoint
    loaded = load_m2d_clap(path, str(tiny_text_encoder))
    assert loaded.state_dict().keys() == written.state_dict().keys()
    for key, value in written.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value), key
    wav = 0.1 * torch.randn(2, 8000)
    assert loaded.encode_audio(wav).shape == (2, 64)
    tokens = loaded.tokenize(["a dog barks", "rain falls loudly"])
    assert loaded.encode_text(**tokens).shape == (2, 64)


def test_a_checkpoint_missing_a_weight_is_refused(m2d_checkpoint, tiny_text_encoder, tmp_path):
    path, model = m2d_checkpoint
    ckpt = official_checkpoint(model)
    del ckpt["model"]["blocks.1.mlp.fc2.bias"]
    broken = tmp_path / FOLDER / "checkpoint-30.pth"
    broken.parent.mkdir()
    torch.save(ckpt, broken)
    with pytest.raises(BaselineError, match="missing blocks.1.mlp.fc2.bias"):
        load_m2d_clap(broken, str(tiny_text_encoder))


def test_the_2027_recipe_runs_on_m2d_clap(m2d_checkpoint, tiny_data, tiny_text_encoder, tmp_path):
    path, _ = m2d_checkpoint
    train_main(["--recipe", "xacle2027", "--data", str(tiny_data), "--out", str(tmp_path / "m"),
                "--audio-encoder", "m2d-clap", "--text-encoder", "m2d-clap", "--checkpoint",
                str(path), "--m2d-tokenizer", str(tiny_text_encoder), "--max-seconds", "0.5",
                "--epochs", "1", "--batch-size", "4", "--device", "cpu"])  # fmt: skip
    assert (tmp_path / "m" / "inference_result_for_test.csv").is_file()
    assert "audio embeddings of train: (16, 64)" in (tmp_path / "m" / "train.log").read_text()


def error_of(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        run_cli(train_main, argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    "extra, message",
    [
        ([], "needs --checkpoint"),
        (["--checkpoint", "/nowhere/checkpoint-30.pth"], "M2D-CLAP checkpoint not found"),
        (["--m2d-code", "/nowhere", "--checkpoint", "x.pth"], "no portable_m2d.py there"),
        (["--text-encoder", "minilm"], "give it as both"),
        (["--recipe", "xacle2026"], "use it with --recipe xacle2027"),
    ],
)
def test_m2d_options_fail_clearly(capsys, tiny_data, tmp_path, extra, message):
    argv = ["--recipe", "xacle2027", "--data", str(tiny_data), "--out", str(tmp_path / "e"),
            "--audio-encoder", "m2d-clap", "--text-encoder", "m2d-clap", "--device", "cpu",
            *extra]  # fmt: skip
    assert message in error_of(capsys, argv)


def test_a_missing_tokenizer_or_runtime_dependency_fails_clearly(
    capsys, m2d_checkpoint, tiny_data, tmp_path
):
    base = ["--recipe", "xacle2027", "--data", str(tiny_data), "--audio-encoder", "m2d-clap",
            "--text-encoder", "m2d-clap", "--checkpoint", str(m2d_checkpoint[0])]  # fmt: skip
    err = error_of(capsys, [*base, "--out", str(tmp_path / "a"), "--m2d-tokenizer",
                            str(tmp_path / "no-tokenizer")])  # fmt: skip
    assert "needs the BERT tokenizer" in err and "--m2d-tokenizer" in err
    code = tmp_path / "runtime"
    code.mkdir()
    (code / "portable_m2d.py").write_text("import timm_not_installed_here\n")
    err = error_of(capsys, [*base, "--out", str(tmp_path / "b"), "--m2d-code", str(code)])
    assert "needs the package 'timm_not_installed_here'" in err


FAKE_RUNTIME = '''
"""Stands in for the official portable_m2d.py: its interface, our network inside."""
import torch

from baseline.encoders.m2d import load_m2d_clap

TOKENIZER = {tokenizer!r}


class _BertX(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.text_encoder = model.text_encoder.text_encoder
        self.tokenizer = model.tokenizer


class PortableM2D(torch.nn.Module):
    def __init__(self, weight_file, flat_features=None):
        super().__init__()
        assert flat_features
        self.model = load_m2d_clap(weight_file, TOKENIZER)
        self.backbone = self.model.backbone

    def get_clap_text_encoder(self):
        self.text_encoder = _BertX(self.model)

    def encode_clap_audio(self, batch_audio):
        return self.model.encode_audio(batch_audio)
'''


def test_the_users_runtime_gives_the_same_run(m2d_checkpoint, tiny_data, tiny_text_encoder,
                                              tmp_path):  # fmt: skip
    code = tmp_path / "code"
    code.mkdir()
    (code / "portable_m2d.py").write_text(FAKE_RUNTIME.format(tokenizer=str(tiny_text_encoder)))
    common = ["--recipe", "xacle2027", "--data", str(tiny_data), "--audio-encoder", "m2d-clap",
              "--text-encoder", "m2d-clap", "--checkpoint", str(m2d_checkpoint[0]),
              "--m2d-tokenizer", str(tiny_text_encoder), "--max-seconds", "0.5", "--epochs", "1",
              "--batch-size", "4", "--device", "cpu", "--round", "none"]  # fmt: skip
    train_main([*common, "--out", str(tmp_path / "ours")])
    train_main([*common, "--out", str(tmp_path / "theirs"), "--m2d-code", str(code)])
    name = "inference_result_for_validation.csv"
    assert (tmp_path / "ours" / name).read_text() == (tmp_path / "theirs" / name).read_text()
    assert "cached in" in (tmp_path / "theirs" / "train.log").read_text()  # its own cache entry
