"""The one path every submission takes, from the web form, the API, the CLI or the
baseline: read and check the file at once, store it, queue it for the workers."""

import uuid
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

import scoring
from competition import dates, descriptions, names, quotas, tasks, truth
from competition.models import Competition, Membership, Phase, Submission, Team
from scoring.description import Description


def read_upload(source, max_bytes: int) -> bytes:
    """The raw bytes of an upload, refusing a file over the limit before reading it whole."""
    size = getattr(source, "size", None)
    if size is not None and size > max_bytes:
        raise _error(too_large_message(max_bytes))
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _error(too_large_message(max_bytes))
    return data


def _error(message: str) -> "scoring.SubmissionError":
    return scoring.SubmissionError([scoring.Problem(None, message)])


def too_large_message(max_bytes: int) -> str:
    if max_bytes >= 1024 * 1024:
        return f"The file is larger than the limit of {max_bytes / (1024 * 1024):g} MB."
    return f"The file is larger than the limit of {max_bytes:,} bytes."


PHASE_CLOSED, PHASE_NOT_OPEN = "phase_closed", "phase_not_open"


class Refused(scoring.SubmissionError):
    """Not a problem with the file: the phase's window or the team's quota. `code` and
    `status` are the API's answer; `retry_after` the seconds until it may be tried again."""

    def __init__(self, code: str, message: str, status: int, retry_after: int | None = None):
        super().__init__([scoring.Problem(None, message)])
        self.code, self.status, self.retry_after = code, status, retry_after


def check_window(phase: Phase, now) -> bool:
    """Whether a submission made now is late; Refused when the phase takes none."""
    state = phase.state(now)
    if state == Phase.OPEN:
        return False
    kind = phase.kind
    if state == Phase.UPCOMING:
        raise Refused(
            PHASE_NOT_OPEN, f"The {kind} phase opens at {dates.utc(phase.opens_at)}.", 403
        )
    if state == Phase.REVEALED:
        raise Refused(
            PHASE_CLOSED,
            f"The {kind} phase is over: its results were revealed"
            + (f" at {dates.utc(phase.revealed_at)}" if phase.revealed_at else "")
            + ", and it takes no more submissions.",
            403,
        )
    if phase.accept_late:
        return True
    raise Refused(PHASE_CLOSED, f"The {kind} phase closed at {dates.utc(phase.closes_at)}.", 403)


def check_system_name(name: str, team: Team | None = None) -> str:
    """The system name, stripped, if it follows names.SYSTEM_NAME_RULE and (with a team)
    is not a look-alike of another system name of the same team."""
    try:
        name = names.check_system_name(name)
    except ValidationError as error:
        raise _error(error.messages[0])
    if team is not None:
        # ASCII only, so case is the only way two names can look alike.
        used = (
            Submission.objects.filter(team=team, system_name__iexact=name)
            .exclude(system_name=name)
            .values_list("system_name", flat=True)
            .first()
        )
        if used:
            raise _error(
                f"Your team already has a system named {used}; use exactly that name for it, "
                "or a name that differs in more than case."
            )
    return name


def submit(
    phase: Phase,
    team: Team,
    system_name: str,
    source,
    *,
    filename: str = "submission.csv",
    user=None,
    is_baseline: bool = False,
    check_open: bool = True,
    description: str | bytes | None = None,
    on_stored=None,
) -> Submission:
    """Check, store and queue a submission; raise Refused (nothing stored) when the phase
    takes none now or the team's quota is spent, scoring.SubmissionError when the file, the
    system name or the description (YAML, optional) is at fault. Organizers' own reference
    systems and forced submissions pass check_open=False (no window, no quota). A refused
    file costs no quota. After the close of a phase that accepts late work, the submission
    is marked late. on_stored(submissions) runs inside the transaction that stores it (to
    record the answer with it, see competition.idempotency)."""
    now = timezone.now()
    late = check_window(phase, now) if check_open else False
    system_name = check_system_name(system_name, team)
    data = read_upload(source, settings.SUBMISSION_MAX_BYTES)
    predictions = truth.submission_reader(phase).read(data, settings.SUBMISSION_MAX_BYTES)
    entry = Entry(system_name, filename, data, predictions)
    if description is not None:
        entry.description = descriptions.check(phase, system_name, description)
        entry.description_text = description
    return store(phase, team, [entry], now, user=user, late=late, is_baseline=is_baseline,
                 check_open=check_open, on_stored=on_stored)[0]  # fmt: skip


