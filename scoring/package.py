"""The XACLE package: one ZIP holding, per system, NAME.csv and NAME.yaml, and at most one
PDF report. Read without trusting it: the number of entries, every path, the declared and
the actual unpacked sizes are checked while reading, before anything is kept, and every
problem is named by the file inside the archive.

No Django here: the server checks each CSV against the phase and each YAML against its
approved resources itself (competition.packages)."""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from scoring.problems import Problem, SubmissionError

MAX_ENTRIES = 20
CHUNK = 64 * 1024
ARCHIVE_SUFFIXES = (".zip", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".zst")
DESCRIPTION_SUFFIXES = (".yaml", ".yml")
# What archivers add by themselves: skipped, not refused.
CLUTTER = ("__MACOSX/", ".DS_Store", "Thumbs.db")


@dataclass(frozen=True)
class Limits:
    package: int  # the archive, and everything in it once unpacked
    csv: int  # one CSV (the submission limit)
    report: int  # the PDF
    description: int = 64 * 1024


@dataclass
class PackedSystem:
    name: str  # from the files' names: Sun_NPU_01.csv -> Sun_NPU_01
    csv_name: str
    csv: bytes
    yaml_name: str
    yaml: bytes


@dataclass
class Package:
    systems: list[PackedSystem] = field(default_factory=list)
    report_name: str | None = None
    report: bytes | None = None


def is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def read_package(data: bytes, limits: Limits) -> Package:
    """The systems and the report in the archive, or SubmissionError with every problem
    found (nothing half read is returned)."""
    if len(data) > limits.package:
        raise _whole(f"The package is larger than the limit of {_size(limits.package)}.")
    declared_entries = _declared_entries(data)
    if declared_entries is not None and declared_entries > MAX_ENTRIES:
        raise _too_many(declared_entries)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise _whole(f"The package is not a readable ZIP archive ({exc}).")
    if len(entries) > MAX_ENTRIES:
        raise _too_many(len(entries))
    problems: list[Problem] = []
    wanted = []
    for info in entries:
        problem = _check_entry(info)
        if problem:
            problems.append(problem)
        elif not info.is_dir() and not _is_clutter(info.filename):
            wanted.append(info)
    declared = sum(info.file_size for info in wanted)
    if declared > limits.package:
        problems.append(
            Problem(
                None,
                f"The package unpacks to {declared:,} bytes (declared), over the limit of "
                f"{_size(limits.package)}.",
            )
        )
    if problems:
        raise SubmissionError(problems)
    files: dict[str, bytes] = {}
    budget = limits.package
    for info in wanted:
        name = PurePosixPath(info.filename.replace("\\", "/")).name
        limit = _limit_for(name, limits)
        if name in files:
            problems.append(Problem(None, "appears twice in the package.", name))
            continue
        if limit is None:
            problems.append(
                Problem(
                    None,
                    "does not belong in a package: only NAME.csv, NAME.yaml and one PDF report.",
                    name,
                )
            )
            continue
        if info.file_size > limit:
            problems.append(Problem(None, f"is larger than the limit of {_size(limit)}.", name))
            continue
        content = _read_entry(archive, info, min(limit, budget), name, problems)
        if content is not None:
            files[name] = content
            budget -= len(content)
    if problems:
        raise SubmissionError(problems)
    return _pair(files)


