"""Reading submissions: what is accepted, and what is refused with which message."""

from __future__ import annotations

import csv
import gzip
import io
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import (
    DEFAULT_MAX_BYTES,
    Problem,
    SubmissionError,
    read_submission,
    write_submission,
)
from scoring.rawfile import records

EXPECTED = np.arange(10) * 0.5  # what submission_text writes for the ten test ids


def problems_of(data, ids, **kwargs) -> list[str]:
    if isinstance(data, str):
        data = data.encode()
    with pytest.raises(SubmissionError) as caught:
        read_submission(data, ids, **kwargs)
    return caught.value.messages()


# --- accepted -----------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["wav_file_name,pred_score", "wav_file_name,prediction_score"])
def test_it_accepts_the_common_headers(submission_text, test_ids, header):
    predictions = read_submission(submission_text(header).encode(), test_ids)
    assert predictions.dtype == np.float64
    assert predictions.tolist() == EXPECTED.tolist()


def test_it_accepts_the_test_csv_columns_plus_prediction_score(test_ids):
    text = "wav_file_name,text,prediction_score\n" + "".join(
        f'{item},"A dog barks, then a car passes ""fast""",{i}\n' for i, item in enumerate(test_ids)
    )
    assert read_submission(text.encode(), test_ids).tolist() == list(range(10))


def test_it_accepts_a_text_spanning_lines_and_counts_lines_like_an_editor(test_ids):
    text = "wav_file_name,text,prediction_score\n" + "".join(
        f'{item},"two\nlines",{"x" if i == 9 else i}\n' for i, item in enumerate(test_ids)
    )
    # Item 9 starts on line 2 + 2 * 9 = 20.
    assert problems_of(text, test_ids) == ["Line 20: the score 'x' is not a number."]


def test_it_accepts_a_file_without_header(submission_text, test_ids):
    assert read_submission(submission_text(None).encode(), test_ids).tolist() == EXPECTED.tolist()


def test_it_accepts_rows_in_any_order(submission_text, test_ids):
    lines = submission_text().splitlines()
    shuffled = "\n".join([lines[0], *reversed(lines[1:])])
    assert read_submission(shuffled.encode(), test_ids).tolist() == EXPECTED.tolist()


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_it_accepts_any_line_ending(submission_text, test_ids, newline):
    data = submission_text(newline=newline).encode()
    assert read_submission(data, test_ids).tolist() == EXPECTED.tolist()


def test_it_accepts_a_bom_and_no_trailing_newline(submission_text, test_ids):
    data = b"\xef\xbb\xbf" + submission_text().rstrip("\n").encode()
    assert read_submission(data, test_ids).tolist() == EXPECTED.tolist()


def test_it_ignores_blank_lines_at_the_end(submission_text, test_ids):
    data = (submission_text() + "\n\n  \n,\n").encode()
    assert read_submission(data, test_ids).tolist() == EXPECTED.tolist()


def test_it_ignores_whitespace_around_values(test_ids):
    text = "wav_file_name , pred_score \n" + "".join(
        f"  {item} ,  {i}  \n" for i, item in enumerate(test_ids)
    )
    assert read_submission(text.encode(), test_ids).tolist() == list(range(10))


def test_it_accepts_any_unambiguous_second_column_name(submission_text, test_ids):
    data = submission_text("wav_file_name,my_score").encode()
    assert read_submission(data, test_ids).tolist() == EXPECTED.tolist()


def test_it_accepts_scores_outside_zero_to_ten(test_ids):
    # The official scorer does not clip: MSE punishes them instead.
    text = "wav_file_name,pred_score\n" + "".join(
        f"{item},{-5 + 3 * i}e0\n" for i, item in enumerate(test_ids)
    )
    assert read_submission(text.encode(), test_ids).tolist() == [-5 + 3 * i for i in range(10)]


def test_it_reads_paths_and_binary_files(tmp_path, submission_text, test_ids):
    path = tmp_path / "inference_result_for_test.csv"
    path.write_text(submission_text())
    assert read_submission(path, test_ids).tolist() == EXPECTED.tolist()
    assert read_submission(str(path), test_ids).tolist() == EXPECTED.tolist()
    with path.open("rb") as f:
        assert read_submission(f, test_ids).tolist() == EXPECTED.tolist()


