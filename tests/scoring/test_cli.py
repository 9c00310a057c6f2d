"""`python -m scoring evaluate`: the official scorer's job from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TRUTH = "wav_file_name,text,average_score\n10500.wav,a,1.0\n10501.wav,b,2.5\n10502.wav,c,9.0\n"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scoring", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def score(truth, pred, *flags: str) -> subprocess.CompletedProcess:
    return run("evaluate", "--truth", str(truth), "--pred", str(pred), *flags)


@pytest.fixture
def files(tmp_path):
    truth = tmp_path / "test_average.csv"
    truth.write_text(TRUTH)
    pred = tmp_path / "inference_result_for_test.csv"
    pred.write_text("wav_file_name,pred_score\n10502.wav,8\n10500.wav,2\n10501.wav,2\n")
    return truth, pred


def test_it_prints_the_four_metrics_and_n(files):
    truth, pred = files
    done = score(truth, pred)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["SRCC", "LCC", "KTAU", "MSE", "N"]
    assert lines[-1] == "N    3"
    # Differences -1, 0.5, 1: MSE = (1 + 0.25 + 1) / 3 = 0.75.
    assert lines[3] == "MSE  0.750000"


def test_it_prints_one_json_object(files):
    truth, pred = files
    done = score(truth, pred, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {"srcc", "lcc", "ktau", "mse", "n", "constant_prediction"}
    assert result["n"] == 3
    assert result["mse"] == pytest.approx(0.75)
    assert result["constant_prediction"] is False


def test_it_notes_a_constant_prediction(files):
    truth, pred = files
    pred.write_text("10500.wav,5\n10501.wav,5\n10502.wav,5\n")
    done = score(truth, pred)
    assert done.returncode == 0
    assert "SRCC 0.000000" in done.stdout
    assert "every prediction is the same number" in done.stdout


def test_it_reads_the_per_rating_truth_file(tmp_path, files):
    _, pred = files
    truth = tmp_path / "test.csv"
    truth.write_text(
        "wav_file_name,text,score,listener_id\n"
        "10500.wav,a,1,L1\n10500.wav,a,1,L2\n10501.wav,b,2,L1\n10501.wav,b,3,L3\n"
        "10502.wav,c,9,L2\n10502.wav,c,9,L4\n"
    )
    done = score(truth, pred, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["mse"] == pytest.approx(0.75)


def test_a_bad_submission_exits_2_with_its_problems(files):
    truth, pred = files
    pred.write_text("wav_file_name,pred_score\n10500.wav,x\n10500.wav,1\n")
    done = score(truth, pred, "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "2 items are missing: 10501.wav, 10502.wav." in done.stderr
    assert "Line 2: the score 'x' is not a number." in done.stderr
    assert "Line 3: 10500.wav appears again (first on line 2)" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("which", ["truth", "pred"])
def test_a_missing_file_exits_2_without_a_traceback(files, tmp_path, which):
    truth, pred = files
    paths = {"truth": str(truth), "pred": str(pred), which: str(tmp_path / "nope.csv")}
    done = score(paths["truth"], paths["pred"])
    assert done.returncode == 2
    assert "nope.csv" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_malformed_truth_exits_2_naming_the_line(files):
    truth, pred = files
    truth.write_text("wav_file_name,text,average_score\n10500.wav,a,eleven\n")
    done = score(truth, pred)
    assert done.returncode == 2
    assert "line 2: the score 'eleven' is not a number" in done.stderr
    assert "Traceback" not in done.stderr