def _declared_entries(data: bytes) -> int | None:
    """The entry count the end-of-central-directory record declares, read before zipfile
    builds an object per entry (a small archive may declare hundreds of thousands)."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if at < 0 or at + 22 > len(data):
        return None
    total = int.from_bytes(data[at + 10 : at + 12], "little")
    return None if total == 0xFFFF else total  # 0xFFFF: a ZIP64 count, zipfile reads it


def _too_many(count: int) -> SubmissionError:
    return _whole(
        f"The package has {count} entries; at most {MAX_ENTRIES} (a CSV and a YAML per "
        "system, and one PDF report)."
    )


def _check_entry(info: zipfile.ZipInfo) -> Problem | None:
    raw = info.filename
    path = raw.replace("\\", "/")
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return Problem(None, "has an absolute path; a package holds relative names only.", raw)
    if ".." in path.split("/"):
        return Problem(None, "climbs out of the archive (..); the package is refused.", raw)
    if info.flag_bits & 0x1:
        return Problem(None, "is encrypted; send the package without a password.", raw)
    if not info.is_dir() and path.lower().endswith(ARCHIVE_SUFFIXES):
        return Problem(None, "is an archive inside the package; put its files in directly.", raw)
    return None


def _is_clutter(name: str) -> bool:
    base = PurePosixPath(name).name
    return name.startswith(CLUTTER[0]) or base in CLUTTER[1:] or base.startswith("._")


def _limit_for(name: str, limits: Limits) -> int | None:
    lower = name.lower()
    if lower.endswith(".csv"):
        return limits.csv
    if lower.endswith(DESCRIPTION_SUFFIXES):
        return limits.description
    if lower.endswith(".pdf"):
        return limits.report
    return None


def _read_entry(archive, info, limit: int, name: str, problems: list[Problem]) -> bytes | None:
    """The entry's bytes, read a chunk at a time: a file that unpacks beyond what it declared
    or beyond the limit (a ZIP bomb) is stopped there, never held whole."""
    out = bytearray()
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                out += chunk
                if len(out) > info.file_size:
                    problems.append(
                        Problem(
                            None,
                            f"unpacks to more than the {info.file_size:,} bytes it declares; "
                            "the package is refused.",
                            name,
                        )
                    )
                    return None
                if len(out) > limit:
                    problems.append(
                        Problem(None, f"unpacks beyond the limit of {_size(limit)}.", name)
                    )
                    return None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        problems.append(
            Problem(
                None,
                f"is damaged, or does not unpack to the {info.file_size:,} bytes it declares "
                f"({exc}); the package is refused.",
                name,
            )
        )
        return None
    except (NotImplementedError, RuntimeError) as exc:
        problems.append(Problem(None, f"cannot be unpacked ({exc}).", name))
        return None
    return bytes(out)


def _pair(files: dict[str, bytes]) -> Package:
    problems: list[Problem] = []
    stems: dict[str, dict[str, str]] = {}
    reports = []
    for name in files:
        stem, _, suffix = name.rpartition(".")
        suffix = suffix.lower()
        if suffix == "pdf":
            reports.append(name)
        else:
            kind = "csv" if suffix == "csv" else "yaml"
            if kind in stems.setdefault(stem, {}):
                problems.append(
                    Problem(None, f"a second description of {stem} ({stems[stem][kind]}).", name)
                )
            stems[stem][kind] = name
    if len(reports) > 1:
        problems.append(
            Problem(
                None,
                f"The package holds {len(reports)} PDF reports ({', '.join(reports)}); "
                "a team sends one.",
            )  # fmt: skip
        )
    package = Package()
    for stem, pair in sorted(stems.items()):
        if "yaml" not in pair:
            problems.append(Problem(None, f"has no description: add {stem}.yaml.", pair["csv"]))
        elif "csv" not in pair:
            problems.append(
                Problem(None, f"has no predictions: add {stem}.csv beside it.", pair["yaml"])
            )
        else:
            package.systems.append(
                PackedSystem(
                    stem, pair["csv"], files[pair["csv"]], pair["yaml"], files[pair["yaml"]]
                )  # fmt: skip
            )
    if not stems and not problems:
        problems.append(Problem(None, "The package holds no system: add NAME.csv and NAME.yaml."))
    if problems:
        raise SubmissionError(problems)
    if reports:
        package.report_name, package.report = reports[0], files[reports[0]]
    return package


def _whole(message: str) -> SubmissionError:
    return SubmissionError([Problem(None, message)])


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MB"
    return f"{n:,} bytes"
