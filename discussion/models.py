"""A competition's discussion: topics with replies; organizers' announcements are topics
too (pinned, marked, mailed to those who asked). It knows users and competitions only."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from competition.models import Competition

EDIT_WINDOW = timedelta(minutes=30)


class Topic(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    is_announcement = models.BooleanField(default=False)
    pinned = models.BooleanField(default=False)
    locked = models.BooleanField(default=False, help_text="No more replies.")
    # Hidden with its opening post: then only organizers (and the author) see it.
    hidden = models.BooleanField(default=False)
    followers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    class Meta:
        ordering = ["-pinned", "-last_activity_at", "-id"]
        indexes = [models.Index(fields=["competition", "-pinned", "-last_activity_at"])]

    def __str__(self):
        return self.title


class Post(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(help_text="Markdown.")
    # The body rendered and sanitized once, when it is written.
    body_html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"post {self.pk} in {self.topic}"

    def editable_by(self, user, now=None) -> bool:
        now = now or timezone.now()
        return (
            user.is_authenticated
            and user.pk == self.author_id
            and not self.hidden
            and now - self.created_at <= EDIT_WINDOW
        )
