"""What a team gives besides its predictions (issue 13): a description per system, the
external resources it declares, and its technical report. Imported by competition.models,
so Django finds them in the competition app."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from competition.models import Competition, Phase, Team


class SystemDescription(models.Model):
    """A system's (team, phase, system name) description, as XACLE's YAML keys: the latest
    one given stands."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="descriptions")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="descriptions")
    system_name = models.CharField(max_length=100)
    # The checked fields (scoring.description.Description.as_dict()).
    content = models.JSONField()
    yaml = models.TextField(help_text="As the team wrote it.")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "phase", "system_name"], name="one_description_per_system"
            )
        ]
        ordering = ["phase", "team", "system_name"]

    def __str__(self):
        return f"{self.team} / {self.system_name} ({self.phase.kind})"


class ResourceDeclaration(models.Model):
    """An external data set or pretrained model a team declares; organizers approve or
    reject it, with a reason the team sees. Only approved ones may be named in a
    description."""

    DATASET, MODEL = "dataset", "model"
    KINDS = [(DATASET, "Data set"), (MODEL, "Pretrained model")]
    PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
    STATUSES = [(PENDING, "Pending"), (APPROVED, "Approved"), (REJECTED, "Rejected")]

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="resources")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="resources"
    )
    kind = models.CharField(max_length=10, choices=KINDS)
    name = models.CharField(max_length=200)
    url = models.URLField(max_length=500)
    release_date = models.DateField()
    trained_on = models.CharField(
        max_length=500, blank=True, help_text="For a model: the data it was trained on."
    )
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    reason = models.TextField(blank=True, help_text="Shown to the team that declared it.")
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    declared_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["competition", "kind", "name"]
        indexes = [models.Index(fields=["competition", "status"])]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()}, {self.status})"


def _report_path(report, filename):
    return f"reports/{report.competition.slug}/{filename}"


class Report(models.Model):
    """A team's technical report (one per competition; a new upload replaces it)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="reports")
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to=_report_path, max_length=300)
    original_filename = models.CharField(max_length=255)
    pages = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "competition"], name="one_report_per_team")
        ]

    def __str__(self):
        return f"Report of {self.team} ({self.pages} pages)"
