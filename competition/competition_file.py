"""The competition file (competition.yaml): a whole challenge's setup in one reviewable file.
`read` checks it as a whole and reports every problem at once, each with its line and key,
before anything is applied; nothing here touches the database (competition_sync applies a
checked file, competition_dump writes one back). The keys, their readers and their defaults
are declared once, below, and the README's table of keys is tested against them."""

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug

import scoring
from competition import dates, importer, names
from competition.references import RUN_FILE, file_messages
from competition.yaml_reader import (
    NULL,
    REQUIRED,
    FileProblems,
    Invalid,
    Key,
    Problem,
    Reader,
    choice,
    compose,
    line_of,
    read_count,
    read_day,
    read_file,
    read_flag,
    read_folder,
    read_fraction,
    read_free_text,
    read_markdown,
    read_moment,
    read_url,
    scalar,
)
from scoring.description import normalize

KINDS = ("validation", "test")
MIN_SEED = 32  # characters: a short seed could be guessed, and the cut with it


@dataclass
class PhaseSpec:
    """A phase as the file sets it; None where the platform decides (see the defaults)."""

    kind: str
    opens_at: datetime | None = None  # None: when the phase is created
    closes_at: datetime | None = None
    reveal_planned_at: datetime | None = None
    leaderboard: str | None = None  # None: live, or hidden for a test phase that is not cut
    max_submissions_per_day: int | None = None
    max_submissions_total: int | None = None
    public_fraction: float | None = None
    split_seed: str | None = None  # None: drawn at the first cut, then kept
    max_final: int | None = None  # None: Phase.DEFAULT_MAX_FINAL
    final_selection_closes_at: datetime | None = None
    accept_late: bool = False
    require_description: bool = False
    ratings_published: bool = False


@dataclass
class ReferenceSpec:
    """A reference system (a baseline): its name and its file for each phase."""

    name: str
    files: dict[str, Path]
    line: int | None = None


@dataclass
class ResourceSpec:
    """An external data set or pretrained model the organizers approve for everyone."""

    kind: str
    name: str
    url: str
    release_date: date
    trained_on: str = ""
    line: int | None = None


@dataclass
class CompetitionSpec:
    path: Path
    slug: str
    title: str
    data: Path
    dataset: importer.Dataset
    description: str = ""
    rules: str = ""
    resource_cutoff: date | None = None
    max_team_size: int = 5
    phases: dict[str, PhaseSpec] = field(default_factory=dict)
    references: list[ReferenceSpec] = field(default_factory=list)
    resources: list[ResourceSpec] = field(default_factory=list)
    # "phases.test.public_fraction" -> its line, for the problems found when applying.
    lines: dict[str, int] = field(default_factory=dict)


def read_slug(node, base: Path) -> str:
    value = line_of("slug", 50)(node, base)
    try:
        validate_slug(value)
    except ValidationError:
        raise Invalid(f"{value!r}: use letters, digits, - and _ only (it is in the site's URLs)")
    return value


def read_seed(node, base: Path) -> str:
    value = scalar(node, "a secret text").value.strip()
    if not MIN_SEED <= len(value) <= 64 or not value.isprintable():
        raise Invalid(
            f"must be {MIN_SEED} to 64 printable characters (it is {len(value)}), e.g. the "
            "output of `python -c 'import secrets; print(secrets.token_hex(32))'`; leave the "
            "key out to have one drawn"
        )
    return value


# ---- the keys -------------------------------------------------------------------------------


