"""Who may do what in the discussion, and doing it: one place for each rule, so the views
stay thin. Notices are queued for the worker on commit."""

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import mail
from competition import markdown
from competition.access import is_organizer
from competition.throttling import UserThrottle
from discussion.models import Post, Topic


class PostRateThrottle(UserThrottle):
    """New topics and replies per user (THROTTLE_POSTS); edits cost nothing."""

    scope = "posts"

    def get_rate(self):
        return settings.THROTTLE_POSTS


class Refused(Exception):
    """Why the user may not post now, in words for them."""


class Throttled(Refused):
    """Posting too fast; the page answers 429."""


NEEDS_ADDRESS = (
    "Posting needs a confirmed e-mail address: add or confirm one under E-mail and notices."
)


def may_post_as(user) -> bool:
    """Organizers, and participants with a confirmed address."""
    return user.is_authenticated and (is_organizer(user) or mail.is_verified(user))


def check_may_post(request):
    user = request.user
    if not user.is_authenticated:
        raise Refused("Log in to post.")
    if not may_post_as(user):
        raise Refused(NEEDS_ADDRESS)
    throttle = PostRateThrottle()
    if not throttle.allow_request(request, None):
        seconds = max(1, int(throttle.wait() or 1))
        raise Throttled(f"You are posting too fast. Try again in {seconds} seconds.")


def visible_topics(competition, user):
    topics = Topic.objects.filter(competition=competition)
    if not is_organizer(user):
        mine = {"author": user} if user.is_authenticated else {"pk__in": []}
        topics = topics.filter(hidden=False) | topics.filter(hidden=True, **mine)
    return topics


def get_topic_for_user(user, slug: str, topic_id: int) -> Topic:
    """The topic, or 404 for one that is missing, of another competition, or hidden from
    this user."""
    topic = get_object_or_404(
        Topic.objects.select_related("competition"), pk=topic_id, competition__slug=slug
    )
    if topic.hidden and not (is_organizer(user) or topic.author_id == user.pk):
        raise Http404("No such topic.")
    return topic


def visible_posts(topic, user):
    posts = topic.posts.select_related("author")
    if not is_organizer(user):
        mine = {"author": user} if user.is_authenticated else {"pk__in": []}
        posts = posts.filter(hidden=False) | posts.filter(hidden=True, **mine)
    return posts.order_by("created_at", "id")


def start_topic(competition, user, title, body, announcement=False) -> Topic:
    now = timezone.now()
    announcement = announcement and is_organizer(user)
    with transaction.atomic():
        topic = Topic.objects.create(
            competition=competition,
            title=title.strip(),
            author=user,
            created_at=now,
            last_activity_at=now,
            is_announcement=announcement,
            pinned=announcement,
        )
        Post.objects.create(
            topic=topic, author=user, body=body, body_html=markdown.render(body), created_at=now
        )
        topic.followers.add(user)
        if announcement:
            from discussion import tasks

            mail.later(tasks.announcement_notices, topic.pk)
    return topic


def reply(topic, user, body) -> Post:
    if topic.locked and not is_organizer(user):
        raise Refused("This topic is locked: it takes no more replies.")
    now = timezone.now()
    with transaction.atomic():
        post = Post.objects.create(
            topic=topic, author=user, body=body, body_html=markdown.render(body), created_at=now
        )
        Topic.objects.filter(pk=topic.pk).update(last_activity_at=now)
        topic.followers.add(user)
        from discussion import tasks

        mail.later(tasks.reply_notices, post.pk)
    return post


def edit(post, user, body):
    if not post.editable_by(user):
        raise Refused("A post can be edited by its author for 30 minutes.")
    if body == post.body:
        return  # saved unchanged: not marked edited
    post.body, post.body_html, post.edited_at = body, markdown.render(body), timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])


def set_hidden(post, hidden: bool):
    """Hide or unhide a post; hiding the opening post hides the topic."""
    with transaction.atomic():
        Post.objects.filter(pk=post.pk).update(hidden=hidden)
        first = post.topic.posts.order_by("created_at", "id").first()
        if first is not None and first.pk == post.pk:
            Topic.objects.filter(pk=post.topic_id).update(hidden=hidden)
