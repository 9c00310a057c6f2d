from django.contrib import admin, messages
from django.db import transaction

from competition import scorer, standings, tasks
from competition.models import (
    Competition,
    Item,
    Membership,
    Phase,
    Rating,
    Score,
    Split,
    Submission,
    Team,
)
from competition.ratings import means_changed


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0
    fields = ["kind", "opens_at", "closes_at", "leaderboard", "max_submissions_per_day",
              "max_submissions_total", "ratings_published"]  # fmt: skip


@admin.register(Competition)
class CompetitionAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "resource_cutoff", "created_at"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PhaseInline]


class SplitInline(admin.TabularInline):
    model = Split
    extra = 0
    fields = ["name", "visibility"]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "opens_at", "closes_at", "leaderboard", "truth_version"]
    list_filter = ["competition", "kind", "leaderboard"]
    readonly_fields = ["truth_version"]
    inlines = [SplitInline]
    actions = ["reveal"]

    @admin.action(description="Reveal the leaderboard (every split)")
    def reveal(self, request, queryset):
        count = queryset.update(leaderboard=Phase.REVEALED)
        self.message_user(request, f"{count} phases revealed.", messages.SUCCESS)


@admin.register(Split)
class SplitAdmin(admin.ModelAdmin):
    list_display = ["__str__", "visibility"]
    list_filter = ["phase__competition", "visibility"]
    readonly_fields = ["phase", "name"]
    exclude = ["items"]


class RatingInline(admin.TabularInline):
    model = Rating
    extra = 0


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["wav_file_name", "partition", "text", "mean_score", "n_ratings", "subsets"]
    list_filter = ["competition", "partition", "subsets"]
    search_fields = ["wav_file_name", "text"]
    readonly_fields = ["n_ratings"]
    inlines = [RatingInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A new mean (edited, or from edited ratings) must reach the workers and the scores.
        if any(formset.has_changed() for formset in formsets):
            requeued = means_changed([form.instance.pk])
        elif "mean_score" in form.changed_data:
            requeued = means_changed([form.instance.pk], recompute=False)
        else:
            requeued = 0
        if requeued:
            self.message_user(request, f"Ground truth changed: {requeued} submissions requeued.")


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["item", "listener_id", "score"]
    search_fields = ["item__wav_file_name", "listener_id"]
    raw_id_fields = ["item"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        means_changed([obj.item_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        means_changed([obj.item_id])

    def delete_queryset(self, request, queryset):
        items = list(queryset.values_list("item_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        means_changed(items)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "joined_at"]
    raw_id_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "competition", "is_organizer", "created_at"]
    list_filter = ["competition", "is_organizer"]
    search_fields = ["name", "members__username"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "competition", "joined_at"]
    list_filter = ["competition"]
    raw_id_fields = ["user", "team"]
    exclude = ["competition"]


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    readonly_fields = ["split", "srcc", "lcc", "ktau", "mse", "n", "constant_prediction"]
    can_delete = False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["pk", "team", "system_name", "phase", "status", "submitted_at", "is_baseline"]
    list_filter = ["phase__competition", "phase__kind", "status", "is_baseline"]
    search_fields = ["team__name", "system_name"]
    readonly_fields = [
        "predictions",
        "submitted_at",
        "queued_at",
        "scored_at",
        "scored_truth_version",
    ]
    raw_id_fields = ["team", "submitted_by"]
    inlines = [ScoreInline]
    actions = ["rescore"]

    def save_model(self, request, obj, form, change):
        before = (
            Submission.objects.filter(pk=obj.pk)
            .values_list("team_id", "phase_id", "system_name")
            .first()
        )
        super().save_model(request, obj, form, change)
        systems = {(obj.team_id, obj.phase_id, obj.system_name)} | ({before} if before else set())
        transaction.on_commit(lambda: standings.refresh(systems))

    @admin.action(description="Rescore through the workers")
    def rescore(self, request, queryset):
        ids = scorer.requeue(queryset)
        sent = tasks.enqueue(ids)
        self.message_user(request, f"{sent} of {len(ids)} submissions sent to the workers.")


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["submission", "split", "srcc", "lcc", "ktau", "mse", "n"]
    list_filter = ["split__phase__competition", "split__name"]
    raw_id_fields = ["submission"]
