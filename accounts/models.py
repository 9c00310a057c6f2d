"""What a participant keeps for themself: API tokens (stored hashed by knox), a confirmed
e-mail address and the notices they asked for."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from knox.models import AuthToken


class TokenInfo(models.Model):
    """What knox does not keep about its token (only a SHA-512 digest of the key is stored
    there): the owner's name for it and when it was last used."""

    token = models.OneToOneField(AuthToken, on_delete=models.CASCADE, related_name="info")
    name = models.CharField(max_length=60, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name or 'token'} {self.token.token_key[:8]}… of {self.token.user}"


class Profile(models.Model):
    """One per user, made on first need. An account is *verified* while the address that
    was confirmed by a link is still the account's address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    confirmed_email = models.EmailField(blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Every notice is opt-in.
    notify_submissions = models.BooleanField(
        "my team's submissions are scored or fail", default=False
    )
    notify_phases = models.BooleanField("a phase opens, closes or is revealed", default=False)
    notify_replies = models.BooleanField("someone replies in a topic I follow", default=False)
    notify_announcements = models.BooleanField("the organizers post an announcement", default=False)

    def __str__(self):
        return f"profile of {self.user}"

    @property
    def verified(self) -> bool:
        email = (self.user.email or "").strip().lower()
        return bool(email) and email == self.confirmed_email.strip().lower()


class SentNotice(models.Model):
    """A notice claimed for a user before it is sent, so a task that runs twice (or a
    rescore) never sends the same notice twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_notice_per_key")]

    def __str__(self):
        return f"{self.key} to {self.user}"


class PhaseEvent(models.Model):
    """A phase's opening, closing or reveal, recorded once it was noticed (and announced to
    those who asked)."""

    OPENED, CLOSED, REVEALED = "opened", "closed", "revealed"
    EVENTS = [(OPENED, "opened"), (CLOSED, "closed"), (REVEALED, "revealed")]

    phase = models.ForeignKey("competition.Phase", on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=10, choices=EVENTS)
    noticed_at = models.DateTimeField(default=timezone.now)
    announced = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["phase", "event"], name="one_event_per_phase")
        ]

    def __str__(self):
        return f"{self.phase} {self.event}"
