"""Keeping each system's place per split (`Standing`) up to date, so leaderboards read a few
indexed rows instead of ranking every submission on every request.

Which systems of a team enter a phase's ranking, and which submission represents each, is
competition.selection's rule; here it is applied to a team's scored submissions, a whole
team and phase at a time (the final selection concerns the team's systems together).
Late, disqualified and failed submissions, and teams disqualified from the phase, never
enter. A phase that closes on its own clock changes the rule: `ensure_current` rebuilds
its standings on the next read.

A submission scored for the first time, while every system is ranked on its own, is folded
into its system's standings (`add_scored`): the new entry meets the system's current
representative, read from the standings, so scoring costs the same at a team's 2,000th
submission as at its first. Anything else (a rescore, a final selection, a finals-only
phase, a late or disqualified submission) recomputes the team from its history."""

from types import SimpleNamespace

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from competition import selection
from competition.models import Disqualification, Phase, Score, Split, Standing, Submission, Team
from scoring.ranking import sort_key

FIELDS = ["srcc", "lcc", "ktau", "mse", "n"]
SystemKey = tuple[int, int, str]  # (team id, phase id, system name)
TeamPhase = tuple[int, int]  # (team id, phase id)
OPEN_RULE, FINALS_RULE = "open", "finals"


def rule(phase: Phase, now=None) -> str:
    return FINALS_RULE if phase.ranks_finals_only(now) else OPEN_RULE


def refresh(systems: set[SystemKey]) -> None:
    """Recompute the standings of the given systems' teams from their scored submissions.
    Call it inside the transaction that changed their scores."""
    refresh_teams({(team, phase) for team, phase, _ in systems})


def refresh_teams(team_phases: set[TeamPhase]) -> None:
    if not team_phases:
        return
    with transaction.atomic():
        _refresh(team_phases)


def add_scored(scored: list[tuple[Submission, list[Score]]]) -> None:
    """Bring in submissions scored for the first time ([(submission with its phase, its Score
    rows)]). Call it inside the transaction that stored the scores."""
    if not scored:
        return
    # Part of the scoring transaction: a failure here fails the scoring, so no savepoint.
    with transaction.atomic(savepoint=False):
        by_system: dict[SystemKey, list[tuple[Submission, list[Score]]]] = {}
        for submission, rows in scored:
            key = (submission.team_id, submission.phase_id, submission.system_name)
            by_system.setdefault(key, []).append((submission, rows))
        team_phases = {(team, phase) for team, phase, _ in by_system}
        _lock_teams({team for team, _ in team_phases})
        now = timezone.now()
        full: set[TeamPhase] = set()
        unmarked: set[TeamPhase] = set()
        public = _public_splits({phase for _, phase in team_phases})
        for key, group in by_system.items():
            marked = _fold(key, group, public.get(key[1]), now)
            if marked is None:
                full.add(key[:2])
            elif not marked:
                unmarked.add(key[:2])
        if full:
            _refresh(full)
        if unmarked - full:
            _mark_team_best(unmarked - full)


def _fold(
    key: SystemKey, group: list[tuple[Submission, list[Score]]], public: int | None, now
) -> bool | None:
    """Write the system's standings with the group's entries added to its current
    representative, and the team's marks where they follow from the rows they touch
    (True), or not (False: the caller marks the team afresh). None, and nothing written,
    when only the system's whole history can tell."""
    team, phase_id, name = key
    phase = group[0][0].phase
    if phase.standings_rule != OPEN_RULE or rule(phase, now) != OPEN_RULE:
        return None  # which systems enter depends on the team's other systems
    if any(s.is_late or s.disqualified_reason or s.selected_for_final for s, _ in group):
        return None
    # One read: the system's rows, and the team's best (whose marks the new rows may take).
    rows = Standing.objects.filter(team_id=team, split__phase_id=phase_id).filter(
        Q(system_name=name) | Q(team_best=True, is_baseline=False)
    )
    current, best = {}, {}
    for row in rows.annotate(final=F("submission__selected_for_final")):
        if row.system_name == name:
            current[row.split_id] = row
        if row.team_best and not row.is_baseline:
            best[row.split_id] = row
    entries, count, last = [], len(group), max(s.submitted_at for s, _ in group)
    if current:
        held = next(iter(current.values()))
        if public is not None and public not in current:
            return None  # its representative was chosen without a public score
        entries.append(
            selection.Entry(held.submission_id, name, held.submitted_at, held.final,
                            held.is_baseline, scores=current)
        )  # fmt: skip
        count, last = count + held.submissions, max(last, held.last_submitted_at)
    elif Disqualification.objects.filter(team_id=team, phase_id=phase_id).exists():
        return None  # a team disqualified from the phase has no standings to start
    for submission, rows in group:
        entry = selection.Entry(submission.pk, name, submission.submitted_at,
                                is_baseline=submission.is_baseline)  # fmt: skip
        entry.scores = {row.split_id: _metrics(row, submission.submitted_at) for row in rows}
        entries.append(entry)
    chosen = selection.representative(entries, public)
    fresh = [
        Standing(
            split_id=split, team_id=team, system_name=name, submission_id=chosen.submission_id,
            submitted_at=chosen.submitted_at, is_baseline=chosen.is_baseline, submissions=count,
            last_submitted_at=last,
            selection=selection.CHOSEN if chosen.final and phase.max_final else "",
            **{f: getattr(score, f) for f in FIELDS},
        )
        for split, score in chosen.scores.items()
    ]  # fmt: skip
    gone = [s.pk for split, s in current.items() if split not in chosen.scores]
    if gone:
        Standing.objects.filter(pk__in=gone).delete()
    others = None if gone else _fold_marks(name, fresh, current, best, len(group))
    _upsert(fresh, marks=others is not None)
    if others:
        Standing.objects.bulk_update(others, MARKS)
    return others is not None