TOP = {
    "slug": Key(read_slug, REQUIRED, required=True),
    "title": Key(line_of("title", 200), REQUIRED, required=True),
    "description": Key(read_markdown, "none", nullable=True),
    "rules": Key(read_markdown, "none", nullable=True),
    "data": Key(read_folder, REQUIRED, required=True),
    "resource_cutoff": Key(read_day, "none", nullable=True),
    "max_team_size": Key(read_count, "5"),
    "phases": Key(None, REQUIRED, required=True),
    "references": Key(None, "none", nullable=True),
    "resources": Key(None, "none", nullable=True),
}
PHASE = {
    "opens_at": Key(read_moment, "when the phase is created"),
    "closes_at": Key(read_moment, "null: never closes", nullable=True),
    "reveal_planned_at": Key(read_moment, "null", nullable=True),
    "leaderboard": Key(
        choice("live", "hidden"), "live; hidden for a test phase that is not cut", nullable=True
    ),
    "max_submissions_per_day": Key(read_count, "null: no limit", nullable=True),
    "max_submissions_total": Key(read_count, "null: no limit", nullable=True),
    "public_fraction": Key(read_fraction, "null: not cut", nullable=True),
    "split_seed": Key(read_seed, "drawn at the first cut, then kept", nullable=True),
    "max_final": Key(read_count, "4 for test, 0 for validation", nullable=True),
    "final_selection_closes_at": Key(read_moment, "null: when the phase closes", nullable=True),
    "accept_late": Key(read_flag, "false"),
    "require_description": Key(read_flag, "false"),
    "ratings_published": Key(read_flag, "false"),
}
REFERENCE = {
    "name": Key(line_of("name", 64), REQUIRED, required=True),
    "run": Key(read_folder, "one of run and files"),
    "files": Key(None, "one of run and files"),
}
RESOURCE = {
    "kind": Key(choice("model", "dataset"), REQUIRED, required=True),
    "name": Key(line_of("name", 200), REQUIRED, required=True),
    "url": Key(read_url, REQUIRED, required=True),
    "release_date": Key(read_day, REQUIRED, required=True),
    "trained_on": Key(read_free_text, "empty; required for a model"),
}


def documented_keys() -> dict[str, str]:
    """Every key the file knows, named as the README's table names it, with its default."""
    keys = {name: key.default for name, key in TOP.items()}
    keys.update({f"phases.{kind}": "all defaults" for kind in KINDS})
    keys.update({f"phases.PHASE.{name}": key.default for name, key in PHASE.items()})
    keys.update({f"references[].{name}": key.default for name, key in REFERENCE.items()})
    keys.update({f"references[].files.{kind}": REQUIRED for kind in KINDS})
    keys.update({f"resources[].{name}": key.default for name, key in RESOURCE.items()})
    return keys


# ---- reading --------------------------------------------------------------------------------


def read(path) -> CompetitionSpec:
    """The competition the file describes, checked as a whole (its data folder and its
    reference systems' files included); FileProblems with every problem otherwise."""
    path = Path(path).resolve()
    root = compose(path, TOP)
    reader = Reader(path.parent)
    top, nodes = reader.mapping(root, TOP, "")
    phases = _phases(reader, nodes.get("phases"))
    dataset = _dataset(reader, top.get("data"), nodes.get("data"))
    references = _references(reader, nodes.get("references"), dataset)
    resources = _resources(reader, nodes.get("resources"), top.get("resource_cutoff"))
    if reader.problems:
        raise FileProblems(path, reader.problems)
    nested = ("phases", "references", "resources")
    values = {
        name: value for name, value in top.items() if value is not None and name not in nested
    }
    return CompetitionSpec(
        path=path, dataset=dataset, phases=phases, references=references,
        resources=resources, lines=reader.lines, **values,
    )  # fmt: skip


def _phases(reader: Reader, node) -> dict[str, PhaseSpec]:
    phases = {kind: PhaseSpec(kind) for kind in KINDS}
    if node is None:
        return phases
    kinds = {kind: Key(None, "") for kind in KINDS}
    _, nodes = reader.mapping(node, kinds, "phases")
    for kind, phase_node in nodes.items():
        if isinstance(phase_node, yaml.ScalarNode) and phase_node.tag == NULL:
            continue  # `test:` alone: every default
        values, _ = reader.mapping(phase_node, PHASE, f"phases.{kind}")
        phases[kind] = PhaseSpec(kind, **values)
        _check_times(reader, phases[kind], phase_node)
    return phases


def _check_times(reader: Reader, phase: PhaseSpec, node) -> None:
    prefix = f"phases.{phase.kind}"

    def problem(key, message):
        reader.problem(node, f"{prefix}.{key}", message)

    if phase.opens_at and phase.closes_at and phase.closes_at <= phase.opens_at:
        problem(
            "closes_at",
            f"the phase would close ({dates.utc(phase.closes_at)}) before it opens "
            f"({dates.utc(phase.opens_at)})",
        )
    selection, closes = phase.final_selection_closes_at, phase.closes_at
    if selection and closes and selection < closes:
        problem(
            "final_selection_closes_at",
            f"the final selection would end ({dates.utc(selection)}) before the phase "
            f"closes ({dates.utc(closes)}); leave it out to end it with the phase",
        )


