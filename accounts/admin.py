from django.contrib import admin

from accounts.models import ApiToken, PhaseEvent, Profile


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    # Only digests are stored: a token is made by its owner's page or drf_create_token.
    list_display = ["user", "name", "token_key", "created", "last_used_at", "expiry"]
    search_fields = ["user__username", "name", "token_key"]
    readonly_fields = ["user", "token_key", "digest", "created", "last_used_at"]
    fields = ["user", "name", "token_key", "created", "last_used_at", "expiry"]

    def has_add_permission(self, request):
        return False


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "confirmed_email", "confirmed_at", "notify_submissions",
                    "notify_phases", "notify_replies", "notify_announcements"]  # fmt: skip
    search_fields = ["user__username", "confirmed_email"]
    raw_id_fields = ["user"]


@admin.register(PhaseEvent)
class PhaseEventAdmin(admin.ModelAdmin):
    list_display = ["phase", "event", "noticed_at", "announced"]
