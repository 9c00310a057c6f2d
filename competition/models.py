"""The competition's data: what is judged (items, ratings), who competes (teams), what they
send (submissions) and what it scored (scores per split)."""

import secrets
from datetime import datetime

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from competition import names


class Competition(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    rules = models.TextField(blank=True)
    resource_cutoff = models.DateField(
        null=True,
        blank=True,
        help_text="External data and pretrained models must have been released on or before "
        "this date.",
    )
    dataset_root = models.CharField(
        max_length=500,
        blank=True,
        help_text="The XACLE_dataset folder the items were imported from.",
    )
    max_team_size = models.PositiveIntegerField(
        default=5, help_text="Members a team may have at most; 0: no limit."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class Phase(models.Model):
    VALIDATION, TEST = "validation", "test"
    KINDS = [(VALIDATION, "Validation"), (TEST, "Test")]
    LIVE, HIDDEN, REVEALED = "live", "hidden", "revealed"
    LEADERBOARD_STATES = [
        (LIVE, "Live: public splits shown"),
        (HIDDEN, "Hidden until revealed"),
        (REVEALED, "Revealed: every split shown"),
    ]

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(max_length=20, choices=KINDS)
    opens_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField(null=True, blank=True)
    leaderboard = models.CharField(max_length=10, choices=LEADERBOARD_STATES, default=LIVE)
    reveal_planned_at = models.DateTimeField(
        null=True, blank=True, help_text="Shown to participants while the leaderboard is hidden."
    )
    max_submissions_per_day = models.PositiveIntegerField(null=True, blank=True)
    max_submissions_total = models.PositiveIntegerField(null=True, blank=True)
    ratings_published = models.BooleanField(
        default=False, help_text="Participants may download this phase's ratings."
    )
    public_fraction = models.FloatField(
        null=True, blank=True, help_text="Share of the items in the public split; empty: not cut."
    )
    # Drawn with `secrets` when the phase is first cut and kept across imports: which test
    # items are public can neither be guessed nor derived from ids or the import order.
    split_seed = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Bumped whenever the phase's ratings change, so workers drop their cached truth.
    truth_version = models.PositiveIntegerField(default=1)
    revealed_at = models.DateTimeField(null=True, blank=True)
    accept_late = models.BooleanField(
        default=False,
        help_text="Take submissions after the close until the reveal, marked late and kept "
        "out of every leaderboard.",
    )
    # Filled from DEFAULT_MAX_FINAL on creation when left empty.
    max_final = models.PositiveIntegerField(
        blank=True,
        help_text="Submissions a team may mark as final; 0: no selection (every system is "
        "ranked). Empty: 4 for the test phase, 0 for validation.",
    )
    final_selection_closes_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty: when the phase closes. May be later."
    )
    require_description = models.BooleanField(
        default=False,
        help_text="Every final system (the systems that enter the ranking) needs a description.",
    )
    # Which rule the standings were last built under (see competition.standings): a phase
    # that closes on its own clock has its standings rebuilt on the next read.
    standings_rule = models.CharField(max_length=10, default="open", editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["competition", "kind"], name="one_phase_per_kind")
        ]
        ordering = ["competition", "kind"]

    def __str__(self):
        return f"{self.competition.slug} / {self.kind}"

    UPCOMING, OPEN, CLOSED = "upcoming", "open", "closed"
    DEFAULT_MAX_FINAL = {VALIDATION: 0, TEST: 4}

    def save(self, *args, **kwargs):
        if self.max_final is None:
            self.max_final = self.DEFAULT_MAX_FINAL.get(self.kind, 0)
        super().save(*args, **kwargs)

    @property
    def is_revealed(self) -> bool:
        return self.leaderboard == self.REVEALED

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.is_revealed:
            return False
        return self.opens_at <= now and (self.closes_at is None or now < self.closes_at)

    def state(self, now=None) -> str:
        """upcoming before opens_at, open until closes_at, closed after it, revealed after
        the reveal (which closes it)."""
        now = now or timezone.now()
        if self.is_revealed:
            return self.REVEALED
        if now < self.opens_at:
            return self.UPCOMING
        return self.OPEN if self.is_open(now) else self.CLOSED

    def deadlines(self) -> list[tuple[str, datetime]]:
        """The phase's dated events, as (what happens, when)."""
        name = self.get_kind_display()
        events = [(f"{name} phase opens", self.opens_at)]
        if self.closes_at:
            events.append((f"{name} phase closes", self.closes_at))
        if self.max_final and self.final_selection_closes_at:
            events.append((f"{name} final selection closes", self.final_selection_closes_at))
        if self.reveal_planned_at and not self.is_revealed:
            events.append((f"{name} results revealed", self.reveal_planned_at))
        return events

    def selection_closes_at(self):
        """When teams stop choosing their finals: the phase's own setting, else its close."""
        return self.final_selection_closes_at or self.closes_at

    def selection_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.max_final == 0 or self.is_revealed:
            return False
        deadline = self.selection_closes_at()
        return deadline is None or now < deadline

    def ranks_finals_only(self, now=None) -> bool:
        """Whether only the teams' final systems (chosen, else automatic) enter the ranking:
        once a phase with a final selection has closed."""
        return self.max_final > 0 and self.state(now) in (self.CLOSED, self.REVEALED)

    def items(self):
        """The phase's items in their canonical order: predictions are stored in it."""
        return Item.objects.filter(
            competition_id=self.competition_id, partition=self.kind
        ).order_by("wav_file_name")

    def is_split_visible(self, split: "Split") -> bool:
        if self.leaderboard == self.REVEALED:
            return True
        return self.leaderboard == self.LIVE and split.visibility == Split.PUBLIC

    def default_split(self) -> "Split":
        """The split a leaderboard shows when none is named: the whole phase where it is
        not cut; where it is cut, the public part until the reveal and the private after."""
        splits = list(self.splits.all())
        if len(splits) == 1:
            return splits[0]
        wanted = Split.PRIVATE if self.leaderboard == self.REVEALED else Split.PUBLIC
        return next((s for s in splits if s.visibility == wanted), splits[0])


