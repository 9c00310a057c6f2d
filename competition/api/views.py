"""The REST API: submit, follow a submission, read leaderboards and the competition.

Views stay thin: the same helpers as the pages decide who sees what (competition.access)
and how an upload is taken (competition.upload_handlers)."""

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

import scoring
from competition import finals, idempotency, leaderboard, quotas
from competition.access import (
    get_competition,
    get_phase,
    get_submission_for_user,
    is_organizer,
    team_of,
)
from competition.api import serializers, throttles
from competition.models import Competition, Score, Submission
from competition.submitting import Refused
from competition.truth import phase_ids
from competition.upload_handlers import accept_upload, is_package, too_large_message
from competition.views.downloads import csv_response
from competition.views.leaderboards import pick_split
from competition.views.pages import phases_with_splits
from competition.views.submissions import file_response, with_scores

SAMPLE_HEADER = ["wav_file_name", "prediction_score"]
# The middle of the 0..10 scale: a placeholder, not a guess at the truth.
SAMPLE_SCORE = "5.0"


def errors(*messages, code=status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"errors": list(messages)}, status=code)


def refused(exc: Refused) -> Response:
    """A submission refused for the phase's window (403) or the team's quota (429): not a
    problem with the file, and said so by `code`."""
    response = Response({"errors": exc.messages(), "code": exc.code}, status=exc.status)
    if exc.retry_after:
        response["Retry-After"] = str(exc.retry_after)
    return response


class CompetitionListView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = throttles.DEFAULT

    @extend_schema(responses=serializers.CompetitionSummarySerializer(many=True))
    def get(self, request):
        """Every competition on this server, newest first (slug and title)."""
        competitions = Competition.objects.order_by("-created_at")
        return Response(serializers.CompetitionSummarySerializer(competitions, many=True).data)


class CompetitionView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = throttles.DEFAULT

    @extend_schema(responses=serializers.CompetitionSerializer)
    def get(self, request, slug):
        competition = get_competition(slug)
        competition.phase_list = phases_with_splits(competition)
        return Response(serializers.CompetitionSerializer(competition).data)


class PhaseView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = throttles.DEFAULT

    @extend_schema(responses=serializers.PhaseDetailSerializer)
    def get(self, request, slug, phase):
        """One phase: its state and window (UTC), limits and splits; for a logged-in
        participant, how many submissions their team has left today and in total, when
        the next is possible, and its final selection."""
        phase = get_phase(slug, phase)
        phase.split_list = next(
            p.split_list for p in phases_with_splits(phase.competition) if p.pk == phase.pk
        )
        context = {"request": request}
        if request.user.is_authenticated:
            now = timezone.now()
            context["quota"] = quotas.for_user(phase, request.user, now)
            context["finals"] = finals.selection(
                phase, team_of(request.user, phase.competition), now
            )
        return Response(serializers.PhaseDetailSerializer(phase, context=context).data)


class PhaseSubmissionsView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = throttles.UPLOADS
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=serializers.SubmissionSerializer(many=True))
    def get(self, request, slug, phase):
        """The submissions of the caller's team in this phase, newest first."""
        phase = get_phase(slug, phase)
        team = team_of(request.user, phase.competition)
        queryset = Submission.objects.none()
        if team is not None:
            queryset = with_scores(team.submissions.filter(phase=phase))
        data = serializers.SubmissionSerializer(
            queryset, many=True, context={"request": request}
        ).data
        return Response(data)

    @extend_schema(
        request={"multipart/form-data": serializers.SubmissionUploadSerializer},
        parameters=[
            OpenApiParameter(
                idempotency.HEADER,
                str,
                OpenApiParameter.HEADER,
                description="Any string of yours, new for each submission: sending the same "
                "request again with it (e.g. after a lost answer) replays the first answer "
                "with 200 and stores nothing; the same key with another request answers 409. "
                "Kept for 24 hours.",
            )
        ],
        responses={
            201: serializers.NewSubmissionSerializer,
            200: OpenApiResponse(
                serializers.NewSubmissionSerializer, "A replay (Idempotency-Key)."
            ),
            400: OpenApiResponse(serializers.ErrorsSerializer, "The file's problems, by line."),
            403: OpenApiResponse(serializers.ErrorsSerializer, "phase_closed, phase_not_open."),
            429: OpenApiResponse(
                serializers.ErrorsSerializer, "quota_exceeded (Retry-After: seconds to 00:00 UTC)."
            ),
            409: OpenApiResponse(serializers.ErrorsSerializer, "Idempotency-Key reused."),
        },
    )
    def post(self, request, slug, phase):
        """Submit a CSV for the caller's team (a team of one is made for a participant
        with none), with an optional `description` (YAML, text or file); or an XACLE
        package (.zip: NAME.csv + NAME.yaml per system, at most one PDF report), which
        answers `{"submissions": [...]}`, one per system. A file with problems is refused
        with all of them; nothing is stored."""
        replay = self.replay(request)
        if replay is not None:
            return replay
        phase = get_phase(slug, phase)
        uploaded = request.FILES.get("file")
        key = idempotency.key_of(request)
        answer = {}

        def on_stored(submissions):
            # The answer is built from the objects just stored, inside their transaction:
            # nothing read after the commit can fail and turn a stored submission into a 500.
            for submission in submissions:
                submission._prefetched_objects_cache = {"scores": Score.objects.none()}
            data = serializers.SubmissionSerializer(
                submissions, many=True, context={"request": request}
            ).data
            # What is left after this one, so that a script needs no second request to know.
            team = submissions[0].team
            quota = quotas.quota(phase, team, timezone.now(), users=[request.user])
            quota = serializers.QuotaSerializer(quota.as_dict()).data
            if is_package(uploaded):
                answer["body"] = {"submissions": data, "quota": quota}
            else:
                answer["body"] = {**data[0], "quota": quota}
            if key:
                fingerprint = request.idempotency_fingerprint
                idempotency.remember(request.user, key, fingerprint, submissions[0], answer["body"])

        try:
            accept_upload(
                request,
                phase,
                request.data.get("system_name", ""),
                uploaded,
                description=request.data.get("description"),
                on_stored=on_stored,
            )
        except Refused as exc:
            return refused(exc)
        except scoring.SubmissionError as exc:
            return errors(*exc.messages())
        except IntegrityError:
            # The same key, sent twice at once: the other request stored it first.
            request.idempotent_replay = None
            replay = self.replay(request)
            if replay is None:
                raise
            return replay
        return Response(answer["body"], status=status.HTTP_201_CREATED)

    def replay(self, request) -> Response | None:
        """The kept answer to an earlier request with this Idempotency-Key (200), a 409
        for the key reused on another request, or None to go on."""
        if request.method != "POST" or not idempotency.key_of(request):
            return None
        if getattr(request, "idempotent_replay", None) is None:
            request.idempotency_fingerprint = idempotency.request_fingerprint(request)
            try:
                record = idempotency.find(
                    request.user, idempotency.key_of(request), request.idempotency_fingerprint
                )
            except idempotency.Mismatch:
                request.idempotent_replay = errors(
                    f"The {idempotency.HEADER} was used before for a different request; "
                    "use a new key for a new submission.",
                    code=status.HTTP_409_CONFLICT,
                )
            else:
                request.idempotent_replay = (
                    Response(record.body, status=status.HTTP_200_OK) if record else False
                )
        return request.idempotent_replay or None

    def check_throttles(self, request):
        # A replay is looked up before any other check: it costs no upload budget.
        if request.user.is_authenticated and self.replay(request) is not None:
            return
        super().check_throttles(request)

    def handle_exception(self, exc):
        # Raised by the upload handler while the body streams in, before any view code.
        if isinstance(exc, RequestDataTooBig):
            return errors(too_large_message(getattr(self.request, "upload_too_large", None)))
        return super().handle_exception(exc)


