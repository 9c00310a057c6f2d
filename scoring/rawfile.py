"""From a path, bytes or an upload to CSV records: the size limit, the encoding, the line
each record starts on. Refusals are SubmissionErrors a participant can act on.

Any upload up to the size limit is read in bounded time and memory, whatever its shape: the
bytes are measured at C speed (lines, commas) before any per-line Python object is made,
so a file with millions of lines or a line with millions of commas is refused as such, and
text is decoded a line at a time (one odd character cannot widen the whole file in memory).
"""

from __future__ import annotations

import csv
import os
from typing import Any

from scoring.problems import Problem, SubmissionError
from scoring.sniff import describe_binary

# A line of a submission holds a few values (the test.csv columns and a score at most);
# commas inside a quoted text count too, so this leaves a caption plenty of room.
MAX_LINE_COMMAS = 64
# Echoed cells are cut to this many characters, control characters shown escaped.
MAX_SHOWN = 100


def shown(value: str, limit: int = MAX_SHOWN) -> str:
    """A cell of the participant's file as a message may echo it: at most `limit`
    characters, control and invisible characters written as escapes (\\x1c, \\u202e)."""
    cut = value[:limit]
    text = "".join(_escape(c) for c in cut) if not cut.isprintable() else cut
    return text + "…" if len(value) > limit else text


def _escape(char: str) -> str:
    if char.isprintable() or char == " ":
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


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


def body_of(data: bytes) -> tuple[bytes, int]:
    """The file's content with LF line ends and without the blank lines around it, and the
    line (as an editor counts) that it starts on. Refuses binary files and empty ones."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    what = describe_binary(data)
    if what:
        raise SubmissionError.single(
            f"This looks like {what}, not a CSV file. Save your predictions as plain text "
            "(CSV, UTF-8) with one line per item: wav_file_name,pred_score."
        )
    if b"\r" in data:  # CRLF and CR line ends, as the csv module reads them
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    body = data.lstrip()
    first = 1 + data.count(b"\n", 0, len(data) - len(body))
    body = body.rstrip()
    if not body:
        raise SubmissionError.single("The file is empty.")
    return body, first


def split_lines(body: bytes, first: int, max_lines: int, too_many: str) -> list[str]:
    """The body's lines, decoded one by one. More than `max_lines` lines, a line with more
    commas than any submission has, or bytes that are not UTF-8: SubmissionError naming
    the line (`too_many` is the advice after the line count)."""
    count = body.count(b"\n") + 1
    if count > max_lines:
        raise SubmissionError.single(f"The file has {count:,} lines; {too_many}")
    lines = body.split(b"\n")
    if body.count(b",") > MAX_LINE_COMMAS:
        wide = [
            Problem(first + i, _wide_message(line.count(b",")))
            for i, line in enumerate(lines)
            if line.count(b",") > MAX_LINE_COMMAS
        ]
        if wide:
            raise SubmissionError(wide)
    decoded = []
    for i, line in enumerate(lines):
        try:
            decoded.append(line.decode("utf-8"))
        except UnicodeDecodeError as e:
            raise SubmissionError.single(
                f"the file is not UTF-8 text (byte 0x{line[e.start]:02X} cannot be read). "
                "Save it as UTF-8, for example with Excel's 'CSV UTF-8' format.",
                first + i,
            )
    return decoded


def _wide_message(commas: int) -> str:
    return (
        f"this line holds {commas:,} commas; a submission line holds a name and a score "
        "(or the test.csv columns and a score). Check that you chose the right file."
    )


def parse_rows(lines: list[str], first: int = 1) -> tuple[list[list[str]], list[int]]:
    """CSV records of the lines and the line each starts on (`first` is the first's)."""
    if not any('"' in line for line in lines):
        # Without quotes, CSV is a split on commas, and much faster than the csv module.
        return [line.split(",") for line in lines], list(range(first, first + len(lines)))
    rows, starts = [], []
    reader = csv.reader(lines)
    line = first
    try:
        for row in reader:
            rows.append(row)
            starts.append(line)
            line = first + reader.line_num
    except csv.Error as e:
        # line_num counts the line that failed.
        raise SubmissionError.single(
            f"this line cannot be read as CSV ({e}). Check its quotes.", first + reader.line_num - 1
        )
    return rows, starts
