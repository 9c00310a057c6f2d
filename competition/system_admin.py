"""The admin of what teams give besides predictions: organizers review declared resources
(approve, or reject with a reason the team sees) and read descriptions and reports."""

from django import forms
from django.contrib import admin, messages

from competition import resources
from competition.models import Report, ResourceDeclaration, SystemDescription


class ReviewForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https")

    class Meta:
        model = ResourceDeclaration
        fields = ["competition", "team", "kind", "name", "url", "release_date", "trained_on",
                  "status", "reason"]  # fmt: skip

    def clean(self):
        data = super().clean()
        rejected = data.get("status") == ResourceDeclaration.REJECTED
        if rejected and not data.get("reason", "").strip():
            self.add_error("reason", "Say why it is rejected: the team sees the reason.")
        return data


@admin.register(ResourceDeclaration)
class ResourceDeclarationAdmin(admin.ModelAdmin):
    form = ReviewForm
    list_display = ["name", "kind", "competition", "team", "release_date", "status", "reason"]
    list_filter = ["competition", "status", "kind"]
    search_fields = ["name", "team__name", "url"]
    raw_id_fields = ["team"]

    def get_readonly_fields(self, request, obj=None):
        # Reviewing, not reassigning: whose declaration it is stays as declared.
        fixed = ["declared_by", "declared_at", "reviewed_at"]
        return fixed if obj is None else ["competition", "team", *fixed]

    actions = ["approve"]

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data or "reason" in form.changed_data:
            resources.review(obj, obj.status == ResourceDeclaration.APPROVED, obj.reason)
            if obj.status == ResourceDeclaration.PENDING:
                obj.reviewed_at = None
        super().save_model(request, obj, form, change)

    @admin.action(description="Approve (to reject, open one and give the reason)")
    def approve(self, request, queryset):
        for declaration in queryset:
            resources.review(declaration, True, declaration.reason)
        self.message_user(request, f"{queryset.count()} approved.", messages.SUCCESS)


@admin.register(SystemDescription)
class SystemDescriptionAdmin(admin.ModelAdmin):
    list_display = ["system_name", "team", "phase", "updated_at"]
    list_filter = ["phase"]
    search_fields = ["system_name", "team__name"]
    readonly_fields = ["team", "phase", "system_name", "content", "yaml", "updated_at",
                       "updated_by"]  # fmt: skip


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["team", "competition", "pages", "size", "uploaded_at"]
    list_filter = ["competition"]
    readonly_fields = ["team", "competition", "file", "original_filename", "pages", "size",
                       "uploaded_at", "uploaded_by"]  # fmt: skip
