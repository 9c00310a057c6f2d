"""Which submission represents each system of a team in a phase's ranking, and which of
the team's systems enter it: plain functions over plain entries (no database), used by
competition.standings and by anyone who needs the same rule.

Before a phase with a final selection closes (and always where it has none) every system
is ranked, represented by the submission its team marked final, else its best on the
phase's public split, else its latest; a private split never picks a team's luckiest
submission. Once it has closed, only a team's final submissions are ranked; a team that
marked none is represented by its `max_final` best systems on the public split where the
phase has one (Kaggle's rule), else by its `max_final` latest systems. The organizers'
reference rows (baselines) are always shown and never counted among them. Late and
disqualified submissions, and those that failed, never take part: the caller leaves them
out of the entries."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scoring.ranking import sort_key

CHOSEN, AUTOMATIC = "team", "auto"


@dataclass
class Entry:
    """One scored submission: `scores` maps a split's id to an object with the metrics."""

    submission_id: int
    system_name: str
    submitted_at: datetime
    final: bool = False
    is_baseline: bool = False
    scores: dict[int, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Choice:
    entry: Entry
    selection: str  # CHOSEN, AUTOMATIC or "" (every system ranked, nothing chosen)
    submissions: int  # the system's scored submissions
    last_submitted_at: datetime


def representative(entries: list[Entry], public_split: int | None) -> Entry:
    final = [e for e in entries if e.final]
    if final:
        return max(final, key=lambda e: (e.submitted_at, e.submission_id))
    ranked = [e for e in entries if public_split in e.scores]
    if ranked:
        return min(ranked, key=lambda e: (*sort_key(e.scores[public_split]), e.submission_id))
    return max(entries, key=lambda e: (e.submitted_at, e.submission_id))


def choose(
    entries: list[Entry], public_split: int | None, max_final: int, finals_only: bool
) -> dict[str, Choice]:
    """The systems of one team that enter the ranking, by name."""
    systems: dict[str, list[Entry]] = {}
    for entry in entries:
        systems.setdefault(entry.system_name, []).append(entry)
    choices = {}
    for name, group in systems.items():
        chosen = representative(group, public_split)
        selection = CHOSEN if chosen.final and max_final else ""
        last = max(e.submitted_at for e in group)
        choices[name] = Choice(chosen, selection, len(group), last)
    if not finals_only or max_final == 0:
        return choices
    reference = {n: c for n, c in choices.items() if c.entry.is_baseline}
    competing = {n: c for n, c in choices.items() if not c.entry.is_baseline}
    finals = {n: c for n, c in competing.items() if c.selection == CHOSEN}
    if finals:
        return {**reference, **finals}
    return {**reference, **_automatic(competing, public_split, max_final)}


def _automatic(choices: dict[str, Choice], public_split: int | None, k: int) -> dict[str, Choice]:
    if public_split is not None:

        def best_first(item):
            score = item[1].entry.scores.get(public_split)
            # A system with no public score (none of its files scored there) comes last.
            return (score is None, sort_key(score) if score else (), item[1].entry.submission_id)

        order = sorted(choices.items(), key=best_first)
    else:
        order = sorted(
            choices.items(),
            key=lambda item: (item[1].last_submitted_at, item[1].entry.submission_id),
            reverse=True,
        )
    return {
        name: Choice(c.entry, AUTOMATIC, c.submissions, c.last_submitted_at)
        for name, c in order[:k]
    }