def test_it_refuses_a_file_opened_as_text(tmp_path, submission_text, test_ids):
    path = tmp_path / "s.csv"
    path.write_text(submission_text())
    with path.open() as f, pytest.raises(TypeError, match="binary"):
        read_submission(f, test_ids)


def test_written_submissions_read_back_as_the_same_floats(tmp_path, rng, test_ids):
    values = rng.normal(5, 3, len(test_ids))
    values[0] = 1 / 3
    path = tmp_path / "s.csv"
    write_submission(path, test_ids, values)
    assert path.read_text().splitlines()[0] == "wav_file_name,pred_score"
    assert np.array_equal(read_submission(path, test_ids), values)

    buffer = io.StringIO()
    write_submission(buffer, test_ids, values, score_column="prediction_score")
    assert buffer.getvalue().startswith("wav_file_name,prediction_score\n")
    assert np.array_equal(read_submission(buffer.getvalue().encode(), test_ids), values)


def test_it_reads_a_full_test_phase(rng):
    ids = [f"{i:05d}.wav" for i in range(10500, 13500)]
    values = np.round(rng.normal(5, 2, 3000), 4)
    buffer = io.StringIO()
    write_submission(buffer, ids[::-1], values[::-1])
    assert np.array_equal(read_submission(buffer.getvalue().encode(), ids), values)


# --- refused: the file as a whole ---------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\n\n", b"   \r\n", b"\xef\xbb\xbf"])
def test_it_rejects_an_empty_file(test_ids, data):
    assert problems_of(data, test_ids) == ["The file is empty."]


def test_it_rejects_a_header_without_rows(test_ids):
    assert problems_of("wav_file_name,pred_score\n", test_ids) == [
        "The file has a header but no predictions below it."
    ]


def test_it_refuses_a_file_over_the_size_limit_before_reading_it(
    tmp_path, submission_text, test_ids
):
    data = submission_text().encode()
    (message,) = problems_of(data, test_ids, max_bytes=100)
    assert "the limit is 0.0 MB" in message

    path = tmp_path / "big.csv"
    path.write_bytes(data)
    with pytest.raises(SubmissionError, match="limit"):
        read_submission(path, test_ids, max_bytes=100)

    class Upload(io.BytesIO):
        """Records how much was asked for, like a stream we must not read whole."""

        asked: list[int | None] = []

        def read(self, size=-1):
            self.asked.append(size)
            return super().read(size)

    upload = Upload(data * 1000)
    with pytest.raises(SubmissionError, match="limit"):
        read_submission(upload, test_ids, max_bytes=100)
    assert upload.asked == [101]


def test_the_default_size_limit_is_ten_megabytes():
    assert DEFAULT_MAX_BYTES == 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (b"PK\x03\x04" + b"\x00" * 26 + b"[Content_Types].xmlxl/workbook.xml", "an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "an old Excel workbook (.xls)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (gzip.compress(b"wav_file_name,pred_score\n"), "a gzip-compressed file"),
        (b"\x00\x01\x02\x03binary", "a binary file"),
        ("wav_file_name,pred_score\n".encode("utf-16"), "UTF-16 text"),
    ],
)
def test_it_says_what_a_non_csv_file_looks_like(test_ids, data, looks_like):
    (message,) = problems_of(data, test_ids)
    assert message.startswith(f"This looks like {looks_like}")
    assert "not a CSV file" in message


def test_it_recognises_a_zip_archive(submission_text, test_ids):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("submission.csv", submission_text())
    (message,) = problems_of(buffer.getvalue(), test_ids)
    assert message.startswith("This looks like a ZIP archive, not a CSV file")


def test_it_rejects_bytes_that_are_not_utf8_and_names_the_line(submission_text, test_ids):
    data = submission_text().encode().replace(b"10503.wav", b"10503\xe9.wav")
    (message,) = problems_of(data, test_ids)
    assert message.startswith("Line 5: the file is not UTF-8 text (byte 0xE9")
    assert "UTF-8" in message


@pytest.mark.parametrize(
    "header",
    ["wav_file_name,text", "wav_file_name", "wav_file_name,pred_score,prediction_score"],
)
def test_it_rejects_a_header_whose_score_column_cannot_be_told(test_ids, header):
    width = header.count(",") + 1
    text = header + "\n" + "".join(f"{item}{',1' * (width - 1)}\n" for item in test_ids)
    (message,) = problems_of(text, test_ids)
    assert message.startswith(f"Line 1: cannot tell which column of the header '{header}'")
    assert "pred_score or prediction_score" in message


