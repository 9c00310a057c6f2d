"""Read a participant's CSV into predictions aligned to a phase's items, or say what to fix.

Accepted (see XACLE_FORMAT.md): a header `wav_file_name,pred_score` (the official baseline's
output), `wav_file_name,prediction_score`, the `test.csv` columns plus `prediction_score`
(quoted texts may hold commas), or two columns with no header; rows in any order; UTF-8 with
or without a BOM; LF, CRLF or CR line ends; a trailing newline or not; blank lines at the
start or the end.

Anything else raises `SubmissionError`, whose problems name the line (as a text editor counts
them: the header is line 1) and what to change. Messages never show ground-truth values.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import IO, NamedTuple

import numpy as np

from scoring.problems import Problem, SubmissionError
from scoring.rawfile import MAX_SHOWN, body_of, read_bytes, records, shown, split_lines

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Problem",
    "SubmissionError",
    "SubmissionReader",
    "read_submission",
    "write_submission",
]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Far outside 0..10 but still safe to square and sum over any phase: beyond this a value
# is a mistake (a wrong column, a unit slip), and would make MSE overflow to infinity.
MAX_ABS_SCORE = 1e6
NAN = float("nan")
FEW = 5  # ids named in a summary such as "missing: a, b, c, d, e and 12 more"
# A header wider than this is no submission's (the test.csv columns and a score at most).
MAX_COLUMNS = 16
# Lines beyond one per item and a header: a few mistakes are reported line by line; a file
# with this many more is refused as a whole, before any row is built.
EXTRA_LINES = 1000

ID_COLUMN = "wav_file_name"
SCORE_COLUMNS = ("pred_score", "prediction_score")
KNOWN_COLUMNS = (ID_COLUMN, *SCORE_COLUMNS, "text")


# A score needs no more characters than this; a longer cell is kept cut, and refused.
MAX_SCORE_CHARS = 100
PLAIN_LINE_BYTES = 256
EMPTY_LINE = "this line is empty; remove it (only the end of the file may have empty lines)."


class _Record(NamedTuple):
    """What the reader keeps of one line: a problem with the whole line (empty, the wrong
    number of values), the id and the score, stripped and cut (score None: not read)."""

    line: int
    problem: str | None
    item: str = ""
    score: str | None = None


def _cut(cell: str, limit: int) -> str:
    """The cell, or its first limit + 1 characters: still longer than any valid value."""
    return cell if len(cell) <= limit else cell[: limit + 1]


def _is_blank(row: list[str]) -> bool:
    return all(not cell.strip() for cell in row)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _find_columns(header: list[str], line: int) -> tuple[int, int]:
    """Positions of the id and the score column in a header row."""
    names = [cell.strip().lower() for cell in header]
    echo = shown(",".join(cell.strip() for cell in header))
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        sep = "semicolons" if ";" in header[0] else "tabs"
        raise SubmissionError.single(
            f"the columns are separated by {sep}; separate them with commas.", line
        )
    if names.count(ID_COLUMN) != 1:
        how = "twice" if names.count(ID_COLUMN) > 1 else "no"
        raise SubmissionError.single(
            f"the header '{echo}' has {how} {ID_COLUMN} column"
            f"{'' if how == 'no' else 's'}; it needs exactly one, "
            f"e.g. {ID_COLUMN},pred_score.",
            line,
        )
    id_col = names.index(ID_COLUMN)
    score_cols = [i for i, name in enumerate(names) if name in SCORE_COLUMNS]
    if not score_cols and len(names) == 2 and names[1 - id_col] not in KNOWN_COLUMNS:
        # Two columns, one of them the id: the other can only be the score.
        score_cols = [1 - id_col]
    if len(score_cols) != 1:
        raise SubmissionError.single(
            f"cannot tell which column of the header '{echo}' holds your scores. Name it "
            "pred_score or prediction_score, and give only one such column.",
            line,
        )
    return id_col, score_cols[0]


# Everything but commas and line ends, deleted to see a plain file's row structure at C speed.
_NOT_SEPARATORS = bytes(b for b in range(256) if b not in (0x0A, 0x2C))


class SubmissionReader:
    """Reads submissions for one phase: its ids indexed once, as `prepare` does for the truth,
    because one phase receives thousands of files. `read_submission` makes one per call."""

    def __init__(
        self,
        expected_ids: Sequence[str],
        phase_label: str | None = None,
        other_splits: Mapping[str, Collection[str]] | None = None,
    ) -> None:
        self.expected_ids = expected_ids
        self.position = dict(zip(expected_ids, range(len(expected_ids)), strict=True))
        if len(self.position) != len(expected_ids):
            raise ValueError("expected_ids holds the same id twice")
        # An id cell longer than every expected id is unknown; it is kept cut to this.
        self.longest_id = max(MAX_SHOWN, *map(len, expected_ids)) if expected_ids else MAX_SHOWN
        self.phase_label = phase_label
        self.other_splits = other_splits or {}

    def _layout(self, first: list[str], line: int) -> tuple[bool, int, int, int]:
        """(has a header, id column, score column, values per row) from the first record."""
        if len(first) > MAX_COLUMNS:
            raise SubmissionError.single(
                f"the first line has {len(first):,} values; a submission has two columns "
                f"({ID_COLUMN},pred_score), or the test.csv columns and a score.",
                line,
            )
        names = {cell.strip().lower() for cell in first}
        if not names & set(KNOWN_COLUMNS):
            looks_like_id = first[0].strip() in self.position or first[0].strip().endswith(".wav")
            if looks_like_id:
                return False, 0, 1, 2
            if len(first) == 2 and _is_number(first[0]) and not _is_number(first[1]):
                raise SubmissionError.single(
                    f"the first column should hold the {ID_COLUMN} and the second the score.",
                    line,
                )
            if len(first) == 2 and _is_number(first[1]):
                return False, 0, 1, 2
        id_col, score_col = _find_columns(first, line)
        return True, id_col, score_col, len(first)

    def read(
        self, source: str | os.PathLike | bytes | IO[bytes], max_bytes: int = DEFAULT_MAX_BYTES
    ) -> np.ndarray:
        """Predictions aligned to the expected ids, or SubmissionError (see read_submission)."""
        data = read_bytes(source, max_bytes)
        body, first = body_of(data)
        del data
        if b'"' not in body and body.isascii():
            predictions = self._plain(body)
            if predictions is not None:
                return predictions
        n = len(self.expected_ids)
        lines = split_lines(
            body,
            first,
            2 * n + EXTRA_LINES,
            f"{self._phase()} has {n:,} items, so a submission has one line per item and a "
            "header. Check that you chose the right file, and remove any empty lines.",
        )
        del body
        return self._rows(records(lines, first))

    def _plain(self, body: bytes) -> np.ndarray | None:
        """The predictions of an unquoted ASCII file with one row per line and nothing
        wrong, read without building a list per row; None when anything is unusual."""
        n = len(self.expected_ids)
        if len(body) > PLAIN_LINE_BYTES * (n + 1):
            return None  # longer than any file of plain short lines
        end = body.find(b"\n")
        header = body if end < 0 else body[:end]
        if header.count(b",") >= MAX_COLUMNS:
            return None
        try:
            has_header, id_col, score_col, width = self._layout(header.decode().split(","), 1)
        except SubmissionError:
            return None
        if has_header:
            body = b"" if end < 0 else body[end + 1 :]
        # Exactly width - 1 commas on each of n lines: then the flat split lines up.
        if body.count(b"\n") != n - 1:
            return None
        row = b"," * (width - 1)
        if body.translate(None, _NOT_SEPARATORS) != (row + b"\n") * (n - 1) + row:
            return None
        cells = body.decode().replace("\n", ",").split(",")
        try:
            return self._fast(cells[id_col::width], cells[score_col::width])
        except (KeyError, ValueError):
            return None

    def _rows(self, rows: Iterator[tuple[int, list[str]]]) -> np.ndarray:
        """Read records one at a time, keeping of each only its id and score (cut to a
        length no id or score has): memory stays small whatever the cells hold."""
        # Blank lines before the first record are harmless.
        found = next(((line, row) for line, row in rows if not _is_blank(row)), None)
        if found is None:
            raise SubmissionError.single("The file is empty.")
        line, row = found
        has_header, id_col, score_col, width = self._layout(row, line)
        kept: list[_Record] = (
            [] if has_header else [self._record(line, row, id_col, score_col, width)]
        )
        blanks: list[int] = []
        for line, row in rows:
            if _is_blank(row):
                blanks.append(line)  # an error only if a record follows
                continue
            kept.extend(_Record(blank, EMPTY_LINE) for blank in blanks)
            blanks.clear()
            kept.append(self._record(line, row, id_col, score_col, width))
        if not kept:
            raise SubmissionError.single("The file has a header but no predictions below it.")
        try:
            if any(record.problem for record in kept):
                raise ValueError
            return self._fast([r.item for r in kept], [r.score for r in kept])
        except (KeyError, ValueError):
            problems, predictions = self._careful(kept)
            if problems:
                raise SubmissionError(problems)
            return predictions

    def _record(self, line: int, row: list[str], id_col: int, score_col: int, width: int):
        item = _cut(row[id_col].strip(), self.longest_id) if id_col < len(row) else ""
        if len(row) != width:
            return _Record(line, _width_message(row, width), item)
        return _Record(line, None, item, _cut(row[score_col].strip(), MAX_SCORE_CHARS))

    def _fast(self, ids: Sequence[str], scores: Sequence[str]) -> np.ndarray:
        """The predictions of a file with nothing wrong, in C-level passes; else an exception.

        Raises KeyError or ValueError at the first sign of trouble (an odd row, an id that is
        unknown or padded with spaces, a repeat, a missing id, a bad number): `_careful` then
        reads the file again row by row.
        """
        n = len(self.expected_ids)
        if len(ids) != n or max(map(len, scores)) > MAX_SCORE_CHARS:
            raise ValueError  # (a score that long is refused, even where it parses)
        index = np.fromiter(map(self.position.__getitem__, ids), np.intp, count=n)
        if np.bincount(index, minlength=n).max() != 1:
            raise ValueError  # an id repeated, so another one missing
        values = np.fromiter(map(float, scores), np.float64, count=n)
        if not (np.abs(values) <= MAX_ABS_SCORE).all():  # also false for NaN
            raise ValueError
        predictions = np.empty(n)
        predictions[index] = values
        return predictions

    def _careful(self, records: list[_Record]) -> tuple[list[Problem], np.ndarray]:
        """Every problem, found record by record, and the predictions if there were none."""
        problems: list[Problem] = []
        predictions = np.full(len(self.expected_ids), np.nan)
        first_line: dict[str, int] = {}
        unknown: list[tuple[str, int]] = []
        for line, problem, item, score in records:
            if problem:
                problems.append(Problem(line, problem))
                if problem is EMPTY_LINE:
                    continue
            if item:
                if item in first_line:
                    problems.append(
                        Problem(
                            line,
                            f"{shown(item)} appears again (first on line {first_line[item]}); "
                            "give each item exactly one prediction.",
                        )
                    )
                else:
                    first_line[item] = line
                    if item not in self.position:
                        unknown.append((item, line))
            elif score is not None:
                problems.append(Problem(line, f"the {ID_COLUMN} is empty."))
            if score is not None:
                value, message = _score(score)
                if message:
                    problems.append(Problem(line, message))
                elif item in self.position:
                    predictions[self.position[item]] = value
        summaries = []
        if unknown:
            summaries.append(Problem(None, self._unknown_message(unknown)))
        missing = [item for item in self.expected_ids if item not in first_line]
        if missing:
            summaries.append(Problem(None, self._missing_message(missing)))
        return summaries + problems, predictions

    def _phase(self) -> str:
        return f"the {self.phase_label} phase" if self.phase_label else "this phase"

    def _split_of(self, item: str) -> str | None:
        for name, ids in self.other_splits.items():
            if item in ids:
                return name
        return None

    def _unknown_message(self, unknown: list[tuple[str, int]]) -> str:
        count = len(unknown)
        listed = ", ".join(f"{shown(item)} (line {line})" for item, line in unknown[:FEW])
        more = f" and {count - FEW:,} more" if count > FEW else ""
        noun = "id is" if count == 1 else "ids are"
        message = f"{count:,} {ID_COLUMN} {noun} not in {self._phase()}: {listed}{more}."
        splits = [self._split_of(item) for item, _ in unknown[:FEW]]
        where = self.phase_label and f"this is the {self.phase_label} phase" or "not this one"
        notes = [
            f"{item} is a {split} pair; {where}."
            for (item, _), split in zip(unknown[:FEW], splits, strict=True)
            if split
        ]
        if notes:
            if len(set(splits)) == 1 and None not in splits and count > 1:
                notes = [
                    f"{unknown[0][0]} is a {splits[0]} pair; {where}. Did you upload the "
                    "predictions for another phase?"
                ]
            message += " " + " ".join(notes)
        return message

    def _missing_message(self, missing: list[str]) -> str:
        count = len(missing)
        shown = ", ".join(missing[:FEW])
        more = f" and {count - FEW:,} more" if count > FEW else ""
        noun = "item is" if count == 1 else "items are"
        return (
            f"{count:,} {noun} missing: {shown}{more}. Give one prediction for every one of the "
            f"{len(self.expected_ids):,} items of {self._phase()}."
        )


def _width_message(row: list[str], width: int) -> str:
    message = f"expected {width} values separated by commas but found {len(row)}."
    if len(row) == width + 1 and row[-1].strip().isdigit() and row[-2].strip().isdigit():
        message += " Write decimals with a dot (3.5), not a comma (3,5)."
    elif len(row) > width:
        message += " Put a text that holds commas in double quotes."
    return message


def _score(cell: str) -> tuple[float, str | None]:
    """The cell's value, or NaN and what is wrong with it. Whitespace around the number
    (as str.strip sees it) is ignored, and the stripped text is what is parsed."""
    text = cell.strip()
    if not text:
        return NAN, "the score is empty; give a number."
    echo = shown(text)
    if len(text) > MAX_SCORE_CHARS:
        return NAN, f"the score '{echo}' is too long to be a number; give one such as 7.25."
    try:
        value = float(text)
    except ValueError:
        return NAN, f"the score '{echo}' is not a number."
    if value != value:
        return NAN, "the score is NaN (not a number); give a finite number."
    if value in (float("inf"), float("-inf")):
        return NAN, f"the score '{echo}' is infinite (or too large); give a finite number."
    if abs(value) > MAX_ABS_SCORE:
        return NAN, (
            f"the score '{echo}' is far outside the 0–10 scale; scores must lie between "
            f"-{MAX_ABS_SCORE:,.0f} and {MAX_ABS_SCORE:,.0f}."
        )
    return value, None


def read_submission(
    source: str | os.PathLike | bytes | IO[bytes],
    expected_ids: Sequence[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    phase_label: str | None = None,
    other_splits: Mapping[str, Collection[str]] | None = None,
) -> np.ndarray:
    """Predictions (float64) aligned to `expected_ids`, read from a path, bytes or binary file.

    `phase_label` (e.g. "test") and `other_splits` (split name -> ids) only make messages more
    precise ("07500.wav is a validation pair; this is the test phase"). Raises
    `SubmissionError` for anything that cannot be scored, and only that, whatever the bytes;
    OSError if a path cannot be read.
    """
    return SubmissionReader(expected_ids, phase_label, other_splits).read(source, max_bytes)


def write_submission(
    dest: str | os.PathLike | IO[str],
    ids: Iterable[str],
    predictions: Iterable[float],
    score_column: str = "pred_score",
) -> None:
    """Write `wav_file_name,<score_column>` rows; floats are written so they read back exactly."""
    if isinstance(dest, str | os.PathLike):
        with open(dest, "w", newline="", encoding="utf-8") as f:
            write_submission(f, ids, predictions, score_column)
        return
    writer = csv.writer(dest, lineterminator="\n")
    writer.writerow([ID_COLUMN, score_column])
    # repr of a Python float is the shortest text that reads back as the same float64.
    rows = zip(ids, predictions, strict=True)
    writer.writerows((item, repr(float(value))) for item, value in rows)