def _fold_marks(name, fresh, current, best, added) -> list[Standing] | None:
    """Set the team marks on the system's new rows; return the team's other rows whose
    marks change (its best system's, on each split: `best`), or None when the system was
    the team's best and its representative got worse (any system may be the best now)."""
    others = []
    for row in fresh:
        if row.is_baseline:  # a reference system stands alone
            _set_marks(row, True, row.submissions, row.last_submitted_at)
            continue
        old = best.get(row.split_id)
        if old is None:  # the team's first ranked system on this split
            _set_marks(row, True, row.submissions, row.last_submitted_at)
            continue
        totals = (old.team_submissions + added,
                  max(old.team_last_submitted_at, row.last_submitted_at))  # fmt: skip
        if old.system_name == name:
            if _rank(row) > _rank(current[row.split_id]):
                return None
            _set_marks(row, True, *totals)
        elif _rank(row) < _rank(old):
            _set_marks(row, True, *totals)
            others.append(_set_marks(old, False, 0, None))
        else:
            _set_marks(row, False, 0, None)
            others.append(_set_marks(old, True, *totals))
    return others


MARKS = ["team_best", "team_submissions", "team_last_submitted_at"]


def _rank(standing) -> tuple:
    """The order of a team's systems for its best one (smaller is better)."""
    return (*sort_key(standing), standing.submission_id)


def _set_marks(standing: Standing, best: bool, submissions: int, last) -> Standing:
    standing.team_best, standing.team_submissions, standing.team_last_submitted_at = (
        best,
        submissions,
        last,
    )
    return standing


def _public_splits(phase_ids) -> dict[int, int]:
    """{phase id: its public split's id}, for the phases that have one."""
    public = Split.objects.filter(phase_id__in=phase_ids, visibility=Split.PUBLIC)
    return dict(public.values_list("phase_id", "pk"))


def ranked_submissions(phase: Phase):
    """The submissions that may enter the phase's ranking: scored, on time, not
    disqualified, of a team not disqualified from the phase."""
    out = Disqualification.objects.filter(phase=phase).values("team_id")
    return Submission.objects.filter(
        phase=phase, status=Submission.SCORED, is_late=False, disqualified_reason=""
    ).exclude(team_id__in=out)


def _refresh(team_phases: set[TeamPhase]) -> None:
    teams = sorted({team for team, _ in team_phases})
    phase_ids = {phase for _, phase in team_phases}
    _lock_teams(teams)
    phases = {phase.pk: phase for phase in Phase.objects.filter(pk__in=phase_ids)}
    public = _public_splits(phase_ids)
    now = timezone.now()
    fresh = []
    for phase_id, phase in phases.items():
        phase_teams = [team for team, p in team_phases if p == phase_id]
        entries = _entries(phase, phase_teams)
        for team in phase_teams:
            choices = selection.choose(
                list(entries.get(team, {}).values()),
                public.get(phase_id),
                phase.max_final,
                finals_only=phase.ranks_finals_only(now),
            )
            for name, choice in choices.items():
                for split, score in choice.entry.scores.items():
                    fresh.append(
                        Standing(
                            split_id=split,
                            team_id=team,
                            system_name=name,
                            submission_id=choice.entry.submission_id,
                            submitted_at=choice.entry.submitted_at,
                            is_baseline=choice.entry.is_baseline,
                            submissions=choice.submissions,
                            last_submitted_at=choice.last_submitted_at,
                            selection=choice.selection,
                            **{f: getattr(score, f) for f in FIELDS},
                        )  # fmt: skip
                    )
    _replace(fresh, teams, phase_ids, team_phases)
    _mark_team_best(team_phases)


