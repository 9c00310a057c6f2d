"""manage.py make_dataset wraps the generator and refuses bad arguments clearly."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from .conftest import read_csv

TINY_ARGS = ["--train", "6", "--validation", "3", "--test", "3", "--seconds", "0.3"]


def _make(out, *args):
    stdout, stderr = StringIO(), StringIO()
    call_command("make_dataset", str(out), *TINY_ARGS, *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_it_writes_a_data_set_of_the_asked_sizes(tmp_path):
    out, _ = _make(tmp_path / "set", "--seed", "3", "--test-listeners", "5")
    assert "Wrote 12 pairs (6/3/3)" in out
    meta = tmp_path / "set" / "XACLE_dataset" / "meta_data"
    assert len(read_csv(meta / "train_average.csv")) == 6
    assert len(read_csv(meta / "test.csv")) == 3 * 5


def test_it_refuses_a_non_empty_output_folder_without_force(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(CommandError, match="not empty"):
        _make(tmp_path)
    assert not (tmp_path / "XACLE_dataset").exists()


def test_with_force_it_replaces_the_data_set_and_keeps_other_files(tmp_path):
    _make(tmp_path)
    (tmp_path / "notes.txt").write_text("keep me")
    _make(tmp_path, "--force", "--train", "2")
    assert len(read_csv(tmp_path / "XACLE_dataset" / "meta_data" / "train_average.csv")) == 2
    assert (tmp_path / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--train", "-1"], "train must be 0 or more"),
        (["--test-listeners", "0"], "test_listeners_per_pair must be 1 or more"),
        (["--seconds", "0"], "seconds must be between"),
        (["--seed", "-5"], "seed must be 0 or more"),
    ],
)
def test_it_rejects_bad_sizes_with_a_clear_message(tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        _make(tmp_path / "set", *args)
    assert not (tmp_path / "set").exists()


def test_it_rejects_an_output_path_that_is_a_file(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(CommandError, match="not a folder"):
        _make(tmp_path / "file")


def test_without_animals_it_notes_that_every_sound_is_synthesized(tmp_path):
    _, err = _make(tmp_path / "set", "--no-animals")
    assert "synthesized sounds only" in err
