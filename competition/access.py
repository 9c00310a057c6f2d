"""Who may see what: one helper per kind of object, so no view can forget a check.

A participant asking for another team's object gets a 404 (not a 403: the id itself is
nobody else's business). Organizers (staff) see everything.
"""

import copy

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404

from competition.models import Competition, Membership, Phase, Score, Split, Submission, Team

NO_SUBMISSION = "No such submission."
CONSTANT_NOTE = (
    "Every prediction in this file has the same value, so SRCC, LCC and KTAU are undefined "
    "and were set to 0."
)
METRICS = ("srcc", "lcc", "ktau", "mse")


def is_organizer(user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff)


def get_competition(slug: str) -> Competition:
    return get_object_or_404(Competition, slug=slug)


def ordered_phases(competition: Competition) -> list[Phase]:
    """The competition's phases in the order they run: validation, then test."""
    return sorted(competition.phases.all(), key=lambda phase: phase.kind != Phase.VALIDATION)


def get_phase(slug: str, kind: str) -> Phase:
    return get_object_or_404(
        Phase.objects.select_related("competition"), competition__slug=slug, kind=kind
    )


def get_submission_for_user(request, submission_id) -> Submission:
    """The submission if the user's team made it (or the user organizes), else 404: the
    same 404, word for word, as for an id that does not exist."""
    user = request.user
    queryset = Submission.objects.select_related("phase__competition", "team")
    if not is_organizer(user):
        if not user.is_authenticated:
            raise Http404(NO_SUBMISSION)
        queryset = queryset.filter(team__memberships__user=user)
    submission = queryset.filter(pk=submission_id).first()
    if submission is None:
        raise Http404(NO_SUBMISSION)
    return submission


def team_of(user, competition):
    """The user's team in the competition, or None (never creates one)."""
    if not user.is_authenticated:
        return None
    membership = (
        Membership.objects.filter(user=user, competition=competition).select_related("team").first()
    )
    return membership.team if membership else None


def visible_scores(submission: Submission, user) -> list[Score]:
    """The submission's scores on the splits the user may see: before the reveal a
    participant never gets a score of a hidden split, not even their own, nor any score of
    a late submission."""
    phase = submission.phase
    organizer = is_organizer(user)
    scores = sorted(submission.scores.all(), key=lambda score: score.split_id)
    if organizer:
        return scores
    if submission.is_late and not phase.is_revealed:
        return []
    return [
        rounded(score, score_decimals(phase, score.split, organizer))
        for score in scores
        if phase.is_split_visible(score.split)
    ]


def score_decimals(phase: Phase, split: Split, organizer: bool) -> int | None:
    """How many decimals of the split's metrics the viewer gets; None: full precision.

    The public split of a cut test phase is shown to participants rounded to
    PUBLIC_SCORE_DECIMALS until the reveal: its full-precision MSE, submission after
    submission, would help fit the public labels and with them guess the private ranking.
    A validation phase (its truth is published anyway), organizers and revealed phases
    get full precision."""
    if organizer or phase.kind != Phase.TEST or phase.leaderboard == Phase.REVEALED:
        return None
    return settings.PUBLIC_SCORE_DECIMALS if split.visibility == Split.PUBLIC else None


def rounded(obj, decimals: int | None):
    """A copy of a score or leaderboard row with its metrics rounded (or obj itself)."""
    if decimals is None:
        return obj
    shown = copy.copy(obj)
    for name in METRICS:
        setattr(shown, name, round(getattr(obj, name), decimals))
    return shown


def shown_reason(submission: Submission, shown_scores: list[Score]) -> str:
    """What the participant is told beside the status: the stored reason (a refusal, a
    failure), else notes computed only from the scores they may see, so that no note
    tells anything about a hidden split."""
    if submission.reason:
        return submission.reason
    if any(score.constant_prediction for score in shown_scores):
        return CONSTANT_NOTE
    return ""


def is_score_hidden(submission: Submission, split, user) -> bool:
    """Whether the user may not see the submission's score on the split yet."""
    if is_organizer(user):
        return False
    phase = submission.phase
    if submission.is_late and not phase.is_revealed:
        return True
    return not phase.is_split_visible(split)


def is_member(user, team) -> bool:
    return bool(
        user
        and user.is_authenticated
        and team is not None
        and Membership.objects.filter(user=user, team=team).exists()
    )


def may_see_team_material(user, team, phase) -> bool:
    """A system's description: its team and organizers always, everyone after the reveal."""
    return phase.is_revealed or is_organizer(user) or is_member(user, team)


def may_see_report(user, report) -> bool:
    """A team's technical report: its team and organizers, everyone once the test phase
    (the one whose board links it) is revealed."""
    if is_organizer(user) or is_member(user, report.team):
        return True
    return Phase.objects.filter(
        competition_id=report.competition_id, kind=Phase.TEST, leaderboard=Phase.REVEALED
    ).exists()


def may_see_census(user, phase) -> bool:
    return phase.is_revealed or is_organizer(user)


def get_team(competition, name: str) -> Team:
    return get_object_or_404(Team, competition=competition, name=name)


def may_see_results(phase: Phase, user) -> bool:
    """A phase's results analysis (results page, human ceiling, per-subset scores):
    organizers always; everyone else once the phase is revealed."""
    return is_organizer(user) or phase.leaderboard == Phase.REVEALED