def _lock_teams(teams) -> None:
    # One refresh per team at a time: two workers scoring the same team must not each
    # write standings computed without the other's score. NO KEY UPDATE, so the team's
    # new submissions (which only need a key-share lock on the team) are never blocked.
    locked = Team.objects.select_for_update(no_key=True).filter(pk__in=sorted(teams))
    list(locked.order_by("pk").values("pk"))


def _entries(phase: Phase, teams: list[int]) -> dict[int, dict[int, selection.Entry]]:
    rows = Score.objects.filter(
        submission__in=ranked_submissions(phase).filter(team_id__in=teams)
    ).values_list(
        "split_id", "submission_id", "submission__team_id", "submission__system_name",
        "submission__submitted_at", "submission__is_baseline", "submission__selected_for_final",
        *FIELDS,
    )  # fmt: skip
    entries: dict[int, dict[int, selection.Entry]] = {}
    for split, sub, team, name, submitted_at, baseline, final, *metrics in rows:
        entry = entries.setdefault(team, {}).setdefault(
            sub, selection.Entry(sub, name, submitted_at, final, baseline)
        )
        entry.scores[split] = _metrics(dict(zip(FIELDS, metrics, strict=True)), submitted_at)
    return entries


def _metrics(score, submitted_at) -> SimpleNamespace:
    """A score as the ranking's sort key reads it: the metrics and the time of submission."""
    values = score if isinstance(score, dict) else {f: getattr(score, f) for f in FIELDS}
    return SimpleNamespace(submitted_at=submitted_at, **values)


def _replace(fresh, teams, phase_ids, team_phases) -> None:
    kept = {(s.split_id, s.team_id, s.system_name) for s in fresh}
    existing = Standing.objects.filter(
        team_id__in=teams, split__phase_id__in=phase_ids
    ).values_list("pk", "split_id", "team_id", "split__phase_id", "system_name")
    gone = [
        pk
        for pk, split, team, phase, name in existing
        if (team, phase) in team_phases and (split, team, name) not in kept
    ]
    if gone:
        Standing.objects.filter(pk__in=gone).delete()
    _upsert(fresh)


def _upsert(fresh: list[Standing], marks: bool = False) -> None:
    Standing.objects.bulk_create(
        fresh,
        update_conflicts=True,
        unique_fields=["split", "team", "system_name"],
        update_fields=["submission", *FIELDS, "submitted_at", "is_baseline", "submissions",
                       "last_submitted_at", "selection", *(MARKS if marks else [])],
    )  # fmt: skip


def _mark_team_best(team_phases: set[TeamPhase]) -> None:
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
        best = min(ranked, key=_rank, default=None)
        for standing in group:
            if standing.is_baseline:
                marks = (True, standing.submissions, standing.last_submitted_at)
            elif standing is best:
                marks = (True, sum(s.submissions for s in ranked),
                         max(s.last_submitted_at for s in ranked))  # fmt: skip
            else:
                marks = (False, 0, None)
            if marks != tuple(getattr(standing, field) for field in MARKS):
                changed.append(_set_marks(standing, *marks))
    Standing.objects.bulk_update(changed, MARKS, batch_size=1000)


def rebuild(phase) -> None:
    """Recompute every standing of a phase (after an organizer's repair, a disqualification,
    the phase's close, or in tests)."""
    with transaction.atomic():
        teams = set(Submission.objects.filter(phase=phase).values_list("team_id", flat=True))
        Standing.objects.filter(split__phase=phase).delete()
        refresh_teams({(team, phase.pk) for team in teams})
        phase.standings_rule = rule(phase)
        Phase.objects.filter(pk=phase.pk).update(standings_rule=phase.standings_rule)


def ensure_current(phase: Phase) -> None:
    """Rebuild the phase's standings when they were built under another rule than the one
    that holds now (the phase closed, or an organizer changed its dates or max_final)."""
    wanted = rule(phase)
    if phase.standings_rule == wanted:
        return
    with transaction.atomic():
        locked = Phase.objects.select_for_update().get(pk=phase.pk)
        if locked.standings_rule != rule(locked):
            rebuild(locked)
    phase.standings_rule = wanted


def entrants(phase: Phase):
    """The phase's ranked systems, one Standing per system and split, under the rule that
    holds now (finals only once a phase with a final selection has closed; never a late
    or disqualified submission): what every board, export and analysis ranks."""
    ensure_current(phase)
    return Standing.objects.filter(split__phase=phase)