class Split(models.Model):
    PUBLIC, PRIVATE = "public", "private"
    VISIBILITIES = [
        (PUBLIC, "Public: shown while the leaderboard is live"),
        (PRIVATE, "Private: shown only after the reveal"),
    ]

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="splits")
    name = models.SlugField(max_length=30)
    visibility = models.CharField(max_length=10, choices=VISIBILITIES, default=PUBLIC)
    items = models.ManyToManyField("Item", related_name="splits")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["phase", "name"], name="split_name_per_phase")
        ]
        ordering = ["phase", "id"]

    def __str__(self):
        return f"{self.phase} / {self.name}"


class Item(models.Model):
    """An audio-text pair, keyed by its wav_file_name."""

    TRAIN, VALIDATION, TEST = "train", "validation", "test"
    PARTITIONS = [(TRAIN, "Train"), (VALIDATION, "Validation"), (TEST, "Test")]

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="items")
    wav_file_name = models.CharField(max_length=100)
    text = models.TextField()
    audio_path = models.CharField(max_length=500, help_text="Relative to the dataset root.")
    partition = models.CharField(max_length=20, choices=PARTITIONS)
    subsets = models.CharField(
        max_length=200, blank=True, help_text="Comma-separated labels, e.g. synthetic/AudioLDM."
    )
    mean_score = models.FloatField(null=True, blank=True)
    n_ratings = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "wav_file_name"], name="item_per_competition"
            )
        ]
        indexes = [models.Index(fields=["competition", "partition", "wav_file_name"])]
        ordering = ["wav_file_name"]

    def __str__(self):
        return self.wav_file_name


class Rating(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="ratings")
    listener_id = models.CharField(max_length=100)
    score = models.FloatField()

    class Meta:
        ordering = ["item", "listener_id"]

    def __str__(self):
        return f"{self.item} by {self.listener_id}: {self.score}"


def _invite_code() -> str:
    return secrets.token_urlsafe(9)