class SubmissionView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = throttles.DEFAULT

    @extend_schema(responses=serializers.SubmissionSerializer)
    def get(self, request, submission_id):
        """One submission of the caller's team (404 for any other team's)."""
        submission = get_submission_for_user(request, submission_id)
        submission = with_scores(Submission.objects.filter(pk=submission.pk)).get()
        data = serializers.SubmissionSerializer(submission, context={"request": request}).data
        return Response(data)


class SelectView(APIView):
    """Mark a submission of the caller's team final (`select`) or not (`unselect`)."""

    permission_classes = [IsAuthenticated]
    throttle_classes = throttles.DEFAULT
    change = staticmethod(finals.select)

    @extend_schema(
        request=None,
        responses={200: serializers.SubmissionSerializer, 409: serializers.ErrorsSerializer},
    )
    def post(self, request, submission_id):
        """409 with the reason when the phase has no selection, its deadline has passed, the
        team has its `max_final` finals already, or the submission failed or is late."""
        submission = get_submission_for_user(request, submission_id)
        try:
            self.change(submission)
        except finals.SelectionError as exc:
            return Response(
                {"errors": [str(exc)], "code": "selection_refused"}, status=status.HTTP_409_CONFLICT
            )
        submission = with_scores(Submission.objects.filter(pk=submission.pk)).get()
        data = serializers.SubmissionSerializer(submission, context={"request": request}).data
        return Response(data)


class UnselectView(SelectView):
    change = staticmethod(finals.unselect)


class SubmissionFileView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = throttles.DEFAULT

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY})
    def get(self, request, submission_id):
        """The file as the team uploaded it."""
        return file_response(get_submission_for_user(request, submission_id))


class LeaderboardView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = throttles.DEFAULT

    @extend_schema(
        parameters=[
            OpenApiParameter("by", enum=[leaderboard.TEAM, leaderboard.SYSTEM], default="team"),
            OpenApiParameter("split", str, description="A split name; default: see above."),
            OpenApiParameter("offset", int, default=0),
            OpenApiParameter("limit", int, description="Rows at most; default: all."),
        ],
        responses={200: serializers.LeaderboardSerializer, 400: serializers.ErrorsSerializer},
    )
    def get(self, request, slug, phase):
        """A phase's leaderboard. Without `split`: the whole phase where it is not cut;
        where it is cut, the public part until the reveal and the private part after.
        A hidden split answers `hidden: true` and no rows."""
        phase = get_phase(slug, phase)
        split = pick_split(phase, request.query_params.get("split"))
        by = request.query_params.get("by", leaderboard.TEAM)
        if by not in (leaderboard.TEAM, leaderboard.SYSTEM):
            return errors(f"by must be team or system, not {by!r}.")
        try:
            offset = int(request.query_params.get("offset", 0))
            limit = request.query_params.get("limit")
            limit = None if limit is None else int(limit)
        except ValueError:
            return errors("offset and limit must be whole numbers.")
        if offset < 0 or (limit is not None and limit < 0):
            return errors("offset and limit must not be negative.")
        board = leaderboard.build(
            phase,
            split,
            by,
            offset=offset,
            limit=limit,
            organizer=is_organizer(request.user),
        )
        return Response(serializers.LeaderboardSerializer(board).data)


class SampleSubmissionView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = throttles.DEFAULT

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY})
    def get(self, request, slug, phase):
        """A valid CSV to start from: every pair of the phase, a placeholder score."""
        phase = get_phase(slug, phase)
        rows = ([wav, SAMPLE_SCORE] for wav in phase_ids(phase))
        return csv_response(f"sample_submission_{phase.kind}.csv", SAMPLE_HEADER, rows)