@pytest.mark.parametrize("header", ["id,pred_score", "file,text,prediction_score"])
def test_it_rejects_a_header_without_wav_file_name(test_ids, header):
    (message,) = problems_of(header + "\n10500.wav,1\n", test_ids)
    assert message.startswith(f"Line 1: the header '{header}' has no wav_file_name column")


def test_it_points_out_semicolon_separated_columns(test_ids):
    (message,) = problems_of("wav_file_name;pred_score\n10500.wav;1\n", test_ids)
    assert message == "Line 1: the columns are separated by semicolons; separate them with commas."


def test_it_points_out_swapped_columns(test_ids):
    (message,) = problems_of("3.5,10500.wav\n", test_ids)
    assert message.startswith("Line 1: the first column should hold the wav_file_name")


# --- refused: rows --------------------------------------------------------------------------


def test_it_rejects_missing_ids_with_their_count_and_first_names(submission_text, test_ids):
    text = submission_text(ids=test_ids[:3])
    assert problems_of(text, test_ids, phase_label="test") == [
        "7 items are missing: 10503.wav, 10504.wav, 10505.wav, 10506.wav, 10507.wav and 2 more. "
        "Give one prediction for every one of the 10 items of the test phase."
    ]


def test_it_rejects_duplicate_ids_naming_both_lines(submission_text, test_ids):
    text = submission_text() + "10502.wav,1.0\n"
    assert problems_of(text, test_ids) == [
        "Line 12: 10502.wav appears again (first on line 4); give each item exactly one prediction."
    ]


def test_it_rejects_unknown_ids_naming_the_first_few(submission_text, test_ids):
    text = submission_text() + "".join(f"x{i}.wav,1\n" for i in range(7))
    (message,) = problems_of(text, test_ids, phase_label="test")
    assert message == (
        "7 wav_file_name ids are not in the test phase: x0.wav (line 12), x1.wav (line 13), "
        "x2.wav (line 14), x3.wav (line 15), x4.wav (line 16) and 2 more."
    )


def test_it_says_which_split_an_unknown_id_belongs_to(submission_text, test_ids, validation_ids):
    text = submission_text() + "07500.wav,1\n"
    (message,) = problems_of(
        text, test_ids, phase_label="test", other_splits={"validation": set(validation_ids)}
    )
    assert "07500.wav is a validation pair; this is the test phase." in message


def test_it_recognises_a_whole_file_from_another_phase(submission_text, test_ids, validation_ids):
    text = submission_text(ids=validation_ids)
    messages = problems_of(
        text, test_ids, phase_label="test", other_splits={"validation": validation_ids}
    )
    assert messages[0].startswith("10 wav_file_name ids are not in the test phase")
    assert "07500.wav is a validation pair; this is the test phase." in messages[0]
    assert "Did you upload the predictions for another phase?" in messages[0]
    assert messages[1].startswith("10 items are missing")


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("abc", "Line 3: the score 'abc' is not a number."),
        ("", "Line 3: the score is empty; give a number."),
        ("nan", "Line 3: the score is NaN (not a number); give a finite number."),
        ("NaN", "Line 3: the score is NaN (not a number); give a finite number."),
        ("inf", "Line 3: the score 'inf' is infinite (or too large); give a finite number."),
        ("-inf", "Line 3: the score '-inf' is infinite (or too large); give a finite number."),
        ("1e999", "Line 3: the score '1e999' is infinite (or too large); give a finite number."),
        (
            "1e200",
            "Line 3: the score '1e200' is far outside the 0–10 scale; scores must lie between "
            "-1,000,000 and 1,000,000.",
        ),
    ],
)
def test_it_rejects_scores_that_are_not_finite_numbers(submission_text, test_ids, score, message):
    lines = submission_text().splitlines()
    lines[2] = f"{test_ids[1]},{score}"
    assert problems_of("\n".join(lines), test_ids) == [message]


def test_it_rejects_a_row_with_the_wrong_number_of_values(submission_text, test_ids):
    lines = submission_text().splitlines()
    lines[3] = f"{test_ids[2]},3,5"
    assert problems_of("\n".join(lines), test_ids) == [
        "Line 4: expected 2 values separated by commas but found 3. Write decimals with a dot "
        "(3.5), not a comma (3,5)."
    ]