@dataclass
class Entry:
    """One checked system, ready to be stored."""

    system_name: str
    filename: str
    data: bytes
    predictions: np.ndarray
    description: Description | None = None
    description_text: str | bytes = ""


def store(
    phase: Phase,
    team: Team,
    entries: list[Entry],
    now,
    *,
    user=None,
    late: bool = False,
    is_baseline: bool = False,
    check_open: bool = True,
    on_stored=None,
) -> list[Submission]:
    """Store checked submissions (and their descriptions) in one transaction, after the
    quota allowed all of them, and queue them once it commits. `on_stored(submissions)` runs
    inside the transaction (a package's report, the idempotency record). The broker is told
    only after the commit, and its failure is the sweep's business, never the caller's."""
    submissions = []
    try:
        with transaction.atomic():
            grants = (
                _check_quota(phase, team, now, user, len(entries))
                if check_open
                else [False] * len(entries)
            )
            for entry, used_grant in zip(entries, grants, strict=True):
                submission = Submission(
                    team=team,
                    phase=phase,
                    submitted_by=user,
                    system_name=entry.system_name,
                    original_filename=(entry.filename or "submission.csv")[-255:],
                    predictions=np.ascontiguousarray(entry.predictions, dtype=np.float64).tobytes(),
                    submitted_at=now,
                    queued_at=now,
                    is_baseline=is_baseline,
                    is_late=late,
                    used_grant=used_grant,
                )
                # The stored name is ours, not the participant's: no path tricks, no clashes.
                name = f"{team.pk}-{uuid.uuid4().hex}.csv"
                submission.file.save(name, ContentFile(entry.data), save=False)
                submissions.append(submission)
                submission.save()
                if entry.description is not None:
                    descriptions.save(phase, team, entry.description, entry.description_text, user)
            if on_stored is not None:
                on_stored(submissions)
            ids = [submission.pk for submission in submissions]
            transaction.on_commit(lambda: tasks.enqueue(ids), robust=True)
    except BaseException:
        # No row, no file: a transaction that failed leaves nothing behind.
        for submission in submissions:
            if submission.file:
                submission.file.delete(save=False)
        raise
    return submissions


def _check_quota(phase: Phase, team: Team, now, user=None, count: int = 1) -> list[bool]:
    """Refuse submissions over the phase's limits (all of them, when `count` would pass it:
    a package is taken whole or not at all); for each, whether it takes one of the team's
    extra grants. The team's row is locked so that two uploads at once cannot both take
    the last one."""
    if phase.max_submissions_per_day is None and phase.max_submissions_total is None:
        return [False] * count  # no limit to keep: no lock, so nothing waits on the team
    Team.objects.select_for_update(no_key=True).filter(pk=team.pk).exists()
    quota = quotas.quota(phase, team, now, users=[user])
    limits = [n for n in (quota.left_today, quota.left_total) if n is not None]
    within = min(limits) if limits else count
    if count <= within + quota.extra:
        return [i >= within for i in range(count)]
    retry = quota.next_at and dates.seconds_until(quota.next_at, now)
    message = quota.refusal()
    if count > 1 and within + quota.extra > 0:
        left = within + quota.extra
        message = (
            f"The package holds {count} systems, but your team may make {left} more "
            f"submission{'s' if left != 1 else ''} to the {phase.kind} phase now; nothing "
            "was stored."
        )
    raise Refused(quotas.QUOTA_EXCEEDED, message, 429, retry_after=retry or None)


def team_for(user, competition: Competition) -> Team:
    """The user's team in the competition; a participant alone gets a team of one."""
    membership = (
        Membership.objects.filter(user=user, competition=competition).select_related("team").first()
    )
    if membership:
        return membership.team
    for _ in range(5):
        try:
            with transaction.atomic():
                name = _free_team_name(competition, user.get_username())
                team = Team.objects.create(competition=competition, name=name)
                Membership.objects.create(team=team, user=user)
            return team
        except IntegrityError:
            # The same user's other request got there first, or another team took the
            # name in between: then look for a free name again.
            membership = Membership.objects.filter(user=user, competition=competition).first()
            if membership is not None:
                return membership.team
    raise IntegrityError(f"no free team name for {user.get_username()!r}")


def _free_team_name(competition: Competition, wanted: str) -> str:
    wanted = wanted[:90]  # a user name may be longer than a team name; leave room for -N
    name, suffix = wanted, 2
    while Team.look_alikes(competition, name).exists():
        name, suffix = f"{wanted}-{suffix}", suffix + 1
    return name
