"""The notices participants opt in to: what each says and who gets it. Called by the
worker's tasks; each notice is claimed in SentNotice first, so none goes out twice."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import mail
from accounts.models import PhaseEvent, SentNotice
from competition.access import visible_scores
from competition.models import Phase, Submission

# An opening or closing noticed later than this (a server that was down, a phase created
# with dates in the past) is recorded without a message: old news is not a notice.
PHASE_NEWS_WINDOW = timedelta(days=1)


def claim(user, key: str) -> bool:
    """True for the one caller that gets to send this notice to this user."""
    try:
        with transaction.atomic():
            SentNotice.objects.create(user=user, key=key)
    except IntegrityError:
        return False
    return True


def notify(users, key: str, template: str, context: dict) -> int:
    """Queue one message per user not yet sent this notice; the number queued."""
    sent = 0
    for user in users:
        if claim(user, key):
            subject, body = mail.render(template, {"user": user, **context})
            mail.send([user.email], subject, body)
            sent += 1
    return sent


def submission_notices(submission_ids) -> int:
    """For each finished submission: its team's members who asked, with the scores each may
    see (never a hidden split's before the reveal)."""
    sent = 0
    finished = Submission.objects.filter(
        pk__in=list(submission_ids), status__in=[Submission.SCORED, Submission.FAILED]
    ).select_related("phase__competition", "team")
    for submission in finished:
        members = submission.team.members.all()
        for user in mail.recipients("notify_submissions", members):
            if not claim(user, f"submission:{submission.pk}"):
                continue
            scores = visible_scores(submission, user)
            hidden = submission.phase.splits.count() - len(scores)
            link = mail.site_url(reverse("submission", args=[submission.pk]))
            subject, body = mail.render(
                "submission",
                {"user": user, "submission": submission, "scores": scores,
                 "hidden": hidden, "link": link},
            )  # fmt: skip
            mail.send([user.email], subject, body)
            sent += 1
    return sent


def due_phase_events(now=None) -> list[tuple[Phase, str, bool]]:
    """(phase, event, news) for every opening, closing and reveal not yet recorded;
    `news` is false for an opening or closing older than PHASE_NEWS_WINDOW."""
    now = now or timezone.now()
    seen = set(PhaseEvent.objects.values_list("phase_id", "event"))
    due = []
    for phase in Phase.objects.select_related("competition"):
        happened = {
            PhaseEvent.OPENED: phase.opens_at if phase.opens_at <= now else None,
            PhaseEvent.CLOSED: phase.closes_at
            if phase.closes_at and phase.closes_at <= now
            else None,
            PhaseEvent.REVEALED: now if phase.leaderboard == Phase.REVEALED else None,
        }
        for event, at in happened.items():
            if at is not None and (phase.pk, event) not in seen:
                due.append((phase, event, now - at <= PHASE_NEWS_WINDOW))
    return due


def phase_notices(now=None) -> int:
    """Record what happened to the phases since the last look and tell those who asked."""
    sent = 0
    for phase, event, news in due_phase_events(now):
        record, created = PhaseEvent.objects.get_or_create(
            phase=phase, event=event, defaults={"announced": news}
        )
        if not created or not news:
            continue  # another worker has it, or it is old news
        competition = phase.competition
        link = mail.site_url(reverse("competition", args=[competition.slug]))
        if event == PhaseEvent.REVEALED:
            link = mail.site_url(reverse("leaderboard", args=[competition.slug, phase.kind]))
        sent += notify(
            mail.recipients("notify_phases"),
            f"phase:{phase.pk}:{event}",
            "phase",
            {"phase": phase, "competition": competition, "event": event, "link": link},
        )
    return sent
