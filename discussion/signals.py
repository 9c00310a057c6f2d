"""The overview page shows the latest announcements through competition's hook."""

from django.dispatch import receiver
from django.template.loader import render_to_string

from competition.signals import overview_sections
from discussion.models import Topic


@receiver(overview_sections)
def latest_announcements(sender, competition, request, **kwargs):
    topics = Topic.objects.filter(
        competition=competition, is_announcement=True, hidden=False
    ).order_by("-created_at")[:3]
    context = {"competition": competition, "topics": topics}
    return render_to_string("discussion/_announcements.html", context, request=request)
