"""Bringing the database to a competition file's state (competition_file.read), in one
transaction: the competition's settings, its phases, its data (as import_dataset brings it:
changed ratings send the phase's submissions to be rescored), its reference systems and the
resources the organizers approve. Every change is reported as the file names it, field by
field; a dry run does the same work, reports it, and rolls it back."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

import scoring
from competition import dates, importer, references, standings, truth
from competition.competition_file import KINDS, CompetitionSpec, PhaseSpec
from competition.models import Competition, Phase, ResourceDeclaration, Submission
from competition.yaml_reader import FileProblems, Problem
from scoring.description import normalize

PHASE_FIELDS = [
    "opens_at", "closes_at", "reveal_planned_at", "leaderboard", "max_submissions_per_day",
    "max_submissions_total", "public_fraction", "split_seed", "max_final",
    "final_selection_closes_at", "accept_late", "require_description", "ratings_published",
]  # fmt: skip
# Changing either changes which items are public, and so what participants were shown.
CUT = ("public_fraction", "split_seed")
SECRET, TEXTS = {"split_seed"}, {"description", "rules"}
# The model's names that the file spells otherwise.
FILE_NAMES = {"dataset_root": "data"}


@dataclass
class Outcome:
    slug: str
    dry_run: bool = False
    created: bool = False
    changes: list[str] = field(default_factory=list)
    queued: list[int] = field(default_factory=list)  # submissions sent to be (re)scored


def load(
    spec: CompetitionSpec, *, recut: bool = False, dry_run: bool = False, progress: bool = False
) -> Outcome:
    """Create the competition or bring it to the file's state, all or nothing. FileProblems
    (nothing written) when the file changes a cut that participants have seen and `recut`
    is not given, or a reference system's file is refused. A dry run writes nothing (and
    registers no reference system, whose files would be stored)."""
    outcome = Outcome(spec.slug, dry_run=dry_run)
    try:
        with transaction.atomic():
            _apply(spec, outcome, recut, progress)
            if dry_run:
                transaction.set_rollback(True)
    finally:
        truth.forget()  # the truth cached in this process may have been read mid-change
    if dry_run:
        outcome.queued = []
    return outcome


def _apply(spec: CompetitionSpec, outcome: Outcome, recut: bool, progress: bool) -> None:
    competition = Competition.objects.select_for_update().filter(slug=spec.slug).first()
    if competition is None:
        competition = Competition(slug=spec.slug)
        outcome.created = True
    else:
        _check_cuts(competition, spec, recut)
    wanted = {
        "title": spec.title,
        "description": spec.description,
        "rules": spec.rules,
        "dataset_root": str(spec.data),
        "resource_cutoff": spec.resource_cutoff,
        "max_team_size": spec.max_team_size,
    }
    if _update(competition, wanted, "", outcome, quiet=outcome.created) or outcome.created:
        competition.save()
    phases = {kind: _phase(competition, spec.phases[kind], outcome) for kind in KINDS}
    report = importer.ImportReport(competition, outcome.created)
    importer.apply_dataset(competition, spec.dataset, phases, report, progress=progress)
    _report_data(report, outcome)
    truth.forget()  # the phases' ids and truth_version may have moved on
    phases = {kind: Phase.objects.get(pk=phase.pk) for kind, phase in phases.items()}
    _references(competition, spec, phases, outcome)
    _resources(competition, spec, outcome)


def _update(obj, wanted: dict, prefix: str, outcome: Outcome, quiet: bool = False) -> list[str]:
    """Set the fields that differ, noting each change; the names of those changed."""
    changed = []
    for name, value in wanted.items():
        old = getattr(obj, name)
        if old == value:
            continue
        setattr(obj, name, value)
        changed.append(name)
        if not quiet:
            outcome.changes.append(change_line(prefix + FILE_NAMES.get(name, name), old, value))
    return changed


def change_line(key: str, old, new) -> str:
    name = key.rsplit(".", 1)[-1]
    if name in SECRET:
        return f"{key}: changed (a secret, not shown)"
    if name in TEXTS:
        return f"{key}: changed ({len(old or ''):,} -> {len(new or ''):,} characters)"
    return f"{key}: {shown(old)} -> {shown(new)}"


def shown(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return dates.utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return repr(value)
    return str(value)


def default_leaderboard(kind: str, public_fraction: float | None) -> str:
    # A test phase cut into parts shows its public part live, as Kaggle does; uncut, nothing.
    return Phase.LIVE if kind == Phase.VALIDATION or public_fraction else Phase.HIDDEN


def phase_values(spec: PhaseSpec, phase: Phase) -> dict:
    """The phase's fields as the file wants them, the platform's defaults filled in."""
    values = {name: getattr(spec, name) for name in PHASE_FIELDS}
    if spec.opens_at is None:
        del values["opens_at"]  # a new phase opens at once; an existing one keeps its date
    if spec.split_seed is None:
        del values["split_seed"]  # drawn at the first cut (importer), then kept
    if spec.max_final is None:
        values["max_final"] = Phase.DEFAULT_MAX_FINAL[spec.kind]
    if spec.leaderboard is None:
        values["leaderboard"] = default_leaderboard(spec.kind, spec.public_fraction)
    if phase.is_revealed:
        del values["leaderboard"]  # the reveal is manage.py reveal's, and the file never undoes it
    return values


def _phase(competition: Competition, spec: PhaseSpec, outcome: Outcome) -> Phase:
    phase = Phase.objects.filter(competition=competition, kind=spec.kind).first()
    created = phase is None
    if created:
        phase = Phase(competition=competition, kind=spec.kind)
        if not outcome.created:
            outcome.changes.append(f"phases.{spec.kind}: created")
    changed = _update(phase, phase_values(spec, phase), f"phases.{spec.kind}.", outcome, created)
    if created or changed:
        phase.save()
        # Dates and max_final decide who is ranked: the standings follow, as after the admin.
        transaction.on_commit(lambda: standings.ensure_current(phase))
    return phase


def recut_needed(phase: Phase, values: dict) -> list[str]:
    """The settings in `values` that would change which of the phase's items are public."""
    fraction = values.get("public_fraction", phase.public_fraction)
    changed = []
    if fraction != phase.public_fraction:
        changed.append("public_fraction")
    # A new seed moves the cut only where there is a cut, made with an earlier seed.
    seed = values.get("split_seed", phase.split_seed)
    if fraction and phase.split_seed and seed != phase.split_seed:
        changed.append("split_seed")
    return changed


