from django.contrib import admin

from accounts.models import PhaseEvent, Profile, TokenInfo


@admin.register(TokenInfo)
class TokenInfoAdmin(admin.ModelAdmin):
    # knox's own admin lists the tokens; this adds their names and last use.
    list_display = ["token", "name", "last_used_at"]
    search_fields = ["token__user__username", "name", "token__token_key"]
    readonly_fields = ["token", "last_used_at"]

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
