"""Mail for the discussion, rendered by the worker: a reply in a followed topic, an
announcement. Each notice goes to a user at most once (accounts.notices.notify)."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts import mail
from accounts.notices import notify
from discussion.models import Post, Topic


def _link(topic, post=None) -> str:
    path = reverse("discussion:topic", args=[topic.competition.slug, topic.pk])
    return mail.site_url(path + (f"#post-{post.pk}" if post else ""))


def reply_notices(post_id: int) -> int:
    post = (
        Post.objects.filter(pk=post_id, hidden=False)
        .select_related("topic__competition", "author")
        .first()
    )
    if post is None or post.topic.hidden:
        return 0
    followers = post.topic.followers.exclude(pk=post.author_id)
    context = {"post": post, "topic": post.topic, "link": _link(post.topic, post)}
    return notify(
        mail.recipients("notify_replies", followers),
        f"post:{post.pk}",
        "discussion/mail/reply",
        context,
    )


def announcement_notices(topic_id: int) -> int:
    topic = Topic.objects.filter(pk=topic_id, is_announcement=True, hidden=False).first()
    if topic is None:
        return 0
    post = topic.posts.order_by("created_at", "id").first()
    users = get_user_model().objects.filter(is_active=True)
    context = {"post": post, "topic": topic, "link": _link(topic)}
    return notify(
        mail.recipients("notify_announcements", users),
        f"announcement:{topic.pk}",
        "discussion/mail/announcement",
        context,
    )
