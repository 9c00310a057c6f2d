"""The API of what a team gives besides its predictions: system descriptions, declared
resources, the technical report, and the census of the final systems."""

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers as drf
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from competition import census, descriptions, reports, resources, submitting
from competition.access import (
    get_competition,
    get_phase,
    get_team,
    is_member,
    is_organizer,
    may_see_census,
    may_see_team_material,
    team_of,
)
from competition.api import throttles
from competition.api.serializers import ErrorsSerializer
from competition.api.views import errors
from competition.models import Report, Submission, SystemDescription
from competition.upload_handlers import read_description, too_large_message
from scoring.problems import SubmissionError

NO_DESCRIPTION = "This system has no description."


class DescriptionSerializer(drf.ModelSerializer):
    team = drf.CharField(source="team.name")
    phase = drf.CharField(source="phase.kind")
    description = drf.JSONField(source="content")

    class Meta:
        model = SystemDescription
        fields = ["team", "phase", "system_name", "description", "yaml", "updated_at"]


class ResourceSerializer(drf.Serializer):
    id = drf.IntegerField()
    kind = drf.CharField()
    name = drf.CharField()
    url = drf.CharField()
    release_date = drf.DateField()
    trained_on = drf.CharField()
    status = drf.CharField()
    reason = drf.CharField()


class ResourceListSerializer(drf.Serializer):
    cutoff = drf.DateField(allow_null=True, help_text="Released on or before this date.")
    approved = ResourceSerializer(many=True)
    declared_by_your_team = ResourceSerializer(
        many=True, required=False, help_text="For a participant: the team's declarations."
    )


class ReportSerializer(drf.ModelSerializer):
    team = drf.CharField(source="team.name")

    class Meta:
        model = Report
        fields = ["team", "original_filename", "pages", "size", "uploaded_at"]


class DescriptionView(APIView):
    """A system's description: `GET` for its team and organizers, for everyone after the
    reveal; `PUT` (YAML, as the body or a `description` field) for its team."""

    throttle_classes = throttles.DEFAULT
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    def _system(self, slug, phase, team):
        phase = get_phase(slug, phase)
        return phase, get_team(phase.competition, team)

    @extend_schema(responses={200: DescriptionSerializer, 404: ErrorsSerializer})
    def get(self, request, slug, phase, team, system_name):
        phase, team = self._system(slug, phase, team)
        found = SystemDescription.objects.filter(
            phase=phase, team=team, system_name=system_name
        ).first()
        if found is None or not may_see_team_material(request.user, team, phase):
            raise Http404(NO_DESCRIPTION)
        return Response(DescriptionSerializer(found).data)

    @extend_schema(
        request={"text/plain": str, "multipart/form-data": None},
        responses={200: DescriptionSerializer, 400: ErrorsSerializer, 409: ErrorsSerializer},
    )
    def put(self, request, slug, phase, team, system_name):
        phase, team = self._system(slug, phase, team)
        if not (is_member(request.user, team) or is_organizer(request.user)):
            return errors(f"Only the members of {team.name} describe its systems.", code=403)
        if phase.is_revealed:
            return errors(
                f"The {phase.kind} phase is revealed: its descriptions are final.", code=409
            )
        if not Submission.objects.filter(phase=phase, team=team, system_name=system_name).exists():
            raise Http404(f"{team.name} has no system {system_name} in the {phase.kind} phase.")
        try:
            text = _yaml_from(request)
            if text is None:
                return errors("Send the description as YAML (the body, or a description field).")
            stored = descriptions.give(phase, team, system_name, text, request.user)
        except SubmissionError as exc:
            return errors(*exc.messages())
        return Response(DescriptionSerializer(stored).data)


def _yaml_from(request):
    """The YAML of a PUT: a `description` field (text or file) or the raw body."""
    content_type = request.content_type or ""
    if content_type.startswith(("multipart/", "application/x-www-form-urlencoded")):
        return read_description(request.data.get("description"))
    if content_type.startswith("application/json"):
        value = request.data.get("description") if isinstance(request.data, dict) else None
        return value if isinstance(value, str) and value else None
    body = request.body
    return body or None


class ResourcesView(APIView):
    """The competition's approved resources (`GET`, public; a team member also sees its
    own declarations and their review); `POST` declares one for the caller's team."""

    throttle_classes = throttles.DEFAULT
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(responses=ResourceListSerializer)
    def get(self, request, slug):
        competition = get_competition(slug)
        data = {
            "cutoff": competition.resource_cutoff,
            "approved": ResourceSerializer(resources.approved(competition), many=True).data,
        }
        team = team_of(request.user, competition)
        if team is not None:
            data["declared_by_your_team"] = ResourceSerializer(
                team.resources.filter(competition=competition).order_by("-declared_at"),
                many=True,
            ).data
        return Response(data)

    @extend_schema(
        request=ResourceSerializer,
        responses={201: ResourceSerializer, 400: ErrorsSerializer},
    )
    def post(self, request, slug):
        competition = get_competition(slug)
        if not hasattr(request.data, "get"):
            return errors("Send the declaration as an object (JSON) or a form.")
        team = submitting.team_for(request.user, competition)
        try:
            declared = resources.declare(competition, team, request.data, request.user)
        except resources.ResourceError as exc:
            return errors(*exc.errors)
        return Response(ResourceSerializer(declared).data, status=status.HTTP_201_CREATED)


class ReportView(APIView):
    """The caller's team's technical report: `GET` its details, `POST` a PDF (field
    `file`, at most REPORT_MAX_BYTES) that replaces it."""

    permission_classes = [IsAuthenticated]
    throttle_classes = throttles.UPLOADS
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: ReportSerializer, 404: ErrorsSerializer})
    def get(self, request, slug):
        competition = get_competition(slug)
        team = team_of(request.user, competition)
        report = Report.objects.filter(team=team, competition=competition).first()
        if team is None or report is None:
            raise Http404("Your team has no report yet.")
        return Response(ReportSerializer(report).data)

    @extend_schema(
        request={"multipart/form-data": None},
        responses={201: ReportSerializer, 400: OpenApiResponse(ErrorsSerializer)},
    )
    def post(self, request, slug):
        competition = get_competition(slug)
        try:
            report = reports.take_upload(request, competition, request.FILES.get("file"))
        except SubmissionError as exc:
            return errors(*exc.messages())
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    def handle_exception(self, exc):
        if isinstance(exc, RequestDataTooBig):
            return errors(too_large_message(getattr(self.request, "upload_too_large", None)))
        return super().handle_exception(exc)


class CensusView(APIView):
    """The census of the phase's final systems' descriptions (organizers; everyone after
    the reveal)."""

    permission_classes = [AllowAny]
    throttle_classes = throttles.DEFAULT

    @extend_schema(responses={200: dict, 404: ErrorsSerializer})
    def get(self, request, slug, phase):
        phase = get_phase(slug, phase)
        if not may_see_census(request.user, phase):
            return errors(
                f"The census of the {phase.kind} phase is published with its results.", code=403
            )
        return Response(census.census(phase))
