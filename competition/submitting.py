"""The one path every submission takes, from the web form, the API, the CLI or the
baseline: read and check the file at once, store it, queue it for the workers."""

import uuid

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

import scoring
from competition import names, tasks, truth
from competition.models import Competition, Membership, Phase, Submission, Team


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


def closed_message(phase: Phase) -> str:
    if phase.closes_at is not None and phase.closes_at <= timezone.now():
        return f"The {phase.kind} phase closed on {phase.closes_at:%Y-%m-%d %H:%M} UTC."
    return f"The {phase.kind} phase opens on {phase.opens_at:%Y-%m-%d %H:%M} UTC."


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
    on_stored=None,
) -> Submission:
    """Check, store and queue a submission; raise scoring.SubmissionError (nothing stored)
    when the phase is closed, the team's quota is spent, or the file or the system name is
    at fault. Organizers' own reference systems pass check_open=False (no window, no quota).
    A refused file costs no quota. on_stored(submission) runs inside the transaction that
    stores it (to record the answer with it). The broker is told only after the commit, and
    its failure is the sweep's business, never the caller's."""
    if check_open and not phase.is_open():
        raise _error(closed_message(phase))
    system_name = check_system_name(system_name, team)
    data = read_upload(source, settings.SUBMISSION_MAX_BYTES)
    predictions = truth.submission_reader(phase).read(data, settings.SUBMISSION_MAX_BYTES)
    now = timezone.now()
    submission = None
    try:
        with transaction.atomic():
            if check_open:
                _check_quota(phase, team, now)
            submission = Submission(
                team=team,
                phase=phase,
                submitted_by=user,
                system_name=system_name,
                original_filename=(filename or "submission.csv")[-255:],
                predictions=np.ascontiguousarray(predictions, dtype=np.float64).tobytes(),
                submitted_at=now,
                queued_at=now,
                is_baseline=is_baseline,
            )
            # The stored name is ours, not the participant's: no path tricks, no clashes.
            submission.file.save(f"{team.pk}-{uuid.uuid4().hex}.csv", ContentFile(data), save=False)
            submission.save()
            if on_stored is not None:
                on_stored(submission)
            pk = submission.pk
            transaction.on_commit(lambda: tasks.enqueue([pk]), robust=True)
    except BaseException:
        # No row, no file: a transaction that failed leaves nothing behind.
        if submission is not None and submission.file:
            submission.file.delete(save=False)
        raise
    return submission


def _check_quota(phase: Phase, team: Team, now) -> None:
    """Refuse a submission over the phase's limits. The team's row is locked so that two
    uploads at once cannot both take the last one."""
    if phase.max_submissions_per_day is None and phase.max_submissions_total is None:
        return
    Team.objects.select_for_update(no_key=True).filter(pk=team.pk).exists()
    # Failed submissions (a server problem, a changed phase) do not count against the team.
    made = Submission.objects.filter(phase=phase, team=team).exclude(status=Submission.FAILED)
    limit = phase.max_submissions_total
    if limit is not None and made.count() >= limit:
        raise _error(f"Your team has made all {limit} submissions the {phase.kind} phase allows.")
    limit = phase.max_submissions_per_day
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if limit is not None and made.filter(submitted_at__gte=midnight).count() >= limit:
        raise _error(
            f"Your team has made its {limit} submissions to the {phase.kind} phase for today; "
            "the next one can be made after 00:00 UTC."
        )


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