def _check_cuts(competition: Competition, spec: CompetitionSpec, recut: bool) -> None:
    if recut:
        return
    problems = []
    for phase in competition.phases.all():
        names = recut_needed(phase, phase_values(spec.phases[phase.kind], phase))
        seen = Submission.objects.filter(phase=phase, is_baseline=False).count()
        for name in names if seen else []:
            key = f"phases.{phase.kind}.{name}"
            was = "" if name in SECRET else f" (now {shown(phase.public_fraction)})"
            problems.append(
                Problem(
                    spec.lines.get(key, spec.lines.get(f"phases.{phase.kind}")),
                    key,
                    f"the {phase.kind} phase has {seen:,} submissions: changing {name}{was} "
                    "changes which items are public, and so the scores participants saw; "
                    "add --recut to do it (the phase's submissions are rescored)",
                )
            )
    if problems:
        raise FileProblems(spec.path, problems)


def _report_data(report: importer.ImportReport, outcome: Outcome) -> None:
    outcome.queued += report.requeued_ids
    if outcome.created:
        outcome.changes.append(f"data: {report.items_created:,} items imported")
        return
    counts = (report.items_created, report.items_updated, report.items_removed)
    if any(counts) or report.ratings_changed:
        created, updated, removed = counts
        outcome.changes.append(
            f"data: {created:,} items added, {updated:,} updated, {removed:,} removed; "
            f"ratings changed on {report.ratings_changed:,}"
        )
    for kind in report.phases_changed:
        queued = len(report.requeued_by_phase.get(kind, []))
        outcome.changes.append(
            f"phases.{kind}: its ground truth or its cut changed; {queued:,} submissions sent "
            "to be rescored"
        )


def _references(competition, spec: CompetitionSpec, phases: dict, outcome: Outcome) -> None:
    existing = references.registered(competition)
    wanted = {reference.name for reference in spec.references}
    for name in sorted(set(existing) - wanted):
        references.remove(competition, name)
        outcome.changes.append(f"references.{name}: removed")
    for reference in spec.references:
        old = existing.get(reference.name, {})
        if all(_same(phases[kind], old.get(kind), reference.files[kind]) for kind in KINDS):
            continue
        what = "new predictions, registered again" if old else "registered"
        outcome.changes.append(f"references.{reference.name}: {what}")
        if outcome.dry_run:
            continue
        files = {phases[kind]: reference.files[kind] for kind in KINDS}
        try:
            made = references.register(competition, reference.name, files)
        except references.FileRejected as exc:
            key = f"references.{reference.name}"
            problems = [Problem(reference.line, key, message) for message in exc.messages()]
            raise FileProblems(spec.path, problems)
        outcome.queued += [submission.pk for submission in made]


def _same(phase: Phase, submission, path) -> bool:
    try:
        return references.same_predictions(phase, submission, path)
    except scoring.SubmissionError:
        return False  # registering it says what is wrong


def _resources(competition, spec: CompetitionSpec, outcome: Outcome) -> None:
    """The organizers' own declarations (no team) are the file's list, all approved."""
    existing = {
        normalize(declaration.name): declaration
        for declaration in ResourceDeclaration.objects.filter(competition=competition, team=None)
    }
    now = timezone.now()
    for resource in spec.resources:
        values = {
            "kind": resource.kind,
            "name": resource.name,
            "url": resource.url,
            "release_date": resource.release_date,
            "trained_on": resource.trained_on,
            "status": ResourceDeclaration.APPROVED,
        }
        declaration = existing.pop(normalize(resource.name), None)
        if declaration is None:
            ResourceDeclaration.objects.create(
                competition=competition, declared_at=now, reviewed_at=now, **values
            )
            outcome.changes.append(f"resources.{resource.name}: added")
        elif _update(declaration, values, f"resources.{resource.name}.", outcome):
            declaration.reviewed_at = now
            declaration.save()
    for declaration in existing.values():
        declaration.delete()
        outcome.changes.append(f"resources.{declaration.name}: removed")


def summary(outcome: Outcome, path) -> list[str]:
    """What a load did, as the command prints it."""
    lines = ["Dry run: nothing was written."] if outcome.dry_run else []
    changes = [f"  {change}" for change in outcome.changes]
    if outcome.created:
        lines.append(f"Created {outcome.slug} from {path}.")
    elif changes:
        count = len(changes)
        lines.append(f"Updated {outcome.slug} from {path}: {count} change{'s' * (count != 1)}.")
    else:
        lines.append(f"Unchanged: {outcome.slug} already matches {path}.")
    lines += changes
    if outcome.queued:
        lines.append(f"{len(outcome.queued):,} submissions sent to be scored.")
    return lines
