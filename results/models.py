"""Stored analysis: what the pages and the exports read. Computed by workers and organizer
commands (results.analysis, results.subsets), never by a page."""

import numpy as np
from django.db import models
from django.utils import timezone

from competition.models import Metrics, Phase, Split, Submission, Team


class Analysis(models.Model):
    """The paired bootstrap and the human ceiling of one split, as last computed."""

    split = models.OneToOneField(Split, on_delete=models.CASCADE, related_name="analysis")
    computed_at = models.DateTimeField(default=timezone.now)
    resamples = models.PositiveIntegerField()
    level = models.FloatField()
    seed = models.IntegerField(default=0)
    items = models.PositiveIntegerField()
    # float32 (S, S) win probabilities, rows and columns in SystemInterval.position order.
    win = models.BinaryField(default=b"")
    ceiling_reliability = models.FloatField(null=True, blank=True)
    ceiling_srcc = models.FloatField(null=True, blank=True)
    ceiling_items = models.PositiveIntegerField(default=0)
    ceiling_ratings = models.PositiveIntegerField(default=0)
    ceiling_splits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "analyses"

    def __str__(self):
        return f"analysis of {self.split}"

    def win_matrix(self) -> np.ndarray:
        raw = np.frombuffer(bytes(self.win), dtype=np.float32)
        size = int(round(len(raw) ** 0.5))
        return raw.reshape(size, size)

    @property
    def ceiling(self) -> dict | None:
        if self.ceiling_srcc is None:
            return None
        return {
            "reliability": self.ceiling_reliability,
            "srcc": self.ceiling_srcc,
            "items": self.ceiling_items,
            "ratings": self.ceiling_ratings,
            "splits": self.ceiling_splits,
        }


class SystemInterval(models.Model):
    """One system's SRCC on the analysed split with its bootstrap interval and group."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="systems")
    position = models.PositiveIntegerField(help_text="Board order, and index in the win matrix.")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    system_name = models.CharField(max_length=100)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    srcc = models.FloatField()
    low = models.FloatField()
    high = models.FloatField()
    group = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: a baseline.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["analysis", "position"], name="one_interval_per_place")
        ]
        ordering = ["analysis", "position"]

    def __str__(self):
        return f"{self.system_name}: {self.srcc:.4f} [{self.low:.4f}, {self.high:.4f}]"

    @property
    def in_leader_group(self) -> bool:
        return self.group == 1


class SubsetScore(Metrics):
    """A submission's metrics on the items of one split that carry one subset label
    (natural, synthetic, synthetic/<TTA model>): analysis only, never a rank."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="subset_scores"
    )
    split = models.ForeignKey(Split, on_delete=models.CASCADE, related_name="+")
    subset = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "split", "subset"], name="one_score_per_subset"
            )
        ]

    def __str__(self):
        return f"{self.submission} on {self.split.name} / {self.subset}"


class PendingAnalysis(models.Model):
    """A phase whose scores changed since its analysis: one row while a debounced
    recomputation is on its way (the row is the claim; the task deletes it)."""

    phase = models.OneToOneField(Phase, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"analysis of {self.phase} pending since {self.since}"
