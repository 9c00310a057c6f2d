"""Taking an XACLE package: one ZIP with NAME.csv + NAME.yaml per system and at most one
PDF report, split into one submission per system with its description attached. Every
file is checked before anything is stored; a package with any problem, or one that would
pass the team's quota, is refused whole."""

from django.conf import settings
from django.utils import timezone

from competition import descriptions, reports, submitting, truth
from competition.models import Phase, Submission, Team
from scoring.package import Limits, read_package
from scoring.problems import Problem, SubmissionError

MAX_PROBLEMS_PER_FILE = 5


def limits() -> Limits:
    return Limits(
        package=settings.PACKAGE_MAX_BYTES,
        csv=settings.SUBMISSION_MAX_BYTES,
        report=settings.REPORT_MAX_BYTES,
    )


def check(
    phase: Phase, data: bytes, team: Team | None = None
) -> tuple[list[submitting.Entry], tuple | None]:
    """The package's systems, checked and ready to store, and its report as (name, bytes,
    pages) or None; SubmissionError naming every problem by its file otherwise."""
    package = read_package(data, limits())
    reader = truth.submission_reader(phase)
    problems, entries = [], []
    for system in package.systems:
        try:
            name = submitting.check_system_name(system.name, team)
        except SubmissionError as exc:
            problems += [p.in_file(system.csv_name) for p in exc.problems]
            continue
        entry = None
        try:
            predictions = reader.read(system.csv, settings.SUBMISSION_MAX_BYTES)
            entry = submitting.Entry(name, system.csv_name, system.csv, predictions)
        except SubmissionError as exc:
            problems += [p.in_file(system.csv_name) for p in exc.problems[:MAX_PROBLEMS_PER_FILE]]
            hidden = len(exc.problems) - MAX_PROBLEMS_PER_FILE + exc.more
            if hidden > 0:
                problems.append(
                    _note(system.csv_name, f"… and {hidden} more problems in this file.")
                )
        try:
            description = descriptions.check(phase, name, system.yaml, source=system.yaml_name)
        except SubmissionError as exc:
            problems += exc.problems
        else:
            if entry is not None:
                entry.description = description
                entry.description_text = system.yaml
                entries.append(entry)
    report = None
    if package.report is not None:
        try:
            pages = reports.check(package.report, package.report_name)
            report = (package.report_name, package.report, pages)
        except SubmissionError as exc:
            problems += exc.problems
    if problems:
        raise SubmissionError(problems)
    return entries, report


def _note(file: str, message: str) -> Problem:
    return Problem(None, message, file)


def submit_package(
    phase: Phase, team: Team, data: bytes, *, user=None, check_open: bool = True, on_stored=None
) -> list[Submission]:
    """One submission per system of the package (its description attached) and the report,
    or Refused / SubmissionError with nothing stored."""
    now = timezone.now()
    late = submitting.check_window(phase, now) if check_open else False
    entries, report = check(phase, data, team)

    def keep_report(submissions):
        if report is not None:
            name, content, pages = report
            reports.store(phase.competition, team, content, name, pages, user)
        if on_stored is not None:
            on_stored(submissions)

    return submitting.store(
        phase, team, entries, now, user=user, late=late, check_open=check_open,
        on_stored=keep_report,
    )  # fmt: skip
