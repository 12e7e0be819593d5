"""The admin is the editing surface for the performance team until the product has
pages of its own for each area. Every change to the plan tree is kept by
django-simple-history (the "History" button on each object).

Accessibility (WCAG 2.2 AA, checked by axe-core in tests/browser/test_admin.py): inlines
are stacked, so every field has its own label (the tabular layout labels columns only);
many-to-many fields are plain multiple selects rather than the two-box filter widget,
whose icons carry a label they may not have; and date-times the product sets itself
(sign-ins, approval) are shown, not edited, as Django's split date-time input has no
label for its two boxes. gt/admin.css mends the rest.
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Action,
    Indicator,
    Membership,
    Objective,
    Organisation,
    Outcome,
    Partnership,
    Plan,
    Result,
    Risk,
    StrategicPlan,
    Target,
    User,
)

admin.site.site_header = "Golden Thread administration"
admin.site.site_title = "Golden Thread"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Golden Thread", {"fields": ("organisation", "job_title", "is_performance_team")}),
    )
    list_display = ("username", "first_name", "last_name", "organisation", "is_performance_team")
    list_filter = ("is_performance_team", "organisation", "is_active")
    filter_horizontal = ()
    readonly_fields = ("last_login", "date_joined")


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    filter_horizontal = ()


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)


class MembershipInline(admin.StackedInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("person", "organisation")


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ("name", "lead_organisation", "lead_link_officer")
    search_fields = ("name",)
    inlines = [MembershipInline]


class OutcomeInline(admin.StackedInline):
    model = Outcome
    extra = 0
    fields = ("code", "title", "parent")


@admin.register(StrategicPlan)
class StrategicPlanAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "first_year", "last_year")
    inlines = [OutcomeInline]


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "strategic_plan", "parent")
    list_filter = ("strategic_plan",)
    search_fields = ("code", "title")


class ObjectiveInline(admin.StackedInline):
    model = Objective
    extra = 0
    fields = ("ref", "title", "owner", "deadline", "order")
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ("title", "partnership", "version", "status", "first_year", "last_year")
    list_filter = ("status", "partnership")
    readonly_fields = ("approved_at",)
    inlines = [ObjectiveInline]


class ActionInline(admin.StackedInline):
    model = Action
    extra = 0
    fields = ("ref", "title", "owner", "lead_organisation", "start_date", "due_date", "state")


@admin.register(Objective)
class ObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ("ref", "title", "plan", "owner", "deadline")
    list_filter = ("plan__partnership",)
    search_fields = ("ref", "title")
    inlines = [ActionInline]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ("ref", "title", "objective", "owner", "due_date", "state")
    list_filter = ("state", "objective__plan__partnership")
    search_fields = ("ref", "title")


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = (
        "ref",
        "title",
        "partnership",
        "inherent_score",
        "residual_score",
        "review_date",
    )
    list_filter = ("partnership", "is_open")


class TargetInline(admin.StackedInline):
    model = Target
    extra = 0
    fields = ("period", "value", "upper")


class ResultInline(admin.StackedInline):
    model = Result
    extra = 0
    fields = ("period", "value", "not_available", "note", "commentary")


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title", "partnership", "frequency", "polarity", "owner")
    list_filter = ("partnership", "frequency", "polarity")
    search_fields = ("code", "title")
    inlines = [TargetInline, ResultInline]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ("indicator", "period", "value", "upper")
    list_filter = ("indicator__partnership",)


@admin.register(Result)
class ResultAdmin(SimpleHistoryAdmin):
    list_display = ("indicator", "period", "value", "not_available")
    list_filter = ("indicator__partnership",)