class Team(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=100)
    # names.canonical(name), unique per competition: no team can take a look-alike name,
    # not even two requests racing for it.
    name_key = models.CharField(max_length=names.MAX_CANONICAL, editable=False)
    invite_code = models.CharField(max_length=32, unique=True, default=_invite_code)
    is_organizer = models.BooleanField(
        default=False, help_text="Holds reference systems such as the baseline."
    )
    created_at = models.DateTimeField(default=timezone.now)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "name"], name="team_name_per_competition"
            ),
            models.UniqueConstraint(
                fields=["competition", "name_key"], name="team_name_key_per_competition"
            ),
        ]
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = names.canonical(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        """The admin's check: no control or invisible characters, no look-alike name."""
        try:
            names.clean_display_name(self.name, "team name", 100)
        except ValidationError as error:
            raise ValidationError({"name": error})
        if (
            self.competition_id
            and self.look_alikes(self.competition, self.name).exclude(pk=self.pk).exists()
        ):
            raise ValidationError({"name": TAKEN_TEAM_NAME})

    @classmethod
    def look_alikes(cls, competition, name: str):
        """Teams of the competition whose name is `name` once canonical."""
        return cls.objects.filter(competition=competition, name_key=names.canonical(name))


TAKEN_TEAM_NAME = "A team with this name, or one that looks the same, already exists."


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    # Denormalised so the database itself keeps one team per user per competition.
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "competition"], name="one_team_per_competition")
        ]

    def __str__(self):
        return f"{self.user} in {self.team}"

    def save(self, *args, **kwargs):
        self.competition_id = self.team.competition_id
        super().save(*args, **kwargs)


def _submission_path(submission, filename):
    return f"submissions/{submission.phase.competition.slug}/{submission.phase.kind}/{filename}"


class Submission(models.Model):
    QUEUED, SCORING, SCORED, FAILED = "queued", "scoring", "scored", "failed"
    STATUSES = [(QUEUED, "Queued"), (SCORING, "Scoring"), (SCORED, "Scored"), (FAILED, "Failed")]

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="submissions")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="submissions")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    system_name = models.CharField(max_length=100)
    file = models.FileField(upload_to=_submission_path, max_length=300)
    original_filename = models.CharField(max_length=255)
    # float64 predictions in the phase's canonical item order (Phase.items()).
    predictions = models.BinaryField()
    status = models.CharField(max_length=10, choices=STATUSES, default=QUEUED)
    reason = models.TextField(blank=True, help_text="Shown to the participant.")
    submitted_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(default=timezone.now, help_text="Queued for scoring since.")
    sent_at = models.DateTimeField(null=True, blank=True, help_text="Last sent again by the sweep.")
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker last began scoring it."
    )
    scored_at = models.DateTimeField(null=True, blank=True)
    scored_truth_version = models.PositiveIntegerField(null=True, blank=True)
    is_baseline = models.BooleanField(default=False)
    selected_for_final = models.BooleanField(default=False)
    is_late = models.BooleanField(
        default=False,
        help_text="Made after the close: scored, shown to its team after the reveal, never ranked.",
    )
    # Taken beyond the phase's limits with one of the team's extra grants.
    used_grant = models.BooleanField(default=False)
    disqualified_reason = models.TextField(
        blank=True, help_text="Not empty: disqualified, off every board; shown to the team."
    )

    class Meta:
        indexes = [
            models.Index(fields=["phase", "status"]),
            models.Index(fields=["team", "phase", "submitted_at"]),
            models.Index(fields=["status", "queued_at"]),
        ]
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"#{self.pk} {self.team} / {self.system_name}"

    def prediction_array(self) -> np.ndarray:
        return np.frombuffer(bytes(self.predictions), dtype=np.float64)

    @property
    def is_disqualified(self) -> bool:
        return bool(self.disqualified_reason)


