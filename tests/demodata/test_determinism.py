"""The same seed gives the same files, byte for byte; another seed gives others."""

from dataclasses import replace
from pathlib import Path

from demodata import make_dataset

from .conftest import TINY


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_the_same_seed_gives_byte_identical_files(tmp_path, tiny_set):
    again = make_dataset(tmp_path, TINY)
    assert _files(again.root) == _files(tiny_set.root)
    assert again.latent == tiny_set.latent


def test_another_seed_gives_other_files(tmp_path, tiny_set):
    other = _files(make_dataset(tmp_path, replace(TINY, seed=TINY.seed + 1)).root)
    mine = _files(tiny_set.root)
    assert other.keys() == mine.keys()
    changed = [name for name in mine if other[name] != mine[name]]
    assert len(changed) > 0.9 * len(mine)


def test_the_number_of_test_listeners_leaves_the_audio_unchanged(tmp_path, tiny_set):
    other = _files(make_dataset(tmp_path, replace(TINY, test_listeners_per_pair=4)).root)
    mine = _files(tiny_set.root)
    wavs = [name for name in mine if name.endswith(".wav")]
    assert all(other[name] == mine[name] for name in wavs)
    assert other["meta_data/test.csv"] != mine["meta_data/test.csv"]
