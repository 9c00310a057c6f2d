from django.contrib import admin

from discussion.models import Post, Topic


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    # Bodies are rendered when written on the site; hide and unhide there too.
    fields = ["author", "body", "created_at", "hidden"]
    readonly_fields = ["author", "body", "created_at", "hidden"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "competition",
        "author",
        "last_activity_at",
        "is_announcement",
        "pinned",
        "locked",
        "hidden",
    ]
    list_filter = ["competition", "is_announcement", "locked", "hidden"]
    search_fields = ["title"]
    inlines = [PostInline]
    raw_id_fields = ["author", "followers"]
