"""Read a phase's ground truth: `*_average.csv` (one row per item) or the per-rating file.

`*_average.csv` has the columns `wav_file_name,text,average_score`; `train.csv`,
`validation.csv` (and the released `test.csv`) have `wav_file_name,text,score,listener_id`, one
row per rating, and the item's mean is computed here. Scores are on the 0..10 scale.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass

import numpy as np

__all__ = ["Truth", "TruthError", "read_truth"]

AVERAGE_COLUMNS = ("wav_file_name", "text", "average_score")
RATING_COLUMNS = ("wav_file_name", "text", "score", "listener_id")


class TruthError(Exception):
    """A ground-truth file that cannot be used; the message names the file, line and problem."""


@dataclass(frozen=True, eq=False)
class Truth:
    """Items in first-appearance order, their texts and mean scores; the ratings if read."""

    ids: list[str]
    texts: list[str]
    means: np.ndarray
    ratings: list[tuple[str, str, float]] | None = None  # (wav_file_name, listener_id, score)

    def __len__(self) -> int:
        return len(self.ids)


def _columns(header: list[str], where: str) -> tuple[dict[str, int], bool]:
    """Column positions by name, and whether this is the per-rating file."""
    names = [cell.strip() for cell in header]
    for expected, per_rating in ((RATING_COLUMNS, True), (AVERAGE_COLUMNS, False)):
        if set(expected) <= set(names):
            return {name: names.index(name) for name in expected}, per_rating
    raise TruthError(
        f"{where}, line 1: the header is '{','.join(names)}'; expected "
        f"'{','.join(AVERAGE_COLUMNS)}' or '{','.join(RATING_COLUMNS)}'"
    )


def _score(cell: str, where: str, line: int) -> float:
    try:
        value = float(cell)
    except ValueError:
        raise TruthError(f"{where}, line {line}: the score '{cell}' is not a number")
    if not 0.0 <= value <= 10.0:  # also false for NaN
        raise TruthError(f"{where}, line {line}: the score {cell} is outside 0..10")
    return value


def read_truth(path: str | os.PathLike) -> Truth:
    """Read either truth file kind; raises TruthError for a missing or malformed file."""
    where = os.fspath(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                raise TruthError(f"{where}: the file is empty")
            columns, per_rating = _columns(header, where)
            id_col, text_col = columns["wav_file_name"], columns["text"]
            score_col = columns["score" if per_rating else "average_score"]
            listener_col = columns.get("listener_id")
            width = len(header)

            texts: dict[str, str] = {}  # dicts keep first-appearance order
            first_line: dict[str, int] = {}
            sums: dict[str, float] = {}
            counts: dict[str, int] = {}
            ratings: list[tuple[str, str, float]] = []
            start = 2
            for row in reader:
                line, start = start, reader.line_num + 1
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != width:
                    raise TruthError(
                        f"{where}, line {line}: expected {width} values, found {len(row)}"
                    )
                item, text = row[id_col].strip(), row[text_col]
                if not item:
                    raise TruthError(f"{where}, line {line}: the wav_file_name is empty")
                score = _score(row[score_col].strip(), where, line)
                if item not in texts:
                    texts[item], first_line[item] = text, line
                    sums[item], counts[item] = 0.0, 0
                elif not per_rating:
                    raise TruthError(
                        f"{where}, line {line}: {item} appears again "
                        f"(first on line {first_line[item]})"
                    )
                elif texts[item] != text:
                    raise TruthError(
                        f"{where}, line {line}: {item} has a different text than on line "
                        f"{first_line[item]}"
                    )
                sums[item] += score
                counts[item] += 1
                if listener_col is not None:
                    ratings.append((item, row[listener_col].strip(), score))
    except FileNotFoundError:
        raise TruthError(f"{where}: no such file")
    except UnicodeDecodeError as e:
        raise TruthError(f"{where}: not UTF-8 text ({e.reason})")
    except csv.Error as e:
        raise TruthError(f"{where}: cannot be read as CSV ({e})")
    except OSError as e:
        raise TruthError(f"{where}: cannot be read ({e.strerror or e})")
    if not texts:
        raise TruthError(f"{where}: the file has a header but no rows")
    ids = list(texts)
    means = np.array([sums[item] / counts[item] for item in ids], dtype=np.float64)
    return Truth(ids, [texts[item] for item in ids], means, ratings if per_rating else None)
