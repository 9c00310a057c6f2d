"""Uploading a submission, the team's submissions, one submission and its file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from competition import history
from competition.access import (
    get_competition,
    get_submission_for_user,
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
        submission = form.submit(request)
        if submission is not None:
            messages.success(
                request,
                f"Submission #{submission.pk} ({submission.system_name}) is queued for scoring.",
            )
            return redirect("my_submissions", slug=slug)
        status = 400
    else:
        initial = {"phase": request.GET.get("phase", "validation")}
        form = SubmissionForm(competition, initial=initial)
        status = 200
    context = {"competition": competition, "form": form, "team": team_of(request.user, competition)}
    return render(request, "competition/submit.html", context, status=status)


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
    context = {
        "competition": competition,
        "team": team,
        "submissions": submissions,
        "pending": [s.pk for s in submissions if s.status in PENDING],
        "charts": charts,
        "metric": metric,
        "metrics": history.METRICS,
    }
    return render(request, "competition/my_submissions.html", context)


def _hidden_splits(submission, user) -> list[str]:
    """Names of the phase's splits whose scores the user may not see yet."""
    shown = {score.split_id for score in submission.shown_scores}
    phase = submission.phase
    return [
        split.name
        for split in phase.splits.all()
        if split.pk not in shown and not phase.is_split_visible(split)
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
    if not submission.file:
        raise Http404("The file is gone")
    try:
        handle = submission.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is gone")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=submission.original_filename or "submission.csv",
        content_type="text/csv",
    )
