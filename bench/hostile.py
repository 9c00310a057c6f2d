"""Hostile submissions, shared by bench/fuzz.py, bench/scoring.py and the reader's tests.

`SHAPES` are files as large as the upload limit built to cost a reader time or memory
(issue 12): a wide header, millions of short lines, empty lines, one huge line, a file
that one wide character would make four times larger in memory. `mutate` turns a valid
file into a near miss: control and Unicode space characters anywhere, quotes, odd
encodings, cut and spliced lines.
"""

from __future__ import annotations

import random
from collections.abc import Callable

HEADER = b"wav_file_name,pred_score\n"

# What a careless editor, a spreadsheet or an attacker puts into a file.
ODD_CHARACTERS = (
    [chr(c) for c in range(0x00, 0x20)]
    + ["\x7f", "\x85", "\xa0", "\u1680", "\u2000", "\u2007", "\u200b", "\u200d", "\u2028"]
    + ["\u2029", "\u202e", "\u2066", "\u3000", "\ufeff", "\ufffd", "\U0001f600", "é"]
    + ['"', '""', ",", ";", "\r", "\r\n", "\n", "'", "=", "-", "+", "e", ".", "nan", "inf"]
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252", "utf-32"]


def _fill(unit: bytes, size: int, head: bytes = b"", tail: bytes = b"") -> bytes:
    count = max(0, (size - len(head) - len(tail)) // len(unit))
    return head + unit * count + tail


def shapes(ids: list[str], size: int) -> dict[str, Callable[[], bytes]]:
    """Name -> a builder of a file of about `size` bytes for a phase with these ids."""
    first = ids[0].encode()
    rows = b"".join(f"{item},5.0\n".encode() for item in ids)
    per_row = max(1, (size - len(HEADER)) // len(ids) - len(first) - 2)
    return {
        "wide header (commas)": lambda: _fill(b",", size, b"wav_file_name,pred_score"),
        "commas after the header": lambda: _fill(b",", size, HEADER),
        "a,b repeated": lambda: _fill(b"a,b\n", size, HEADER),
        "one line then newlines": lambda: _fill(b"\n", size, HEADER + first + b",1"),
        "empty lines in the middle": lambda: _fill(b"\n", size, HEADER + first + b",1\n", rows),
        "one huge line": lambda: _fill(b"x", size, HEADER + first + b",1"),
        "one huge quoted line": lambda: _fill(b"x", size, HEADER + b'"'),
        "distinct unknown ids": lambda: (
            HEADER + b"".join(f"x{i},1\n".encode() for i in range(size // 12))[: size - len(HEADER)]
        ),
        "huge score cells": lambda: (
            HEADER + b"".join(item.encode() + b"," + b"5" * per_row + b"\n" for item in ids)
        ),
        "huge id cells": lambda: HEADER + b"".join(b"y" * per_row + b",5.0\n" for _ in ids),
        "huge wide score cells": lambda: (
            HEADER
            + b"".join(
                item.encode() + b"," + b"5" * (per_row - 4) + "😀".encode() + b"\n" for item in ids
            )
        ),
        "long wide lines": lambda: _fill(
            first + b"," + b"x" * 60000 + "😀".encode() + b"\n", size, HEADER
        ),
        "wide character in ascii": lambda: _fill(b"x", size, HEADER + first + b",", "😀".encode()),
        "non-ascii lines": lambda: _fill("é,1\n".encode(), size, HEADER),
        "quoted many lines": lambda: _fill(b'"a","b"\n', size, HEADER),
        "controls everywhere": lambda: _fill(b"\x1c,\x1f\n", size, HEADER),
        "valid rows then junk": lambda: _fill(b"\x00", size, HEADER + rows),
    }


def valid_text(ids: list[str], rng: random.Random) -> str:
    """A valid submission in one of the accepted layouts."""
    header = rng.choice(
        ["wav_file_name,pred_score", "wav_file_name,prediction_score", None, "wav_file_name,x"]
    )
    order = list(ids)
    rng.shuffle(order)
    lines = [header] if header else []
    lines += [f"{item},{rng.uniform(0, 10):.{rng.randint(0, 17)}f}" for item in order]
    newline = rng.choice(["\n", "\r\n", "\r"])
    return newline.join(lines) + rng.choice([newline, ""])


def mutate(text: str, rng: random.Random) -> bytes:
    """A near miss of `text`: a few edits, then encoded in a (perhaps wrong) encoding."""
    chars = list(text)
    for _ in range(rng.choice([1, 1, 2, 3, 8])):
        where = rng.randint(0, len(chars))
        edit = rng.random()
        if edit < 0.5:
            chars[where:where] = rng.choice(ODD_CHARACTERS)
        elif edit < 0.7 and chars:
            chars[where : where + 1] = rng.choice(ODD_CHARACTERS)
        elif edit < 0.8:
            del chars[where : where + rng.randint(1, 20)]
        elif edit < 0.9:  # repeat a stretch (lines, cells)
            start = rng.randint(0, len(chars))
            chars[where:where] = chars[start : start + rng.randint(1, 40)]
        else:
            chars[where:where] = rng.choice(ODD_CHARACTERS) * rng.randint(2, 300)
    mutated = "".join(chars)
    encoding = rng.choice(ENCODINGS) if rng.random() < 0.1 else "utf-8"
    data = mutated.encode(encoding, errors="replace")
    if rng.random() < 0.05:  # a byte flipped, a file cut short
        at = rng.randrange(len(data)) if data else 0
        data = data[:at] + bytes([rng.randrange(256)]) + data[at + 1 :]
    if rng.random() < 0.03:
        data = data[: rng.randint(0, len(data))]
    return data
