"""Reading ground truth: the average file, the per-rating file, and malformed files."""

from __future__ import annotations

import numpy as np
import pytest

from scoring import Truth, TruthError, read_truth

AVERAGE = (
    "wav_file_name,text,average_score\n"
    '07501.wav,"A dog barks, twice",7.25\n'
    "07500.wav,Rain on a roof,2.5\n"
)
RATINGS = (
    "wav_file_name,text,score,listener_id\n"
    "07501.wav,A dog barks,7,L1\n"
    "07500.wav,Rain on a roof,2,L2\n"
    "07501.wav,A dog barks,8,L3\n"
    "07500.wav,Rain on a roof,3,L1\n"
    "07501.wav,A dog barks,6,L4\n"
)


@pytest.fixture
def write(tmp_path):
    def make(text: str, name: str = "truth.csv", encoding: str = "utf-8"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return make


def test_it_reads_the_average_file_in_first_appearance_order(write):
    truth = read_truth(write(AVERAGE, "validation_average.csv"))
    assert isinstance(truth, Truth)
    assert truth.ids == ["07501.wav", "07500.wav"]
    assert truth.texts == ["A dog barks, twice", "Rain on a roof"]
    assert truth.means.tolist() == [7.25, 2.5]
    assert truth.means.dtype == np.float64
    assert truth.ratings is None
    assert len(truth) == 2


def test_it_averages_the_per_rating_file_and_keeps_the_ratings(write):
    truth = read_truth(write(RATINGS, "validation.csv"))
    assert truth.ids == ["07501.wav", "07500.wav"]
    assert truth.texts == ["A dog barks", "Rain on a roof"]
    assert truth.means.tolist() == [7.0, 2.5]
    assert truth.ratings == [
        ("07501.wav", "L1", 7.0),
        ("07500.wav", "L2", 2.0),
        ("07501.wav", "L3", 8.0),
        ("07500.wav", "L1", 3.0),
        ("07501.wav", "L4", 6.0),
    ]


def test_it_accepts_a_bom_crlf_and_reordered_columns(write):
    text = "\ufeffaverage_score,wav_file_name,text\r\n5,00001.wav,x\r\n"
    truth = read_truth(write(text))
    assert (truth.ids, truth.means.tolist()) == (["00001.wav"], [5.0])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("wav_file_name,text,average_score\n", "the file has a header but no rows"),
        ("wav_file_name,text\n00001.wav,x\n", "line 1: the header is 'wav_file_name,text'"),
        ("wav_file_name,text,average_score\n00001.wav,x,high\n", "line 2: the score 'high'"),
        (
            "wav_file_name,text,average_score\n00001.wav,x,10.5\n",
            "line 2: the score 10.5 is outside 0..10",
        ),
        ("wav_file_name,text,average_score\n00001.wav,x,-1\n", "outside 0..10"),
        ("wav_file_name,text,average_score\n00001.wav,x,nan\n", "outside 0..10"),
        ("wav_file_name,text,average_score\n00001.wav,x\n", "line 2: expected 3 values, found 2"),
        ("wav_file_name,text,average_score\n,x,1\n", "line 2: the wav_file_name is empty"),
        (
            "wav_file_name,text,average_score\n00001.wav,x,1\n00001.wav,x,2\n",
            "line 3: 00001.wav appears again (first on line 2)",
        ),
        (
            RATINGS + "07500.wav,Snow on a roof,3,L9\n",
            "line 7: 07500.wav has a different text than on line 3",
        ),
    ],
)
def test_it_rejects_malformed_files_naming_file_and_line(write, text, message):
    path = write(text)
    with pytest.raises(TruthError) as caught:
        read_truth(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_it_rejects_a_missing_file(tmp_path):
    with pytest.raises(TruthError, match="no such file"):
        read_truth(tmp_path / "nope.csv")


def test_it_rejects_a_file_that_is_not_utf8(write):
    with pytest.raises(TruthError, match="not UTF-8"):
        read_truth(
            write("wav_file_name,text,average_score\n00001.wav,caf\xe9,1\n", encoding="latin-1")
        )
