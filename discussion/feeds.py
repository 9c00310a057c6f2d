from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from competition.access import get_competition
from discussion.models import Topic


class AnnouncementsFeed(Feed):
    """The organizers' announcements of one competition, newest first, as Atom."""

    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return get_competition(slug)

    def title(self, competition):
        return f"{competition.title}: announcements"

    def link(self, competition):
        return reverse("discussion:topics", args=[competition.slug])

    def subtitle(self, competition):
        return f"What the organizers of {competition.title} announce."

    def items(self, competition):
        return Topic.objects.filter(
            competition=competition, is_announcement=True, hidden=False
        ).order_by("-created_at")[:30]

    def item_title(self, topic):
        return topic.title

    def item_description(self, topic):
        first = topic.posts.filter(hidden=False).order_by("created_at", "id").first()
        return first.body_html if first else ""

    def item_link(self, topic):
        return reverse("discussion:topic", args=[topic.competition.slug, topic.pk])

    def item_pubdate(self, topic):
        return topic.created_at

    def item_author_name(self, topic):
        return "The organizers"
