"""From a path, bytes or an upload to CSV records: the size limit, the encoding, the line
each record starts on. Refusals are SubmissionErrors a participant can act on."""

from __future__ import annotations

import csv
import io
import os
from typing import Any

from scoring.problems import SubmissionError
from scoring.sniff import describe_binary


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _too_big(size: int | None, max_bytes: int) -> SubmissionError:
    actual = f"is {_megabytes(size)}" if size is not None else "is larger than that"
    return SubmissionError.single(
        f"The file {actual}; the limit is {_megabytes(max_bytes)}. A submission holds one short "
        "line per item, so check that you chose the right file."
    )


def read_bytes(source: Any, max_bytes: int) -> bytes:
    """The submission's bytes, refusing anything over `max_bytes` before reading it whole."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > max_bytes:
            raise _too_big(len(data), max_bytes)
        return data
    if isinstance(source, str | os.PathLike):
        size = os.path.getsize(source)
        if size > max_bytes:
            raise _too_big(size, max_bytes)
        with open(source, "rb") as f:
            return f.read(max_bytes + 1)
    if hasattr(source, "read"):
        size = getattr(source, "size", None)  # Django's UploadedFile knows it already
        if isinstance(size, int) and size > max_bytes:
            raise _too_big(size, max_bytes)
        data = source.read(max_bytes + 1)
        if isinstance(data, str):
            raise TypeError("read_submission needs a file opened in binary mode")
        if len(data) > max_bytes:
            raise _too_big(None, max_bytes)
        return bytes(data)
    raise TypeError(f"cannot read a submission from {type(source).__name__}")


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    what = describe_binary(data)
    if what:
        raise SubmissionError.single(
            f"This looks like {what}, not a CSV file. Save your predictions as plain text "
            "(CSV, UTF-8) with one line per item: wav_file_name,pred_score."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise SubmissionError.single(
            f"the file is not UTF-8 text (byte 0x{data[e.start]:02X} cannot be read). "
            "Save it as UTF-8, for example with Excel's 'CSV UTF-8' format.",
            line,
        )


def parse_rows(text: str) -> tuple[list[list[str]], list[int]]:
    """CSV records and the line each starts on."""
    if '"' not in text:
        # Without quotes, CSV is a split on line ends (\r\n, \r or \n, as csv reads them) and
        # commas, and a plain split is much faster than the csv module.
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if lines[-1] == "":
            lines.pop()
        return [line.split(",") for line in lines], list(range(1, len(lines) + 1))
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        rows = list(reader)
        # One record per physical line unless a quoted field spans lines: then count again.
        if len(rows) == reader.line_num:
            return rows, list(range(1, len(rows) + 1))
        rows, starts = [], []
        reader = csv.reader(io.StringIO(text, newline=""))
        line = 1
        for row in reader:
            rows.append(row)
            starts.append(line)
            line = reader.line_num + 1
        return rows, starts
    except csv.Error as e:
        raise SubmissionError.single(
            f"this line cannot be read as CSV ({e}). Check its quotes.", _error_line(text, e)
        )


def _error_line(text: str, error: csv.Error) -> int | None:
    # csv.Error does not carry the line; find it by reading up to the failure.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for _ in reader:
            pass
    except csv.Error:
        return reader.line_num or 1
    return None
