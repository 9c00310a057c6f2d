"""Uploading a submission, the team's submissions, one submission and its file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from competition import finals, history, quotas
from competition.access import (
    get_competition,
    get_submission_for_user,
    is_score_hidden,
    ordered_phases,
    shown_reason,
    team_of,
    visible_scores,
)
from competition.forms import SubmissionForm
from competition.models import Score, Submission
from competition.throttling import UploadThrottle, throttle

PENDING = (Submission.QUEUED, Submission.SCORING)


@login_required
@throttle(UploadThrottle)  # the API's upload budget: one count per user, whichever door
def submit(request, slug):
    competition = get_competition(slug)
    if request.method == "POST":
        form = SubmissionForm(competition, request.POST, request.FILES)
        submissions = form.submit(request)
        if submissions is not None:
            for submission in submissions:
                messages.success(
                    request,
                    f"Submission #{submission.pk} ({submission.system_name}) is queued for "
                    "scoring.",
                )
            return redirect("my_submissions", slug=slug)
        status = form.refusal.status if form.refusal else 400
    else:
        initial = {"phase": request.GET.get("phase", "validation")}
        form = SubmissionForm(competition, initial=initial)
        status = 200
    now = timezone.now()
    for phase in form.phases.values():
        phase.quota = quotas.for_user(phase, request.user, now)
    context = {
        "competition": competition,
        "form": form,
        "team": team_of(request.user, competition),
        "phases": list(form.phases.values()),
    }
    response = render(request, "competition/submit.html", context, status=status)
    if form.refusal is not None and form.refusal.retry_after:
        response["Retry-After"] = str(form.refusal.retry_after)
    return response


def with_scores(queryset):
    return queryset.select_related("phase", "team").prefetch_related(
        Prefetch("scores", queryset=Score.objects.select_related("split")), "phase__splits"
    )


@login_required
def my_submissions(request, slug):
    competition = get_competition(slug)
    team = team_of(request.user, competition)
    submissions, charts = [], []
    metric = history.pick_metric(request.GET.get("metric"))
    if team is not None:
        for phase in ordered_phases(competition):
            histories = history.team_histories(team, phase, metric)
            if histories:
                charts.append((phase, histories))
        submissions = list(with_scores(team.submissions.all()))
        for submission in submissions:
            submission.shown_scores = visible_scores(submission, request.user)
            submission.shown_reason = shown_reason(submission, submission.shown_scores)
            submission.hidden_splits = _hidden_splits(submission, request.user)
    phases = ordered_phases(competition)
    now = timezone.now()
    for phase in phases:
        phase.selection = finals.selection(phase, team, now)
        phase.quota = quotas.for_user(phase, request.user, now)
        phase.disqualification = (
            phase.disqualifications.filter(team=team).first() if team is not None else None
        )
    by_pk = {phase.pk: phase for phase in phases}
    for submission in submissions:
        submission.phase_info = by_pk[submission.phase_id]
        submission.selectable = (
            submission.phase_info.selection.open
            and not (submission.is_late or submission.is_baseline or submission.is_disqualified)
            and submission.status != Submission.FAILED
        )
    context = {
        "competition": competition,
        "team": team,
        "submissions": submissions,
        "phases": phases,
        "pending": [s.pk for s in submissions if s.status in PENDING],
        "charts": charts,
        "metric": metric,
        "metrics": history.METRICS,
    }
    return render(request, "competition/my_submissions.html", context)


@login_required
@require_POST
def select_final(request, submission_id):
    """The page's select / unselect button (the API's POST .../select/ and .../unselect/)."""
    submission = get_submission_for_user(request, submission_id)
    change = finals.unselect if request.POST.get("action") == "unselect" else finals.select
    try:
        change(submission)
    except finals.SelectionError as exc:
        messages.error(request, str(exc))
    else:
        verb = "is now final" if submission.selected_for_final else "is no longer final"
        messages.success(request, f"Submission #{submission.pk} ({submission.system_name}) {verb}.")
    return redirect("my_submissions", slug=submission.phase.competition.slug)


def _hidden_splits(submission, user) -> list[str]:
    """Names of the phase's splits whose scores the user may not see yet."""
    shown = {score.split_id for score in submission.shown_scores}
    phase = submission.phase
    return [
        split.name
        for split in phase.splits.all()
        if split.pk not in shown and is_score_hidden(submission, split, user)
    ]


@login_required
def submission_detail(request, submission_id):
    submission = get_submission_for_user(request, submission_id)
    submission = with_scores(Submission.objects.filter(pk=submission.pk)).get()
    submission.shown_scores = visible_scores(submission, request.user)
    submission.shown_reason = shown_reason(submission, submission.shown_scores)
    submission.hidden_splits = _hidden_splits(submission, request.user)
    context = {
        "competition": submission.phase.competition,
        "submission": submission,
        "pending": [submission.pk] if submission.status in PENDING else [],
    }
    return render(request, "competition/submission.html", context)


@login_required
def submission_file(request, submission_id):
    return file_response(get_submission_for_user(request, submission_id))


def file_response(submission: Submission) -> FileResponse:
    """The file as the team uploaded it, under the name it had."""
    return stored_file(submission.file, submission.original_filename or "submission.csv",
                       "text/csv")  # fmt: skip


def stored_file(field, filename: str, content_type: str, attachment=True) -> FileResponse:
    """A stored upload (a submission's CSV, a report's PDF); 404 when it is gone."""
    if not field:
        raise Http404("The file is gone")
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404("The file is gone")
    return FileResponse(
        handle, as_attachment=attachment, filename=filename, content_type=content_type
    )
