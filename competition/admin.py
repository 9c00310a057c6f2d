from django.contrib import admin, messages
from django.db import transaction

from competition import dates, quotas, scorer, standings, tasks
from competition.models import (
    Competition,
    Disqualification,
    Item,
    Membership,
    Phase,
    QuotaGrant,
    Rating,
    Score,
    Split,
    Submission,
    Team,
)
from competition.ratings import means_changed
from competition.reveal import RevealError
from competition.reveal import reveal as reveal_phase


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0
    fields = ["kind", "opens_at", "closes_at", "leaderboard", "max_submissions_per_day",
              "max_submissions_total", "max_final", "accept_late", "ratings_published",
              "require_description"]  # fmt: skip


@admin.register(Competition)
class CompetitionAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "max_team_size", "resource_cutoff", "created_at"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PhaseInline]


class SplitInline(admin.TabularInline):
    model = Split
    extra = 0
    fields = ["name", "visibility"]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "state", "window", "quotas", "max_final", "accept_late",
                    "leaderboard", "truth_version"]  # fmt: skip
    list_filter = ["competition", "kind", "leaderboard"]
    readonly_fields = ["truth_version", "revealed_at"]
    inlines = [SplitInline]
    actions = ["reveal"]

    @admin.display(description="State")
    def state(self, phase):
        return phase.state()

    @admin.display(description="Window (UTC)")
    def window(self, phase):
        closes = dates.utc(phase.closes_at) if phase.closes_at else "no close"
        return f"{dates.utc(phase.opens_at)} → {closes}"

    @admin.display(description="Quotas")
    def quotas(self, phase):
        day = phase.max_submissions_per_day
        total = phase.max_submissions_total
        return f"{'∞' if day is None else day}/day, {'∞' if total is None else total} in all"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Dates and max_final decide who is ranked: the standings follow on the next read.
        transaction.on_commit(lambda: standings.ensure_current(obj))

    @admin.action(description="Reveal the results (closes the phase and its final selection)")
    def reveal(self, request, queryset):
        for phase in queryset:
            try:
                for note in reveal_phase(phase):
                    self.message_user(request, note, messages.SUCCESS)
            except RevealError as exc:
                self.message_user(request, str(exc), messages.ERROR)


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


class QuotaGrantInline(admin.TabularInline):
    model = QuotaGrant
    extra = 0
    fields = ["phase", "extra", "note", "created_at"]
    readonly_fields = ["created_at"]


class DisqualificationInline(admin.TabularInline):
    model = Disqualification
    extra = 0
    fields = ["phase", "reason", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "competition", "member_list", "submissions_used", "extra_granted",
                    "is_organizer", "created_at"]  # fmt: skip
    list_filter = ["competition", "is_organizer"]
    search_fields = ["name", "members__username"]
    inlines = [MembershipInline, QuotaGrantInline, DisqualificationInline]

    @admin.display(description="Members")
    def member_list(self, team):
        names = [m.user.get_username() for m in team.memberships.select_related("user")]
        return ", ".join(names) or "(no members)"

    @admin.display(description="Submissions used")
    def submissions_used(self, team):
        counts = []
        for phase in team.competition.phases.all():
            counts.append(f"{phase.kind} {quotas.made_by(phase, team).count()}")
        return ", ".join(counts)

    @admin.display(description="Extra granted")
    def extra_granted(self, team):
        return (
            ", ".join(
                f"{grant.phase.kind} +{grant.extra}"
                for grant in team.quota_grants.select_related("phase")
            )
            or "-"
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A disqualification added or lifted: the team's standings follow.
        team = form.instance
        phases = set(team.submissions.values_list("phase_id", flat=True))
        transaction.on_commit(
            lambda: standings.refresh_teams({(team.pk, phase) for phase in phases})
        )


@admin.register(Disqualification)
class DisqualificationAdmin(admin.ModelAdmin):
    list_display = ["team", "phase", "reason", "created_at"]
    list_filter = ["phase__competition", "phase__kind"]
    raw_id_fields = ["team"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: standings.refresh_teams({(obj.team_id, obj.phase_id)}))

    def delete_model(self, request, obj):
        key = (obj.team_id, obj.phase_id)
        super().delete_model(request, obj)
        transaction.on_commit(lambda: standings.refresh_teams({key}))


@admin.register(QuotaGrant)
class QuotaGrantAdmin(admin.ModelAdmin):
    list_display = ["team", "phase", "extra", "note", "created_at"]
    list_filter = ["phase__competition", "phase__kind"]
    raw_id_fields = ["team"]


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
    list_display = ["pk", "team", "system_name", "phase", "status", "submitted_at", "is_baseline",
                    "is_late", "selected_for_final", "disqualified"]  # fmt: skip
    list_filter = ["phase__competition", "phase__kind", "status", "is_baseline", "is_late",
                   "selected_for_final"]  # fmt: skip

    @admin.display(boolean=True, description="Disqualified")
    def disqualified(self, submission):
        return submission.is_disqualified

    search_fields = ["team__name", "system_name"]
    # The file and its predictions are the team's: an organizer rescores, never replaces.
    readonly_fields = [
        "file",
        "original_filename",
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


# Resources, descriptions and reports (issue 13) have their own admin module.
from competition import system_admin  # noqa: E402, F401
