from django.urls import path

from discussion import feeds, views

app_name = "discussion"

urlpatterns = [
    path("c/<slug:slug>/discussion/", views.topic_list, name="topics"),
    path("c/<slug:slug>/discussion/new/", views.topic_new, name="topic_new"),
    path("c/<slug:slug>/discussion/<int:topic_id>/", views.topic_detail, name="topic"),
    path("c/<slug:slug>/discussion/<int:topic_id>/follow/", views.topic_follow, name="follow"),
    path(
        "c/<slug:slug>/discussion/<int:topic_id>/moderate/",
        views.topic_moderate,
        name="topic_moderate",
    ),
    path(
        "c/<slug:slug>/announcements.atom",
        feeds.AnnouncementsFeed(),
        name="announcements_feed",
    ),
    path("discussion/posts/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("discussion/posts/<int:post_id>/moderate/", views.post_moderate, name="post_moderate"),
]
