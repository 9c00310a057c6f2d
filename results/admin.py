"""The stored analysis, read-only: it is computed (reveal, `manage.py analyse`, the
debounced worker task), never edited by hand."""

from django.contrib import admin

from results.models import Analysis, SystemInterval


class SystemIntervalInline(admin.TabularInline):
    model = SystemInterval
    extra = 0
    can_delete = False
    fields = ["position", "team", "system_name", "srcc", "low", "high", "group"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Analysis)
class AnalysisAdmin(admin.ModelAdmin):
    list_display = ["split", "computed_at", "resamples", "items", "ceiling_srcc"]
    list_select_related = ["split__phase__competition"]
    exclude = ["win"]
    readonly_fields = ["split", "computed_at", "resamples", "level", "seed", "items",
                       "ceiling_reliability", "ceiling_srcc", "ceiling_items",
                       "ceiling_ratings", "ceiling_splits"]  # fmt: skip
    inlines = [SystemIntervalInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
