"""Keeping each system's place per split (`Standing`) up to date, so leaderboards read a few
indexed rows instead of ranking every submission on every request.

A system (a team's system name) is represented by one submission, the same on every split
of its phase: the one its team selected as final; otherwise, where the phase has a public
split, its best there; otherwise its latest. So a private split never picks, after the fact,
whichever of a team's submissions happened to score best on it."""

from types import SimpleNamespace

from django.db import transaction
from django.db.models import F

from competition.models import Score, Split, Standing, Submission, Team
from scoring.ranking import sort_key

FIELDS = ["srcc", "lcc", "ktau", "mse", "n"]
SystemKey = tuple[int, int, str]  # (team id, phase id, system name)


def refresh(systems: set[SystemKey]) -> None:
    """Recompute the standings of the given systems from their scored submissions. Call it
    inside the transaction that changed their scores."""
    if not systems:
        return
    with transaction.atomic(savepoint=False):
        _refresh(systems)


def _lock_teams(teams) -> None:
    # One refresh per team at a time: two workers scoring the same system must not each
    # write a standing computed without the other's score. NO KEY UPDATE, so the team's
    # new submissions (which only need a key-share lock on the team) are never blocked.
    list(
        Team.objects.select_for_update(no_key=True)
        .filter(pk__in=sorted(teams))
        .order_by("pk")
        .values("pk")
    )


def add_scored(scored: list[tuple[Submission, list]]) -> None:
    """Fold submissions scored for the first time ([(submission, its Score rows)]) into
    their systems' standings, reading only the systems' current standings: the cost does
    not grow with a team's history. A system this cannot settle from its standings alone
    (its first score, a final selection) is recomputed in full. Call it inside the
    transaction that stored the scores."""
    if not scored:
        return
    with transaction.atomic(savepoint=False):
        by_system: dict[SystemKey, list[SimpleNamespace]] = {}
        for submission, rows in scored:
            key = (submission.team_id, submission.phase_id, submission.system_name)
            by_system.setdefault(key, []).append(_entry(submission, rows))
        _lock_teams({team for team, _, _ in by_system})
        full, fresh = set(), []
        for key, entries in by_system.items():
            rows = _fold(key, entries)
            if rows is None:
                full.add(key)
            else:
                fresh.extend(rows)
        if fresh:
            _upsert(fresh)
        if full:
            _refresh(full)
        _mark_team_best({(team, phase) for team, phase, _ in by_system.keys() - full})


def _entry(submission: Submission, rows) -> SimpleNamespace:
    return SimpleNamespace(
        submission_id=submission.pk,
        submitted_at=submission.submitted_at,
        final=submission.selected_for_final,
        is_baseline=submission.is_baseline,
        scores={
            row.split_id: SimpleNamespace(
                submitted_at=submission.submitted_at, **{f: getattr(row, f) for f in FIELDS}
            )
            for row in rows
        },
    )


def _fold(key: SystemKey, entries: list[SimpleNamespace]) -> list[Standing] | None:
    """The system's new standings with `entries` added, or None when only a full
    recomputation can tell."""
    team, phase, name = key
    current = {
        s.split_id: s
        for s in Standing.objects.filter(
            team_id=team, split__phase_id=phase, system_name=name
        ).annotate(final=F("submission__selected_for_final"))
    }
    if not current or any(e.final for e in entries):
        return None
    standing = next(iter(current.values()))
    held = SimpleNamespace(
        submission_id=standing.submission_id,
        submitted_at=standing.submitted_at,
        final=standing.final,
        is_baseline=standing.is_baseline,
        scores={split: SimpleNamespace(**{f: getattr(s, f) for f in [*FIELDS, "submitted_at"]})
                for split, s in current.items()},
    )  # fmt: skip
    public = (
        Split.objects.filter(phase_id=phase, visibility=Split.PUBLIC)
        .values_list("pk", flat=True)
        .first()
    )
    if public is not None and public not in held.scores:
        return None
    chosen = _representative([held, *entries], public)
    count = standing.submissions + len(entries)
    last = max(standing.last_submitted_at, *(e.submitted_at for e in entries))
    return [
        Standing(
            split_id=split, team_id=team, system_name=name, submission_id=chosen.submission_id,
            submitted_at=chosen.submitted_at, is_baseline=chosen.is_baseline,
            submissions=count, last_submitted_at=last,
            **{f: getattr(score, f) for f in FIELDS},
        )
        for split, score in chosen.scores.items()
    ]  # fmt: skip


