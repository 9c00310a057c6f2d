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
from collections.abc import Iterator
from typing import Any

from scoring.problems import Problem, SubmissionError
from scoring.sniff import describe_binary

# A line of a submission holds a few values (the test.csv columns and a score at most);
# commas inside a quoted text count too, so this leaves a caption plenty of room.
MAX_LINE_COMMAS = 64
# Nor is any line of a submission this long (a caption is a sentence or two).
MAX_LINE_BYTES = 64 * 1024
# Echoed cells are cut to this many characters, control characters shown escaped.
MAX_SHOWN = 100


def shown(value: str, limit: int = MAX_SHOWN) -> str:
    """A cell of the participant's file as a message may echo it: control and invisible
    characters written as escapes (\\x1c, \\u202e), the whole cut to `limit` characters."""
    if len(value) <= limit and value.isprintable():
        return value
    pieces, size = [], 0
    for char in value[: limit + 1]:
        piece = _escape(char)
        if size + len(piece) > limit:
            return "".join(pieces) + "…"
        pieces.append(piece)
        size += len(piece)
    return "".join(pieces)


def _escape(char: str) -> str:
    if char.isprintable():
        return char
    code = ord(char)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


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


def split_lines(body: bytes, first: int, max_lines: int, too_many: str) -> list[bytes]:
    """The body's lines. More than `max_lines` lines, a line with more
    commas than any submission has, or bytes that are not UTF-8: SubmissionError naming
    the line (`too_many` is the advice after the line count)."""
    count = body.count(b"\n") + 1
    if count > max_lines:
        raise SubmissionError.single(f"The file has {count:,} lines; {too_many}")
    lines = body.split(b"\n")
    if len(body) > MAX_LINE_BYTES or body.count(b",") > MAX_LINE_COMMAS:
        odd = [
            Problem(first + i, message)
            for i, line in enumerate(lines)
            if (message := _odd_line_message(line))
        ]
        if odd:
            raise SubmissionError(odd)
    return lines


def _odd_line_message(line: bytes) -> str | None:
    """What makes a line far longer or wider than any line of a submission, if anything."""
    commas = line.count(b",")
    if commas > MAX_LINE_COMMAS:
        what = f"holds {commas:,} commas"
    elif len(line) > MAX_LINE_BYTES:
        what = f"is {len(line):,} bytes long"
    else:
        return None
    return (
        f"this line {what}; a submission line holds a name and a score (or the test.csv "
        "columns and a score). Check that you chose the right file."
    )


def records(lines: list[bytes], first: int = 1) -> Iterator[tuple[int, list[str]]]:
    """(line it starts on, CSV record) for each record of the lines (`first` is the first
    line's number), decoding one line at a time."""
    if not any(b'"' in line for line in lines):
        # Without quotes, CSV is a split on commas, and much faster than the csv module.
        for number, line in enumerate(lines, first):
            yield number, _decode(line, number).split(",")
        return
    reader = csv.reader(_decode(line, number) for number, line in enumerate(lines, first))
    line = first
    try:
        for row in reader:
            yield line, row
            line = first + reader.line_num
    except csv.Error as e:
        # line_num counts the line that failed.
        raise SubmissionError.single(
            f"this line cannot be read as CSV ({e}). Check its quotes.", first + reader.line_num - 1
        )


def _decode(line: bytes, number: int) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as e:
        raise SubmissionError.single(
            f"the file is not UTF-8 text (byte 0x{line[e.start]:02X} cannot be read). "
            "Save it as UTF-8, for example with Excel's 'CSV UTF-8' format.",
            number,
        )
