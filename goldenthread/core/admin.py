"""The admin is where the performance team (and the council's system administrators)
keep organisations, people, memberships and strategic plans. It is not a second way round
the product's rules: the plan tree, indicators, targets and results are read only here
(with their history, from django-simple-history), as are partners' profiles and
sign-ups, contributions from outside and health checks (never their answers), because
they change only through the product's pages, whose services check every rule
(approving a plan, locking a signed-off quarter); publishing and closing a partnership
are the product's too; only a superuser grants admin rights
(core.access.may_grant_admin_rights); and deleting a partnership with a record to keep
is refused (core.models.deletion), with "close it instead".

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
from django.core.exceptions import PermissionDenied
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from .access import may_change_person, may_grant_admin_rights
from .models import (
    Action,
    HealthCheck,
    Indicator,
    LibraryIndicator,
    LibraryResult,
    Membership,
    Objective,
    Organisation,
    Outcome,
    OutsideContribution,
    PartnerDecisionDate,
    PartnerProfile,
    Partnership,
    Plan,
    PlanSignUp,
    Result,
    Risk,
    StrategicPlan,
    Target,
    User,
)
from .models.fields import FigureFormField

admin.site.site_header = "Golden Thread administration"
admin.site.site_title = "Golden Thread"


ADMIN_RIGHTS = ("is_staff", "is_superuser", "groups", "user_permissions")


# A figure with more decimal places than kept is rounded by the one rule
# (core.models.fields.DECIMALS_RULE, shown as the field's help text), not refused as
# Django's own decimal box would.
FIGURES = {models.DecimalField: {"form_class": FigureFormField}}


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Shown with its history, changed only through the product's pages."""

    formfield_overrides = FIGURES

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.StackedInline):
    extra = 0
    formfield_overrides = FIGURES

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not may_grant_admin_rights(request.user):
            fields = (*fields, *ADMIN_RIGHTS)
        return fields

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and not may_change_person(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and not may_change_person(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        # Read-only fields cannot be posted, but a rule this important is checked again.
        if not may_grant_admin_rights(request.user):
            before = User.objects.filter(pk=obj.pk).values("is_staff", "is_superuser").first()
            now = {"is_staff": obj.is_staff, "is_superuser": obj.is_superuser}
            if now != (before or {"is_staff": False, "is_superuser": False}):
                raise PermissionDenied("Only a superuser grants staff or superuser status.")
        super().save_model(request, obj, form, change)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """Groups carry permissions: only a superuser changes them."""

    filter_horizontal = ()

    def has_add_permission(self, request) -> bool:
        return may_grant_admin_rights(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return may_grant_admin_rights(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return may_grant_admin_rights(request.user)


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
    list_display = ("name", "lead_organisation", "lead_link_officer", "closed_on")
    search_fields = ("name",)
    inlines = [MembershipInline]
    # Publishing (the lead's publishing page) and closing (the partnership's closing page)
    # go through their services, which record who and why.
    readonly_fields = ("is_public", "closed_on", "closed_reason")


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


class ObjectiveInline(ReadOnlyInline):
    model = Objective
    fields = ("ref", "title", "owner", "deadline", "order")
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("title", "partnership", "version", "status", "first_year", "last_year")
    list_filter = ("status", "partnership")
    readonly_fields = ("approved_at",)
    inlines = [ObjectiveInline]


class ActionInline(ReadOnlyInline):
    model = Action
    fields = ("ref", "title", "owner", "lead_organisation", "start_date", "due_date", "state")


@admin.register(Objective)
class ObjectiveAdmin(ReadOnlyAdmin):
    list_display = ("ref", "title", "plan", "owner", "deadline")
    list_filter = ("plan__partnership",)
    search_fields = ("ref", "title")
    inlines = [ActionInline]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ("ref", "title", "objective", "owner", "due_date", "state")
    list_filter = ("state", "objective__plan__partnership")
    search_fields = ("ref", "title")


@admin.register(Risk)
class RiskAdmin(ReadOnlyAdmin):
    list_display = (
        "ref",
        "title",
        "partnership",
        "inherent_score",
        "residual_score",
        "review_date",
    )
    list_filter = ("partnership", "is_open")


class TargetInline(ReadOnlyInline):
    model = Target
    fields = ("period", "value", "upper")


class ResultInline(ReadOnlyInline):
    model = Result
    fields = ("period", "value", "not_available", "note", "commentary")


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "partnership", "frequency", "polarity", "owner")
    list_filter = ("partnership", "frequency", "polarity")
    search_fields = ("code", "title")
    inlines = [TargetInline, ResultInline]


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "period", "value", "upper")
    list_filter = ("indicator__partnership",)


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "period", "value", "not_available")
    list_filter = ("indicator__partnership",)


class LibraryResultInline(ReadOnlyInline):
    model = LibraryResult
    fields = ("period", "value", "not_available", "not_available_reason", "note", "entered_by")


@admin.register(LibraryIndicator)
class LibraryIndicatorAdmin(ReadOnlyAdmin):
    """Read only, with its history: a change here must reach every plan that uses it, in
    one transaction, as the library's pages do (services.library)."""

    list_display = ("code", "title", "frequency", "polarity", "owner")
    search_fields = ("code", "title", "metric_reference")
    inlines = [LibraryResultInline]


class PartnerDecisionDateInline(ReadOnlyInline):
    model = PartnerDecisionDate
    fields = ("date", "what")


@admin.register(PartnerProfile)
class PartnerProfileAdmin(ReadOnlyAdmin):
    """Read only, with its history: kept by the partnership's leads and the partner's own
    representatives on the partnership's pages (services.partners)."""

    list_display = ("organisation", "partnership", "capacity_year", "max_actions")
    list_filter = ("partnership",)
    inlines = [PartnerDecisionDateInline]


@admin.register(PlanSignUp)
class PlanSignUpAdmin(ReadOnlyAdmin):
    """Each partner organisation's answer to an approved plan: given only by its own
    representatives, on the plan's page (services.partners)."""

    list_display = ("organisation", "plan", "state", "signed_by", "signed_at")
    list_filter = ("state", "plan__partnership")
    readonly_fields = ("signed_at",)


@admin.register(OutsideContribution)
class OutsideContributionAdmin(ReadOnlyAdmin):
    list_display = ("organisation_name", "kind", "objective", "year", "amount")
    list_filter = ("kind", "objective__plan__partnership")
    search_fields = ("organisation_name", "description")


@admin.register(HealthCheck)
class HealthCheckAdmin(ReadOnlyAdmin):
    """The checks themselves only. Their answers are not shown here at all: an anonymous
    answer must not be tied to a person, nor shown before the check closes with enough
    answers (core.health_check), and one row at a time could do both."""

    list_display = ("partnership", "year", "state", "opens_on", "closes_on", "anonymous")
    list_filter = ("state", "partnership")
    readonly_fields = ("closed_at",)


# django-allauth's own models (sign-in e-mail addresses, organisations' sign-in links,
# second factors, sessions): a superuser can see them and remove one (a lost phone's
# authenticator, a stale session), but their date-times are allauth's to set, shown rather
# than edited, for the same reason as ours above. Tokens from identity providers are not
# kept (SOCIALACCOUNT_STORE_TOKENS), so their admin is not offered. Called from
# CoreConfig.ready, after the admin has found every app's admin module.
ALLAUTH_APPS = {"account", "socialaccount", "mfa", "usersessions"}


def tidy_allauth_admin() -> None:
    from allauth.socialaccount.models import SocialToken
    from django.db.models import DateTimeField

    if admin.site.is_registered(SocialToken):
        admin.site.unregister(SocialToken)
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ALLAUTH_APPS:
            continue
        shown = list(model_admin.readonly_fields)
        shown += [
            field.name
            for field in model._meta.fields
            if isinstance(field, DateTimeField) and field.name not in shown
        ]
        model_admin.readonly_fields = tuple(shown)
