"""A team's submission quota in a phase: per UTC day and in total, plus the extra
submissions organizers grant. What counts: every submission of the team, and every one its
members made in the phase for another team (leaving a team never buys fresh submissions);
a file refused at upload is never stored, and a submission the workers could not score
(failed) costs nothing. The organizers' reference rows are never counted."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, Subquery, Sum

from competition import dates
from competition.models import Membership, Phase, QuotaGrant, Submission, Team

QUOTA_EXCEEDED = "quota_exceeded"


@dataclass(frozen=True)
class Quota:
    phase: Phase
    per_day: int | None  # None: no limit
    total: int | None
    used_today: int  # within the limits (grants apart)
    used_total: int
    extra: int  # granted submissions not used yet
    now: datetime

    @property
    def left_today(self) -> int | None:
        return None if self.per_day is None else max(0, self.per_day - self.used_today)

    @property
    def left_total(self) -> int | None:
        return None if self.total is None else max(0, self.total - self.used_total)

    @property
    def within_limits(self) -> bool:
        return self.left_today != 0 and self.left_total != 0

    @property
    def left(self) -> int | None:
        """Submissions possible now: None when nothing limits them."""
        limits = [n for n in (self.left_today, self.left_total) if n is not None]
        return None if not limits else min(limits) + self.extra

    @property
    def next_at(self) -> datetime | None:
        """When the next submission is possible, if not now: the next UTC midnight when
        today's are spent; None when one is possible now or the total is spent."""
        if self.left != 0 or self.left_total == 0:
            return None
        return dates.next_utc_midnight(self.now)

    def as_dict(self) -> dict:
        return {
            "per_day": self.per_day,
            "total": self.total,
            "used_today": self.used_today,
            "used_total": self.used_total,
            "extra": self.extra,
            "left_today": self.left_today,
            "left_total": self.left_total,
            "left": self.left,
            "next_at": self.next_at,
        }

    def refusal(self) -> str:
        kind = self.phase.kind
        if self.left_total == 0:
            return f"Your team has made all {self.total} submissions the {kind} phase allows."
        return (
            f"Your team has made its {self.per_day} submissions to the {kind} phase for today "
            f"(UTC); the next one is possible at {dates.utc(self.next_at)}."
        )


def made_by(phase: Phase, team: Team | None, users=(), members=None):
    """The submissions that count against a team's quota (or a user's, before a team);
    `members`: the team's member ids, when the caller has read them."""
    ids = {user.pk for user in users if user and user.is_authenticated}
    who = Q()
    if team is not None:
        # The members as a list, not a subquery: with literal values PostgreSQL combines the
        # team and submitter indexes instead of scanning every submission of the phase.
        if members is None:
            members = team.memberships.values_list("user_id", flat=True)
        ids.update(members)
        who = Q(team=team)
    who |= Q(submitted_by_id__in=sorted(ids))
    return (
        Submission.objects.filter(phase=phase, is_baseline=False)
        .filter(who)
        .exclude(status=Submission.FAILED)
    )


def quota(phase: Phase, team: Team | None, now: datetime, users=()) -> Quota:
    # Two reads, as this runs on every upload and every quota read: the team's members with
    # its grants, then one count of all three.
    members, granted = None, 0
    if team is not None:
        grants = QuotaGrant.objects.filter(phase=phase, team=team)
        total = grants.values("team").annotate(n=Sum("extra")).values("n")
        rows = list(
            team.memberships.annotate(granted=Subquery(total)).values_list("user_id", "granted")
        )
        members = [user for user, _ in rows]
        # A team with no members left has no row to carry its grants.
        granted = (rows[0][1] if rows else grants.aggregate(n=Sum("extra"))["n"]) or 0
    limited = Q(used_grant=False)
    counts = made_by(phase, team, users, members).aggregate(
        used_today=Count("pk", filter=limited & Q(submitted_at__gte=dates.utc_midnight(now))),
        used_total=Count("pk", filter=limited),
        granted_used=Count("pk", filter=Q(used_grant=True)),
    )
    return Quota(
        phase=phase,
        per_day=phase.max_submissions_per_day,
        total=phase.max_submissions_total,
        used_today=counts["used_today"] if phase.max_submissions_per_day is not None else 0,
        used_total=counts["used_total"],
        extra=max(0, granted - counts["granted_used"]),
        now=now,
    )


def for_user(phase: Phase, user, now: datetime) -> Quota:
    """The quota the user's next submission meets (their team's, or their own before they
    have one: the team of one made for them starts with their past submissions)."""
    team = Membership.objects.filter(user=user, competition_id=phase.competition_id).first()
    return quota(phase, team.team if team else None, now, users=[user])
