"""Keeping each system's best score per split (`Standing`) up to date, so leaderboards read
a few indexed rows instead of ranking every submission on every request.

A refresh reads the scores of the systems it is given, not the team's whole history, then
re-marks each team's best system from the standings themselves."""

from types import SimpleNamespace

from competition.models import Score, Standing, Submission
from scoring.ranking import sort_key

FIELDS = ["srcc", "lcc", "ktau", "mse", "n"]
SystemKey = tuple[int, int, str]  # (team id, phase id, system name)


def refresh(systems: set[SystemKey]) -> None:
    """Recompute the standings of the given systems from their scored submissions. Call it
    inside the transaction that changed their scores."""
    if not systems:
        return
    teams = {team for team, _, _ in systems}
    phases = {phase for _, phase, _ in systems}
    names = {name for _, _, name in systems}
    rows = Score.objects.filter(
        submission__team_id__in=teams,
        submission__phase_id__in=phases,
        submission__system_name__in=names,
        submission__status=Submission.SCORED,
    ).values_list(
        "split_id", "submission_id", "submission__team_id", "submission__phase_id",
        "submission__system_name", "submission__submitted_at", "submission__is_baseline",
        *FIELDS,
    )  # fmt: skip
    grouped: dict[tuple[int, int, str], list[SimpleNamespace]] = {}
    for split, submission, team, phase, name, submitted_at, baseline, *metrics in rows:
        if (team, phase, name) not in systems:
            continue
        entry = SimpleNamespace(
            split_id=split, team_id=team, system_name=name, submission_id=submission,
            submitted_at=submitted_at, is_baseline=baseline,
            **dict(zip(FIELDS, metrics, strict=True)),
        )  # fmt: skip
        grouped.setdefault((split, team, name), []).append(entry)
    fresh = [_standing(entries) for entries in grouped.values()]
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
    Standing.objects.bulk_create(
        fresh,
        update_conflicts=True,
        unique_fields=["split", "team", "system_name"],
        update_fields=["submission", *FIELDS, "submitted_at", "is_baseline", "submissions",
                       "last_submitted_at"],
    )  # fmt: skip
    _mark_team_best({(team, phase) for team, phase, _ in systems})


def _standing(entries: list[SimpleNamespace]) -> Standing:
    best = min(entries, key=lambda e: (*sort_key(e), e.submission_id))
    return Standing(
        split_id=best.split_id,
        team_id=best.team_id,
        system_name=best.system_name,
        submission_id=best.submission_id,
        submitted_at=best.submitted_at,
        is_baseline=best.is_baseline,
        submissions=len(entries),
        last_submitted_at=max(e.submitted_at for e in entries),
        **{field: getattr(best, field) for field in FIELDS},
    )


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