def test_it_suggests_quotes_when_a_text_holds_commas(test_ids):
    text = "wav_file_name,text,prediction_score\n" + "".join(
        f"{item},a dog, a car,1\n" for item in test_ids
    )
    messages = problems_of(text, test_ids)
    assert messages[0] == (
        "Line 2: expected 3 values separated by commas but found 4. Put a text that holds "
        "commas in double quotes."
    )


def test_it_rejects_an_empty_id(submission_text, test_ids):
    lines = submission_text().splitlines()
    lines[1] = " ,1"
    messages = problems_of("\n".join(lines), test_ids)
    assert "Line 2: the wav_file_name is empty." in messages
    assert messages[0].startswith("1 item is missing: 10500.wav.")


def test_it_rejects_a_blank_line_in_the_middle(submission_text, test_ids):
    lines = submission_text().splitlines()
    lines.insert(3, "")
    assert problems_of("\n".join(lines), test_ids) == [
        "Line 4: this line is empty; remove it (only the end of the file may have empty lines)."
    ]


def test_it_lists_twenty_problems_and_counts_the_rest(test_ids):
    text = "wav_file_name,pred_score\n" + "".join(f"{item},oops\n" for item in test_ids) * 3
    with pytest.raises(SubmissionError) as caught:
        read_submission(text.encode(), test_ids)
    error = caught.value
    # 10 unparsable scores on lines 2..11, then 20 repeats, each with its unparsable score.
    assert len(error.problems) == 20
    assert error.more == 30
    assert error.messages()[-1] == "… and 30 more problems"
    assert str(error) == "\n".join(error.messages())
    assert error.problems[0] == Problem(2, "the score 'oops' is not a number.")


def test_problems_read_with_or_without_a_line():
    assert str(Problem(12, "the score 'x' is not a number.")) == (
        "Line 12: the score 'x' is not a number."
    )
    assert str(Problem(None, "The file is empty.")) == "The file is empty."


def test_messages_never_reveal_the_truth(submission_text, test_ids):
    # The reader never sees the truth, so it cannot leak it; the messages only echo the file.
    messages = problems_of(submission_text(ids=test_ids[:5]), test_ids)
    assert all("average_score" not in m for m in messages)


# --- any bytes ------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_any_bytes_raise_only_submission_errors(data):
    try:
        read_submission(data, ["10500.wav", "10501.wav"])
    except SubmissionError as error:
        assert error.messages()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from('10500.wav,";\r\n\t xnaif-e\ufeff'), max_size=25),
        max_size=6,
    )
)
def test_any_near_csv_text_raises_only_submission_errors(lines):
    data = "\n".join(["wav_file_name,pred_score", *lines]).encode()
    try:
        predictions = read_submission(data, ["10500.wav", "10501.wav"])
    except SubmissionError as error:
        assert error.messages()
    else:
        assert np.isfinite(predictions).all() and len(predictions) == 2


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("a1.,;\r\n\t \x00\x0c\x85\u2028é"), max_size=60))
def test_quote_free_files_split_exactly_as_the_csv_module_reads_them(text):
    # The reader skips the csv module for files without quotes: it must not change a thing.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found = list(records([line.encode() for line in lines], 3))
    rows, starts = [row for _, row in found], [line for line, _ in found]
    joined = "\n".join(lines) + "\n"
    expected = [row or [""] for row in csv.reader(io.StringIO(joined, newline=""))]
    assert rows == expected
    assert starts == list(range(3, len(rows) + 3))


# --- one reader per phase -------------------------------------------------------------------


def test_a_prepared_reader_reads_many_files_like_read_submission(submission_text, test_ids):
    from scoring import SubmissionReader

    reader = SubmissionReader(test_ids, "test")
    data = submission_text("wav_file_name,pred_score").encode()
    assert list(reader.read(data)) == list(read_submission(data, test_ids))
    assert list(reader.read(data.replace(b"\n", b"\r\n"))) == list(EXPECTED)


def test_rows_split_across_lines_are_refused_even_when_the_cells_line_up(test_ids):
    # Cell by cell this is a valid file; line by line it is not.
    lines = [f"{test_ids[0]},0.0,{test_ids[1]},0.5", test_ids[2], "1.0"]
    lines += [f"{wav},{i * 0.5}" for i, wav in enumerate(test_ids[3:], start=3)]
    problems = problems_of("wav_file_name,pred_score\n" + "\n".join(lines) + "\n", test_ids)
    assert any(problem.startswith("Line 2:") for problem in problems)
