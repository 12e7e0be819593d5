"""Shared direction (issue 17): each partner organisation signing up to the approved plan,
what each partner brings and can take on (its profile, capacity and decision dates), and
what organisations outside the partnership contribute to an objective. Written only by
`core.services.partners`."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .fields import TEXT, LimitedCharField, LimitedTextField, YearRule
from .monitoring import MONEY
from .people import Organisation, Partnership, User
from .plans import Objective, Plan


class PlanSignUp(models.Model):
    """One partner organisation's answer to an approved version of the plan. One per
    version and organisation; it may change while that version is the approved one."""

    class State(models.TextChoices):
        AGREED = "agreed", "Agreed"
        AGREED_WITH_COMMENTS = "agreed_with_comments", "Agreed, with comments"
        CONCERN = "concern", "Concern raised"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sign_ups")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="plan_sign_ups"
    )
    state = models.CharField(max_length=24, choices=State.choices)
    comment = LimitedTextField(blank=True, max_length=TEXT)
    signed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "organisation"], name="one_sign_up_per_plan_and_organisation"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["agreed", "agreed_with_comments", "concern"]),
                name="sign_up_state_valid",
            ),
            # Agreeing with comments, or raising a concern, says what they are.
            models.CheckConstraint(
                condition=Q(state="agreed") | ~Q(comment=""),
                name="sign_up_comment_when_not_plain_agreement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_state_display()} ({self.plan})"


class PartnerProfile(models.Model):
    """What drives one partner organisation, when it plans and sets its budget, and what
    it can commit to the partnership this year. One per partnership and organisation."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="partner_profiles"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partner_profiles"
    )
    statutory_duties = LimitedTextField(
        blank=True,
        max_length=TEXT,
        help_text="The duties the law places on it that bear on this work.",
    )
    own_plans = LimitedTextField(
        "its own plans and targets",
        blank=True,
        max_length=TEXT,
        help_text="Its own plans, and the targets it must meet, that this work touches.",
    )
    planning_cycle = LimitedTextField(
        "planning and budget timescales",
        blank=True,
        max_length=TEXT,
        help_text="When it plans and when it sets its budget.",
    )
    capacity_year = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[YearRule()],
        help_text="The financial year the capacity is stated for, e.g. 2025 for 2025/26.",
    )
    capacity_people = models.DecimalField(
        "people (full-time equivalent)",
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
    )
    capacity_money = models.DecimalField("money (£)", null=True, blank=True, **MONEY)
    max_actions = models.PositiveSmallIntegerField(
        "most actions it can lead at once", null=True, blank=True
    )
    board_decisions = LimitedTextField(
        "decisions it needs from its own board",
        blank=True,
        max_length=TEXT,
    )
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"], name="one_profile_per_partner"
            ),
            models.CheckConstraint(
                condition=Q(capacity_people__isnull=True) | Q(capacity_people__gte=0),
                name="profile_people_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(capacity_money__isnull=True) | Q(capacity_money__gte=0),
                name="profile_money_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.partnership}"


class PartnerDecisionDate(models.Model):
    """A date on which the partner's own board or budget process decides something, e.g.
    "Board approves budget"."""

    profile = models.ForeignKey(
        PartnerProfile, on_delete=models.CASCADE, related_name="decision_dates"
    )
    date = models.DateField()
    what = LimitedCharField(max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["profile", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.date:%-d %B %Y}: {self.what}"


class OutsideContribution(models.Model):
    """What an organisation that is not a member of the partnership gives to one of its
    objectives: money, people, data, venues or something else."""

    class Kind(models.TextChoices):
        MONEY = "money", "Money"
        PEOPLE = "people", "People"
        DATA = "data", "Data"
        VENUES = "venues", "Venues"
        OTHER = "other", "Other"

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="outside_contributions"
    )
    organisation_name = LimitedCharField("organisation", max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = LimitedTextField(max_length=TEXT)
    amount = models.DecimalField("amount (£)", null=True, blank=True, **MONEY)
    year = models.PositiveIntegerField(
        validators=[YearRule()], help_text="Financial year it starts, e.g. 2025 for 2025/26."
    )
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["objective", "year", "organisation_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["money", "people", "data", "venues", "other"]),
                name="contribution_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | (Q(kind="money") & Q(amount__gte=0)),
                name="contribution_amount_only_for_money",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_name}: {self.get_kind_display()} for {self.objective}"


__all__ = ["OutsideContribution", "PartnerDecisionDate", "PartnerProfile", "PlanSignUp"]
