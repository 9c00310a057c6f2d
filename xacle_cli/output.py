"""Plain-text tables of what the API answers: a submission's scores, a leaderboard, a
team's submissions. Metrics are shown to four decimals; --json gives full precision."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

METRICS = [("SRCC", "srcc"), ("LCC", "lcc"), ("KTAU", "ktau"), ("MSE", "mse")]


# Control, format (direction overrides, zero-width), separator and unassigned characters.
_HIDDEN = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def printable(text: Any) -> str:
    """The server's text without characters that would act on the terminal (ESC, BEL,
    line ends, right-to-left overrides) instead of being shown."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(c for c in text if unicodedata.category(c) not in _HIDDEN)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> str:
    """Columns padded to their widest cell, two spaces apart, no trailing blanks. align
    holds one character a column, "<" (the default) or ">"."""
    rows = [[printable(cell) for cell in row] for row in rows]
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    align = align.ljust(len(widths), "<")
    lines = []
    for row in [headers, *rows]:
        cells = [
            str(cell).rjust(width) if side == ">" else str(cell).ljust(width)
            for cell, width, side in zip(row, widths, align, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def number(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def when(value: str | None) -> str:
    """An API time (ISO 8601, UTC) to the minute: 2026-03-01T12:34:56Z -> 2026-03-01 12:34."""
    return value[:16].replace("T", " ") if value else "-"


def _metric_cells(row: dict[str, Any]) -> list[str]:
    return [number(row.get(key)) for _, key in METRICS] + [str(row.get("n", "-"))]


def scores_table(scores: Sequence[dict[str, Any]]) -> str:
    """One row a split: SRCC, LCC, KTAU, MSE and N."""
    headers = ["SPLIT", *(name for name, _ in METRICS), "N"]
    rows = [[score["split"], *_metric_cells(score)] for score in scores]
    return table(headers, rows, "<>>>>>")


def submission_text(submission: dict[str, Any]) -> str:
    """What `status` prints: the submission, then its visible scores or why it failed."""
    status = submission["status"]
    head = printable(
        f"Submission {submission['id']} {status}: system {submission['system_name']}, "
        f"team {submission['team']}, {submission['phase']} phase, "
        f"submitted {when(submission.get('submitted_at'))} UTC" + _marks(submission)
    )
    if status == "failed":
        return f"{head}\nReason: {printable(submission.get('reason') or '(none given)')}"
    if status != "scored":
        return head
    if not submission["scores"]:
        # A participant is never shown a score of a split hidden until the reveal, nor a
        # late submission's score before it.
        if submission.get("late"):
            late = "a late submission's scores are shown after the reveal"
            return f"{head}\nNo score is visible yet: {late}."
        return f"{head}\nNo score is visible yet: the phase's splits are hidden until the reveal."
    return f"{head}\n{scores_table(submission['scores'])}"


def _marks(submission: dict[str, Any]) -> str:
    marks = [
        mark
        for mark, key in (("late", "late"), ("final", "final"), ("disqualified", "disqualified"))
        if submission.get(key)
    ]
    return f" [{', '.join(marks)}]" if marks else ""


def quota_text(quota: dict[str, Any]) -> str:
    """What `submit` says after a submission: what is left, and when the next is possible."""
    if quota.get("left") is None:
        return "Submissions left: no limit."
    parts = []
    if quota.get("left_today") is not None:
        parts.append(f"{quota['left_today']} of {quota['per_day']} today (UTC)")
    if quota.get("left_total") is not None:
        parts.append(f"{quota['left_total']} of {quota['total']} in total")
    if quota.get("extra"):
        parts.append(f"{quota['extra']} extra granted")
    text = "Submissions left: " + ", ".join(parts) + "."
    if quota.get("next_at"):
        text += f" Next possible at {when(quota['next_at'])} UTC."
    return text


def phase_text(phase: dict[str, Any]) -> str:
    """What `phase` prints: state and window (UTC), quota, final selection."""
    closes = f"{when(phase.get('closes_at'))} UTC" if phase.get("closes_at") else "not set"
    lines = [
        f"{phase['kind'].capitalize()} phase: {phase['state']}; opens "
        f"{when(phase.get('opens_at'))} UTC, closes {closes}."
    ]
    if phase.get("quota"):
        lines.append(quota_text(phase["quota"]))
    finals = phase.get("finals")
    if finals and finals.get("max_final"):
        until = f" until {when(finals['closes_at'])} UTC" if finals.get("closes_at") else ""
        state = f"open{until}" if finals.get("open") else "closed"
        lines.append(
            f"Final submissions selected: {finals['selected']} of {finals['max_final']} "
            f"(selection {state})."
        )
    return "\n".join(lines)


def leaderboard_text(board: dict[str, Any]) -> str:
    """A leaderboard as a table, rank first; baseline rows have no rank and are marked."""
    head = f"Leaderboard: {board['phase']} phase, split {board['split']}, by {board['by']}"
    if board.get("hidden"):
        planned = board.get("reveal_planned_at")
        reveal = f" (planned {when(planned)} UTC)" if planned else ""
        return f"{head}\nHidden until the reveal{reveal}."
    if not board["rows"]:
        return f"{head}\nNo scored submissions yet."
    headers = ["TEAM_RANK", "SYSTEM_RANK", "TEAM", "SYSTEM", *(name for name, _ in METRICS),
               "N", "SUBMISSIONS"]  # fmt: skip
    rows = [
        [
            _rank(row.get("team_rank", row["rank"] if board["by"] == "team" else None)),
            _rank(row.get("system_rank", row["rank"] if board["by"] == "system" else None)),
            f"{row['team']} (baseline)" if row.get("baseline") else row["team"],
            row["system"] + {"team": " (final)", "auto": " (auto)"}.get(row.get("selection"), ""),
            *_metric_cells(row),
            str(row["submissions"]),
        ]
        for row in board["rows"]
    ]
    return f"{head}\n{table(headers, rows, '>><<>>>>>>')}"


def _rank(rank: int | None) -> str:
    return "-" if rank is None else str(rank)


def submissions_table(submissions: Sequence[dict[str, Any]], phase: str) -> str:
    """A team's submissions, newest first, with the SRCC of each split it can see."""
    if not submissions:
        return f"Your team has no submissions in the {phase} phase."
    splits: list[str] = []
    for submission in submissions:
        splits += [s["split"] for s in submission["scores"] if s["split"] not in splits]
    headers = ["ID", "SUBMITTED (UTC)", "SYSTEM", "STATUS", *(f"SRCC {s}" for s in splits)]
    rows = []
    for submission in submissions:
        srcc = {score["split"]: score["srcc"] for score in submission["scores"]}
        rows.append(
            [
                str(submission["id"]),
                when(submission.get("submitted_at")),
                submission["system_name"],
                submission["status"] + _marks(submission),
                *(number(srcc.get(split)) for split in splits),
            ]
        )
    return table(headers, rows, ">" + "<<<" + ">" * len(splits))