def _dataset(reader: Reader, folder: Path | None, node) -> importer.Dataset | None:
    if folder is None:
        return None
    try:
        return importer.read(folder)
    except importer.DatasetError as exc:
        reader.problem(node, "data", str(exc))
        return None


def _references(reader: Reader, node, dataset) -> list[ReferenceSpec]:
    references, seen = [], {}
    for index, entry in enumerate(reader.sequence(node, "references")):
        prefix = f"references[{index}]"
        values, nodes = reader.mapping(entry, REFERENCE, prefix)
        line = entry.start_mark.line + 1
        if not isinstance(entry, yaml.MappingNode):
            continue
        files = _reference_files(reader, entry, prefix, nodes, values)
        name = values.get("name")
        if name is None:
            continue
        try:
            names.check_system_name(name)
        except ValidationError as exc:
            reader.problem(entry, f"{prefix}.name", exc.messages[0])
            continue
        if name.casefold() in seen:
            reader.problem(
                entry,
                f"{prefix}.name",
                f"{name} is listed twice (first on line {seen[name.casefold()]})",
            )
            continue
        seen[name.casefold()] = line
        if files is not None and dataset is not None:
            _check_reference_files(reader, prefix, files, dataset, line)
        references.append(ReferenceSpec(name, files or {}, line))
    return references


def _reference_files(reader, entry, prefix, nodes, values) -> dict[str, Path] | None:
    """The reference's file for each phase, from its run folder or its `files`; None when
    they cannot be found (the problem is noted)."""
    if ("run" in nodes) == ("files" in nodes):
        message = "give either run (a trainer's run folder) or files (a CSV for each phase)"
        reader.problem(entry, prefix, message)
        return None
    if "files" in nodes:
        kinds = {kind: Key(read_file, REQUIRED, required=True) for kind in KINDS}
        files, _ = reader.mapping(nodes["files"], kinds, f"{prefix}.files")
        return files if len(files) == len(KINDS) else None
    run = values.get("run")
    if run is None:
        return None
    files = {kind: run / RUN_FILE.format(kind=kind) for kind in KINDS}
    missing = [kind for kind, path in files.items() if not path.is_file()]
    for kind in missing:
        reader.problem(
            nodes["run"],
            f"{prefix}.run",
            f"{files[kind]} is missing: run baseline.predict for {kind}",
        )
    return None if missing else files


def _check_reference_files(reader, prefix, files, dataset, line) -> None:
    for kind, path in files.items():
        others = {p: dataset.ids(p) for p in importer.PARTITIONS if p != kind}
        try:
            scoring.SubmissionReader(dataset.ids(kind), kind, others).read(
                path, settings.SUBMISSION_MAX_BYTES
            )
        except scoring.SubmissionError as exc:
            for message in file_messages(path, exc):
                reader.problems.append(Problem(line, prefix, message))


def _resources(reader: Reader, node, cutoff: date | None) -> list[ResourceSpec]:
    resources, seen = [], {}
    for index, entry in enumerate(reader.sequence(node, "resources")):
        prefix = f"resources[{index}]"
        values, _ = reader.mapping(entry, RESOURCE, prefix)
        if any(key.required and name not in values for name, key in RESOURCE.items()):
            continue  # its problems are noted
        line = entry.start_mark.line + 1
        resource = ResourceSpec(line=line, **values)
        wanted = normalize(resource.name)
        if wanted in seen:
            reader.problem(
                entry,
                f"{prefix}.name",
                f"{resource.name} is listed twice (first on line {seen[wanted]})",
            )
            continue
        seen[wanted] = line
        if resource.kind == "model" and not resource.trained_on:
            reader.problem(entry, f"{prefix}.trained_on", "say what the model was trained on")
        if cutoff and resource.release_date > cutoff:
            reader.problem(
                entry,
                f"{prefix}.release_date",
                f"{resource.release_date.isoformat()} is after resource_cutoff "
                f"({cutoff.isoformat()}): only what was released by then may be used",
            )
        resources.append(resource)
    return resources
