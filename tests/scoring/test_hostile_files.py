"""Hostile uploads (issue 12): the reader raises only SubmissionError, whatever the bytes,
and stays small whatever the shape of a file up to the upload limit."""

from __future__ import annotations

import gc
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.hostile import ENCODINGS, ODD_CHARACTERS, shapes
from scoring import DEFAULT_MAX_BYTES, SubmissionError, SubmissionReader, read_submission
from scoring.problems import MAX_PROBLEMS

IDS = [f"{i:05d}.wav" for i in range(10500, 10506)]
PHASE_IDS = [f"{i:05d}.wav" for i in range(10500, 13500)]  # a test phase: 3,000 items
MAX_EXTRA_MEMORY = 64 * 1024 * 1024
MAX_ECHO = 100


def outcome(data: bytes, ids=IDS):
    """The predictions, or the refusal's messages; any other exception fails the test."""
    try:
        predictions = read_submission(data, ids)
    except SubmissionError as error:
        assert error.messages()
        return error.messages()
    assert predictions.shape == (len(ids),) and np.isfinite(predictions).all()
    return predictions


def test_a_score_ending_in_a_separator_character_is_read_not_crashed_on():
    # Issue 12's reproducer: str.strip() removes 0x1C-0x1F, float() of the raw cell did not.
    for char in "\x1c\x1d\x1e\x1f":
        predictions = read_submission(f"a.wav,5{char}\nb.wav,6\n".encode(), ["a.wav", "b.wav"])
        assert predictions.tolist() == [5.0, 6.0]


VALID = "wav_file_name,pred_score\n" + "".join(f"{item},{i}.5\n" for i, item in enumerate(IDS))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, len(VALID)),
            st.sampled_from(ODD_CHARACTERS),
            st.integers(1, 4),
            st.booleans(),
        ),
        max_size=6,
    ),
    encoding=st.sampled_from(ENCODINGS),
)
def test_mutated_valid_files_raise_only_submission_errors(edits, encoding):
    """Control and Unicode space characters in every position, quotes, line ends, odd
    encodings: each file is read or refused, never crashed on."""
    text = VALID
    for where, char, times, replace in edits:
        text = text[:where] + char * times + text[where + (1 if replace else 0) :]
    outcome(text.encode(encoding, errors="replace"))


@pytest.mark.parametrize("char", ODD_CHARACTERS)
def test_an_odd_character_anywhere_in_a_line_is_read_or_refused(char):
    line = f"{IDS[0]},1.5"
    for where in range(len(line) + 1):
        rest = "".join(f"{item},2\n" for item in IDS[1:])
        outcome(f"wav_file_name,pred_score\n{line[:where]}{char}{line[where:]}\n{rest}".encode())


def test_echoed_values_are_cut_and_escaped():
    messages = outcome(f"wav_file_name,pred_score\n{'y' * 5000}\u202e,{'5x' * 3000}\n".encode())
    assert all(len(message) < 1200 for message in messages)
    assert any("'5x5x" in message and "…" in message for message in messages)
    score = next(m for m in messages if "the score" in m)
    assert len(score.split("'")[1]) <= MAX_ECHO + 1
    controls = outcome(b"wav_file_name,pred_score\n\x1b[31mred\x07,1\n")
    assert not any("\x1b" in m or "\x07" in m for m in controls)
    assert any("\\x1b[31mred\\x07" in m for m in controls)


def test_a_one_line_file_at_the_limit_gets_a_short_refusal():
    # Issue 12's reproducer: a 10 MB one-line file got a 10.48 MB error answer.
    data = b"10500.wav," + b"9" * (DEFAULT_MAX_BYTES - 20)
    with pytest.raises(SubmissionError) as caught:
        read_submission(data, PHASE_IDS)
    assert len(str(caught.value)) < 1000


def test_at_most_twenty_problems_are_listed_then_counted():
    text = "wav_file_name,pred_score\n" + "".join(f"{item},x\n" for item in PHASE_IDS)
    with pytest.raises(SubmissionError) as caught:
        read_submission(text.encode(), PHASE_IDS)
    assert len(caught.value.problems) == MAX_PROBLEMS <= 50
    assert caught.value.messages()[-1] == f"… and {3000 - MAX_PROBLEMS:,} more problems"


@pytest.fixture(scope="module")
def phase_reader():
    return SubmissionReader(PHASE_IDS, "test")


@pytest.mark.parametrize("shape", list(shapes(PHASE_IDS, DEFAULT_MAX_BYTES)))
def test_any_file_up_to_the_limit_costs_at_most_64_mb(phase_reader, shape):
    """Wide headers, millions of short or empty lines, one huge line, wide characters:
    tracemalloc's peak while reading stays under the budget, and the refusal is short."""
    data = shapes(PHASE_IDS, DEFAULT_MAX_BYTES)[shape]()
    assert len(data) <= DEFAULT_MAX_BYTES
    gc.collect()
    tracemalloc.start()
    try:
        with pytest.raises(SubmissionError) as caught:
            phase_reader.read(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= MAX_EXTRA_MEMORY, f"{shape}: {peak / 2**20:.0f} MiB"
    assert len(caught.value.problems) <= MAX_PROBLEMS
    assert len(str(caught.value)) < 25_000


def test_a_valid_phase_sized_file_is_read_within_the_memory_budget(phase_reader):
    text = "wav_file_name,pred_score\n" + "".join(f"{item},{i % 11}\n" for i, item in
                                               enumerate(PHASE_IDS))  # fmt: skip
    tracemalloc.start()
    try:
        predictions = phase_reader.read(text.encode())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert predictions[:3].tolist() == [0.0, 1.0, 2.0]
    assert peak <= MAX_EXTRA_MEMORY


def test_the_fuzz_bench_runs_and_finds_no_crash():
    """bench/fuzz.py (100,000 files by default) in a short run: it reports the three counts."""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, str(root / "bench" / "fuzz.py"), "--files", "500", "--seed", "3"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "crashed=0" in done.stdout and "accepted=" in done.stdout and "refused=" in done.stdout


def test_a_score_longer_than_any_number_is_refused_whatever_the_path():
    long = "0." + "0" * 110 + "5e105"  # 5e-6 written in 118 characters
    for text in (f"a.wav,{long}\nb.wav,1\n", f'a.wav,{long}\nb.wav,"1"\n'):
        with pytest.raises(SubmissionError, match="too long to be a number"):
            read_submission(text.encode(), ["a.wav", "b.wav"])
