"""The shapes outside tools rely on (see issue 4): change them only compatibly."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from competition import names
from competition.access import shown_reason, visible_scores
from competition.models import Competition, Phase, Split, Submission


class MetricsSerializer(serializers.Serializer):
    """The four metrics, and the number of pairs they cover: at full precision, except the
    public split of a cut test phase before the reveal (PUBLIC_SCORE_DECIMALS)."""

    srcc = serializers.FloatField()
    lcc = serializers.FloatField()
    ktau = serializers.FloatField()
    mse = serializers.FloatField()
    n = serializers.IntegerField()


class ScoreSerializer(MetricsSerializer):
    split = serializers.CharField(source="split.name")


class SubmissionSerializer(serializers.ModelSerializer):
    competition = serializers.CharField(source="phase.competition.slug")
    phase = serializers.CharField(source="phase.kind")
    team = serializers.CharField(source="team.name")
    scores = serializers.SerializerMethodField()
    late = serializers.BooleanField(
        source="is_late", help_text="Made after the close: never ranked; scores after the reveal."
    )
    final = serializers.BooleanField(
        source="selected_for_final", help_text="Marked final by the team."
    )
    disqualified = serializers.CharField(
        source="disqualified_reason", help_text="The reason, when it is disqualified; else ''."
    )
    reason = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id",
            "competition",
            "phase",
            "team",
            "system_name",
            "status",
            "reason",
            "submitted_at",
            "scores",
            "late",
            "final",
            "disqualified",
        ]

    @extend_schema_field(ScoreSerializer(many=True))
    def get_scores(self, submission):
        # The one filter every reader of scores goes through: hidden splits stay hidden.
        scores = visible_scores(submission, self.context["request"].user)
        return ScoreSerializer(scores, many=True).data

    def get_reason(self, submission) -> str:
        """Why it failed, or notes on the scores the caller may see."""
        return shown_reason(submission, visible_scores(submission, self.context["request"].user))


class SubmissionUploadSerializer(serializers.Serializer):
    """The multipart form of an upload (documentation: the view reads the fields itself,
    so that every problem comes back in the same `errors` list as on the web form)."""

    file = serializers.FileField(help_text="The CSV: wav_file_name,prediction_score")
    system_name = serializers.CharField(max_length=64, help_text=names.SYSTEM_NAME_RULE)


class ErrorsSerializer(serializers.Serializer):
    errors = serializers.ListField(child=serializers.CharField())
    code = serializers.CharField(
        required=False,
        help_text="Why, for programs: phase_closed, phase_not_open, quota_exceeded.",
    )


class RowSerializer(MetricsSerializer):
    rank = serializers.IntegerField(
        allow_null=True, help_text="The rank of the view asked for; None for a baseline row."
    )
    system_rank = serializers.IntegerField(
        allow_null=True, help_text="Among every ranked system; None for a baseline row."
    )
    team_rank = serializers.IntegerField(
        allow_null=True, help_text="Among each team's best system; None for the others."
    )
    no_members = serializers.BooleanField(help_text="Every member has left the team.")
    selection = serializers.CharField(
        help_text="After the close of a phase with a final selection: 'team' (chosen by the "
        "team) or 'auto' (chosen automatically); else ''."
    )
    team = serializers.CharField()
    system = serializers.CharField()
    submissions = serializers.IntegerField()
    last_submitted_at = serializers.DateTimeField()
    baseline = serializers.BooleanField()


class LeaderboardSerializer(serializers.Serializer):
    phase = serializers.CharField(source="phase.kind")
    split = serializers.CharField(source="split.name")
    by = serializers.CharField()
    hidden = serializers.BooleanField()
    reveal_planned_at = serializers.DateTimeField(source="phase.reveal_planned_at")
    total = serializers.IntegerField()
    rows = RowSerializer(many=True)


class SplitSerializer(serializers.ModelSerializer):
    visible = serializers.BooleanField(read_only=True, help_text="Shown to participants now.")
    size = serializers.IntegerField(read_only=True, help_text="Number of pairs.")

    class Meta:
        model = Split
        fields = ["name", "visibility", "visible", "size"]


class PhaseSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()
    splits = SplitSerializer(source="split_list", many=True)

    class Meta:
        model = Phase
        fields = [
            "kind",
            "state",
            "opens_at",
            "closes_at",
            "leaderboard",
            "reveal_planned_at",
            "ratings_published",
            "max_submissions_per_day",
            "max_submissions_total",
            "splits",
        ]

    def get_state(self, phase) -> str:
        return phase.state()


class QuotaSerializer(serializers.Serializer):
    per_day = serializers.IntegerField(allow_null=True, help_text="None: no daily limit.")
    total = serializers.IntegerField(allow_null=True, help_text="None: no total limit.")
    used_today = serializers.IntegerField(help_text="Since 00:00 UTC.")
    used_total = serializers.IntegerField()
    extra = serializers.IntegerField(help_text="Extra submissions granted, not yet used.")
    left_today = serializers.IntegerField(allow_null=True)
    left_total = serializers.IntegerField(allow_null=True)
    left = serializers.IntegerField(allow_null=True, help_text="Possible now; None: no limit.")
    next_at = serializers.DateTimeField(
        allow_null=True, help_text="When the next one is possible, if not now (UTC)."
    )


class NewSubmissionSerializer(SubmissionSerializer):
    """The answer to an upload: the submission, and the team's quota left after it."""

    quota = QuotaSerializer(read_only=True)

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "quota"]


class FinalsSerializer(serializers.Serializer):
    max_final = serializers.IntegerField(help_text="0: no final selection.")
    selected = serializers.IntegerField()
    closes_at = serializers.DateTimeField(allow_null=True)
    open = serializers.BooleanField()


class PhaseDetailSerializer(PhaseSerializer):
    """One phase, with the requesting team's quota and final selection."""

    quota = serializers.SerializerMethodField()
    finals = serializers.SerializerMethodField()

    class Meta(PhaseSerializer.Meta):
        fields = [*PhaseSerializer.Meta.fields, "accept_late", "max_final",
                  "final_selection_closes_at", "quota", "finals"]  # fmt: skip

    @extend_schema_field(QuotaSerializer(allow_null=True))
    def get_quota(self, phase):
        quota = self.context.get("quota")
        return None if quota is None else QuotaSerializer(quota.as_dict()).data

    @extend_schema_field(FinalsSerializer(allow_null=True))
    def get_finals(self, phase):
        finals = self.context.get("finals")
        return None if finals is None else FinalsSerializer(finals.as_dict()).data


class CompetitionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Competition
        fields = ["slug", "title"]


class CompetitionSerializer(serializers.ModelSerializer):
    phases = PhaseSerializer(many=True, source="phase_list")

    class Meta:
        model = Competition
        fields = ["slug", "title", "description", "rules", "resource_cutoff", "phases"]
