"""Writing a competition back as its file: every setting, the defaults spelled out, so that
loading the dump on another server gives the same competition. To standard output, paths
are absolute and the texts inline; to a file, paths are relative to it, and the texts and
the reference systems' predictions are written beside it (description.md, rules.md,
references/NAME/), so that the folder moves as a whole."""

import os
from datetime import UTC, datetime
from pathlib import Path

import yaml
from django.utils import timezone

import scoring
from competition import dates, references, truth
from competition.competition_file import KINDS
from competition.competition_sync import PHASE_FIELDS, default_leaderboard
from competition.models import Competition, Phase, ResourceDeclaration


class _Dumper(yaml.SafeDumper):
    """Times as the file writes them (2027-01-31T23:59:59Z), texts as literal blocks, lists
    indented under their key."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _moment(dumper, value: datetime):
    text = value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", text)


def _text(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(datetime, _moment)
_Dumper.add_representer(str, _text)


def dump(competition: Competition, out: Path | None = None) -> str:
    """The competition's file as text. With `out` (where the text will be written), the
    files it names are written beside it, and its paths are relative to it."""
    base = out.resolve().parent if out is not None else None
    notes: list[str] = []
    document = {
        "slug": competition.slug,
        "title": competition.title,
        "description": _text_file(competition.description, "description.md", base),
        "rules": _text_file(competition.rules, "rules.md", base),
        "data": _path(competition.dataset_root, base) if competition.dataset_root else None,
        "resource_cutoff": competition.resource_cutoff,
        "max_team_size": competition.max_team_size,
        "phases": {phase.kind: _phase(phase) for phase in _phases(competition)},
        "references": _references(competition, base, notes),
        "resources": _resources(competition),
    }
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)
    return _header(competition, notes) + body


def _header(competition: Competition, notes: list[str]) -> str:
    lines = [
        f"# {competition.slug}, as manage.py dump_competition wrote it at "
        f"{dates.utc(timezone.now())}.",
        "# Load it with: manage.py load_competition THIS_FILE [--dry-run]",
    ]
    if competition.phases.exclude(split_seed="").exists():
        lines.append(
            "# split_seed is secret: it decides which items are public. Keep this file private."
        )
    lines += [f"# Left out: {note}" for note in notes]
    return "\n".join(lines) + "\n"


def _phases(competition: Competition) -> list[Phase]:
    order = {kind: number for number, kind in enumerate(KINDS)}
    return sorted(competition.phases.filter(kind__in=KINDS), key=lambda p: order[p.kind])


def _phase(phase: Phase) -> dict:
    values = {name: getattr(phase, name) for name in PHASE_FIELDS}
    values["split_seed"] = phase.split_seed or None
    if phase.is_revealed:
        # What the leaderboard showed before the reveal is not kept; a new server starts
        # unrevealed, with the default (`manage.py reveal` reveals it there).
        values["leaderboard"] = default_leaderboard(phase.kind, phase.public_fraction)
    return values


def _path(path: str | Path, base: Path | None) -> str:
    return os.path.relpath(path, base) if base is not None else str(Path(path).resolve())


def _text_file(text: str, name: str, base: Path | None) -> str | None:
    if not text:
        return None
    if base is None:
        return text + "\n"  # a block, so that it reads back as the text itself
    (base / name).write_text(text + "\n", encoding="utf-8", newline="")
    return name


def _references(competition: Competition, base: Path | None, notes: list[str]) -> list[dict]:
    entries = []
    for name, submissions in sorted(references.registered(competition).items()):
        if set(submissions) != set(KINDS):
            notes.append(f"the reference system {name}, registered for {', '.join(submissions)} "
                         "only (a file's reference has a file for every phase).")  # fmt: skip
            continue
        stale = [
            kind
            for kind, submission in submissions.items()
            if len(submission.prediction_array()) != len(truth.phase_ids(submission.phase))
        ]
        if stale:
            notes.append(f"the reference system {name}, whose {', '.join(stale)} predictions "
                         "predate the phase's items (register it again).")  # fmt: skip
            continue
        if base is None:
            files = {kind: submissions[kind].file.path for kind in KINDS}
            entries.append({"name": name, "files": files})
            continue
        # A name of dots only would climb out of references/.
        folder = Path("references") / (name if name.strip(".") else f"reference-{len(entries)}")
        (base / folder).mkdir(parents=True, exist_ok=True)
        for kind, submission in submissions.items():
            path = base / folder / references.RUN_FILE.format(kind=kind)
            ids = truth.phase_ids(submission.phase)
            scoring.write_submission(path, ids, submission.prediction_array())
        entries.append({"name": name, "run": folder.as_posix()})
    return entries


def _resources(competition: Competition) -> list[dict]:
    approved = ResourceDeclaration.objects.filter(
        competition=competition, team=None, status=ResourceDeclaration.APPROVED
    ).order_by("kind", "name")
    return [
        {
            "kind": resource.kind,
            "name": resource.name,
            "url": resource.url,
            "release_date": resource.release_date,
            "trained_on": resource.trained_on,
        }
        for resource in approved
    ]