def _refresh(systems: set[SystemKey]) -> None:
    teams = sorted({team for team, _, _ in systems})
    phases = {phase for _, phase, _ in systems}
    names = {name for _, _, name in systems}
    _lock_teams(teams)
    public = dict(
        Split.objects.filter(phase_id__in=phases, visibility=Split.PUBLIC).values_list(
            "phase_id", "pk"
        )
    )
    rows = Score.objects.filter(
        submission__team_id__in=teams,
        submission__phase_id__in=phases,
        submission__system_name__in=names,
        submission__status=Submission.SCORED,
    ).values_list(
        "split_id", "submission_id", "submission__team_id", "submission__phase_id",
        "submission__system_name", "submission__submitted_at", "submission__is_baseline",
        "submission__selected_for_final", *FIELDS,
    )  # fmt: skip
    submissions: dict[SystemKey, dict[int, SimpleNamespace]] = {}
    for split, sub, team, phase, name, submitted_at, baseline, final, *metrics in rows:
        if (team, phase, name) not in systems:
            continue
        entry = submissions.setdefault((team, phase, name), {}).setdefault(
            sub,
            SimpleNamespace(
                submission_id=sub,
                submitted_at=submitted_at,
                final=final,
                is_baseline=baseline,
                scores={},
            ),  # fmt: skip
        )
        entry.scores[split] = SimpleNamespace(
            submitted_at=submitted_at, **dict(zip(FIELDS, metrics, strict=True))
        )
    fresh = []
    for (team, phase, name), entries in submissions.items():
        chosen = _representative(list(entries.values()), public.get(phase))
        last = max(e.submitted_at for e in entries.values())
        for split, score in chosen.scores.items():
            fresh.append(
                Standing(
                    split_id=split,
                    team_id=team,
                    system_name=name,
                    submission_id=chosen.submission_id,
                    submitted_at=chosen.submitted_at,
                    is_baseline=chosen.is_baseline,
                    submissions=len(entries),
                    last_submitted_at=last,
                    **{f: getattr(score, f) for f in FIELDS},
                )  # fmt: skip
            )
    _replace(systems, fresh, teams, phases, names)
    _mark_team_best({(team, phase) for team, phase, _ in systems})


def _representative(entries: list[SimpleNamespace], public_split: int | None):
    final = [e for e in entries if e.final]
    if final:
        return max(final, key=lambda e: (e.submitted_at, e.submission_id))
    ranked = [e for e in entries if public_split in e.scores]
    if ranked:
        return min(ranked, key=lambda e: (*sort_key(e.scores[public_split]), e.submission_id))
    return max(entries, key=lambda e: (e.submitted_at, e.submission_id))


def _replace(systems, fresh, teams, phases, names) -> None:
    kept = {(s.split_id, s.team_id, s.system_name) for s in fresh}
    existing = Standing.objects.filter(
        team_id__in=teams, split__phase_id__in=phases, system_name__in=names
    ).values_list("pk", "split_id", "team_id", "split__phase_id", "system_name")
    gone = [
        pk
        for pk, split, team, phase, name in existing
        if (team, phase, name) in systems and (split, team, name) not in kept
    ]
    if gone:
        Standing.objects.filter(pk__in=gone).delete()
    _upsert(fresh)


def _upsert(fresh: list[Standing]) -> None:
    Standing.objects.bulk_create(
        fresh,
        update_conflicts=True,
        unique_fields=["split", "team", "system_name"],
        update_fields=["submission", *FIELDS, "submitted_at", "is_baseline", "submissions",
                       "last_submitted_at"],
    )  # fmt: skip


def _mark_team_best(team_phases: set[tuple[int, int]]) -> None:
    """The by-team view shows each team's best system, which carries the team's totals;
    every baseline system stands alone. Only rows whose marks change are written, so a new
    score touches at most the old and the new best."""
    teams = {team for team, _ in team_phases}
    phases = {phase for _, phase in team_phases}
    rows = Standing.objects.filter(team_id__in=teams, split__phase_id__in=phases).select_related(
        "split"
    )
    groups: dict[tuple[int, int], list[Standing]] = {}
    for standing in rows:
        if (standing.team_id, standing.split.phase_id) in team_phases:
            groups.setdefault((standing.split_id, standing.team_id), []).append(standing)
    changed = []
    for group in groups.values():
        ranked = [s for s in group if not s.is_baseline]
        best = min(ranked, key=lambda s: (*sort_key(s), s.submission_id), default=None)
        for standing in group:
            if standing.is_baseline:
                marks = (True, standing.submissions, standing.last_submitted_at)
            elif standing is best:
                marks = (True, sum(s.submissions for s in ranked),
                         max(s.last_submitted_at for s in ranked))  # fmt: skip
            else:
                marks = (False, 0, None)
            if marks != (standing.team_best, standing.team_submissions,
                         standing.team_last_submitted_at):  # fmt: skip
                standing.team_best, standing.team_submissions, standing.team_last_submitted_at = (
                    marks
                )
                changed.append(standing)
    Standing.objects.bulk_update(
        changed, ["team_best", "team_submissions", "team_last_submitted_at"], batch_size=1000
    )


def rebuild(phase) -> None:
    """Recompute every standing of a phase (after an organizer's repair, or in tests)."""
    systems = set(
        Submission.objects.filter(phase=phase)
        .values_list("team_id", "phase_id", "system_name")
        .distinct()
    )
    Standing.objects.filter(split__phase=phase).delete()
    refresh(systems)
