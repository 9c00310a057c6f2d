"""python -m demodata makes the same data set without Django."""

import subprocess
import sys

import pytest

from demodata.cli import main

from .conftest import read_csv


def test_it_writes_a_data_set_and_prints_a_summary(tmp_path, capsys):
    args = [str(tmp_path), "--train", "4", "--validation", "2", "--test", "2", "--seconds", "0.3"]
    assert main(args) == 0
    assert "Wrote 8 pairs (4/2/2)" in capsys.readouterr().out
    assert len(read_csv(tmp_path / "XACLE_dataset" / "meta_data" / "test.csv")) == 2 * 8


def test_it_rejects_a_negative_size_with_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([str(tmp_path / "set"), "--validation", "-3"])
    assert exit_info.value.code == 2
    assert "validation must be 0 or more" in capsys.readouterr().err


def test_the_package_never_imports_django_or_torch():
    code = "import sys, demodata.cli; print(sorted({'django', 'torch'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