class Disqualification(models.Model):
    """A whole team out of a phase's ranking, with the reason shown to it."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="disqualifications")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="disqualifications")
    reason = models.TextField(help_text="Shown to the team.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "phase"], name="one_disqualification")
        ]

    def __str__(self):
        return f"{self.team} out of {self.phase}"


class QuotaGrant(models.Model):
    """Extra submissions an organizer gives a team for a phase, beyond its limits."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="quota_grants")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="quota_grants")
    extra = models.PositiveIntegerField()
    note = models.CharField(max_length=300, help_text="Why, for the record.")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.extra} more for {self.team} in {self.phase}"


class IdempotentSubmit(models.Model):
    """The first answer to a submit carrying an Idempotency-Key, kept per user so that a
    client retrying after a lost answer gets it again instead of a second submission."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # A digest of the request (where it went, its fields and its file): the same key with
    # anything else is a client error, not a replay.
    fingerprint = models.CharField(max_length=64)
    submission = models.ForeignKey(
        "Submission", null=True, on_delete=models.CASCADE, related_name="+"
    )
    body = models.JSONField(help_text="The first answer, replayed as it was.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_submit_per_idempotency_key")
        ]

    def __str__(self):
        return f"{self.key} of {self.user_id}"


class Beacon(models.Model):
    """The last time a piece of background work ran (e.g. "sweep"), for health checks."""

    name = models.CharField(max_length=50, primary_key=True)
    at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def mark(cls, name: str) -> None:
        cls.objects.update_or_create(name=name, defaults={"at": timezone.now()})

    @classmethod
    def last(cls, name: str):
        return cls.objects.filter(name=name).values_list("at", flat=True).first()


class Metrics(models.Model):
    """The four metrics of a submission on a set of items (a split, or a subset of one)."""

    srcc = models.FloatField()
    lcc = models.FloatField()
    ktau = models.FloatField()
    mse = models.FloatField()
    n = models.PositiveIntegerField()
    constant_prediction = models.BooleanField(default=False)

    class Meta:
        abstract = True


class Score(Metrics):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="scores")
    split = models.ForeignKey(Split, on_delete=models.CASCADE, related_name="scores")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "split"], name="one_score_per_split")
        ]
        indexes = [models.Index(fields=["split", "-srcc", "-lcc", "-ktau", "mse"])]

    def __str__(self):
        return f"{self.submission} on {self.split.name}: SRCC {self.srcc:.4f}"


class Standing(models.Model):
    """A system's place on one split's leaderboard: its best scored submission, kept up to
    date by the scorer so that a leaderboard page is an indexed read, whatever the number of
    submissions. `team_best` marks the row the by-team view shows."""

    split = models.ForeignKey(Split, on_delete=models.CASCADE, related_name="standings")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    system_name = models.CharField(max_length=100)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    srcc = models.FloatField()
    lcc = models.FloatField()
    ktau = models.FloatField()
    mse = models.FloatField()
    n = models.PositiveIntegerField()
    submitted_at = models.DateTimeField()
    is_baseline = models.BooleanField(default=False)
    submissions = models.PositiveIntegerField(help_text="Scored submissions of this system.")
    last_submitted_at = models.DateTimeField()
    team_best = models.BooleanField(default=False)
    # How the system entered a closed phase's ranking: chosen by its team, or automatically.
    CHOSEN, AUTOMATIC = "team", "auto"
    selection = models.CharField(max_length=10, blank=True)
    team_submissions = models.PositiveIntegerField(default=0)
    team_last_submitted_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["split", "team", "system_name"], name="one_standing_per_system"
            )
        ]
        indexes = [
            models.Index(
                "split",
                models.F("srcc").desc(),
                models.F("lcc").desc(),
                models.F("ktau").desc(),
                "mse",
                "submitted_at",
                "submission",
                name="standing_order",
            ),
            models.Index(
                "split",
                "team_best",
                models.F("srcc").desc(),
                models.F("lcc").desc(),
                models.F("ktau").desc(),
                "mse",
                "submitted_at",
                "submission",
                name="standing_team_order",
            ),
        ]

    def __str__(self):
        return f"{self.team} / {self.system_name} on {self.split}"


# The systems' descriptions, declared resources and reports live in their own module.
from competition.system_models import (  # noqa: E402, F401
    Report,
    ResourceDeclaration,
    SystemDescription,
)
