"""Answers of the API as the server gives them, for the fake server and the tables."""

from __future__ import annotations

from typing import Any


def scored(**changes: Any) -> dict[str, Any]:
    """A submission as GET /api/submissions/{id}/ answers it, scored on one split."""
    submission = {
        "id": 17,
        "competition": "xacle",
        "phase": "validation",
        "team": "Aurora",
        "system_name": "Aurora_01",
        "status": "scored",
        "reason": "",
        "submitted_at": "2026-03-01T12:34:56.789Z",
        "scores": [
            {"split": "all", "srcc": 0.61234567, "lcc": 0.6, "ktau": 0.45, "mse": 2.1, "n": 12}
        ],
    }
    return {**submission, **changes}


def board(**changes: Any) -> dict[str, Any]:
    """A leaderboard as the API answers it: two teams and a baseline."""
    metrics = {"lcc": 0.5, "ktau": 0.4, "mse": 2.0, "n": 12, "last_submitted_at": None}
    rows = [
        {
            "rank": 1,
            "team_rank": 1,
            "system_rank": 1,
            "team": "Aurora",
            "system": "Aurora_good",
            "srcc": 0.9,
            "submissions": 2,
        },
        {
            "rank": None,
            "team_rank": None,
            "system_rank": None,
            "team": "Organizers",
            "system": "Baseline",
            "srcc": 0.7,
            "submissions": 1,
            "baseline": True,
        },  # fmt: skip
        # Borealis is second of the teams, third of the systems (Aurora has a second one).
        {
            "rank": 2,
            "team_rank": 2,
            "system_rank": 3,
            "team": "Borealis",
            "system": "B_01",
            "srcc": 0.123456,
            "submissions": 10,
        },
    ]
    data = {
        "phase": "validation",
        "split": "all",
        "by": "team",
        "hidden": False,
        "reveal_planned_at": None,
        "total": 3,
        "rows": [{"baseline": False, **metrics, **row} for row in rows],
    }
    return {**data, **changes}
