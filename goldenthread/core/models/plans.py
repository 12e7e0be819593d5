import datetime

from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from simple_history.models import HistoricalRecords

from goldenthread.rules import ActionState, Frequency, Period, periods_in_years

from .fields import LONG_TEXT, TEXT, LimitedCharField, LimitedTextField, PeriodField, YearRule
from .people import Organisation, Partnership, User
from .strategy import Outcome


class Plan(models.Model):
    """A partnership's written plan for a span of financial years. Each revision is a
    new version; at most one version of a partnership's plan is approved at a time."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        SUPERSEDED = "superseded", "Superseded"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveIntegerField(default=1)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="revisions"
    )
    title = LimitedCharField(max_length=200)
    vision = LimitedTextField(blank=True, max_length=TEXT)
    key_issues = LimitedTextField(
        blank=True, help_text="The key issues the plan addresses.", max_length=LONG_TEXT
    )
    first_year = models.PositiveIntegerField(
        validators=[YearRule()], help_text="Financial year it starts, e.g. 2024 for 2024/25."
    )
    last_year = models.PositiveIntegerField(
        validators=[YearRule()], help_text="Financial year it ends, e.g. 2026 for 2026/27."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    revision_reason = LimitedTextField(blank=True, max_length=TEXT)
    approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "version"], name="plan_version_unique"),
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(status="approved"),
                name="one_approved_plan_per_partnership",
            ),
            # One revision at a time, so nobody edits a draft that another replaces.
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(status="draft"),
                name="one_draft_plan_per_partnership",
            ),
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")), name="plan_years_in_order"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "approved", "superseded"]),
                name="plan_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version}, {self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("plan_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def periods(self, frequency: Frequency) -> list[Period]:
        """Every period of the plan's span at the given frequency."""
        return periods_in_years(frequency, self.first_year, self.last_year)

    def covers(self, period: Period) -> bool:
        return self.first_year <= period.year <= self.last_year

    @property
    def years_label(self) -> str:
        first = Period(Frequency.ANNUAL, self.first_year, 1)
        last = Period(Frequency.ANNUAL, self.last_year, 1)
        return first.label if first == last else f"{first.label} to {last.label}"


class Objective(models.Model):
    """What the partnership sets out to achieve, traced to strategic outcomes. `ref`
    stays the same across plan versions so a revision can be compared with the last."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    ref = LimitedCharField("reference", max_length=20)
    title = LimitedCharField(max_length=300)
    description = LimitedTextField(blank=True, max_length=TEXT)
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_objectives"
    )
    lead_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deadline = models.DateField(null=True, blank=True)
    outcomes = models.ManyToManyField(Outcome, blank=True, related_name="objectives")
    indicators = models.ManyToManyField("Indicator", blank=True, related_name="objectives")
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords(m2m_fields=[outcomes, indicators])

    class Meta:
        ordering = ["plan", "order", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "ref"], name="objective_ref_unique_in_plan")
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class ActionQuerySet(models.QuerySet):
    def overdue(self, today: datetime.date) -> "ActionQuerySet":
        # The SQL twin of rules.is_overdue, so counts need no rows in Python; a test
        # checks that both agree.
        return self.filter(due_date__lt=today).exclude(
            state__in=[ActionState.COMPLETED, ActionState.CANCELLED]
        )

    def in_current_plans(self) -> "ActionQuerySet":
        return self.filter(objective__plan__status=Plan.Status.APPROVED)


class Action(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    ref = LimitedCharField("reference", max_length=20)
    title = LimitedCharField(max_length=300)
    description = LimitedTextField(blank=True, max_length=TEXT)
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_actions"
    )
    lead_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_actions"
    )
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    state = models.CharField(
        "status",
        max_length=12,
        choices=ActionState.choices(),
        default=ActionState.NOT_STARTED.value,
    )
    percent_complete = models.PositiveSmallIntegerField(default=0)
    completed_on = models.DateField(null=True, blank=True)
    closed_reason = LimitedTextField(blank=True, max_length=TEXT)
    raised_at = models.ForeignKey(
        "ReviewMeeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        help_text="The review meeting this action came out of, if any.",
    )

    history = HistoricalRecords()
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["objective", "due_date", "ref"]
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "ref"], name="action_ref_unique_in_objective"
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(due_date__isnull=True)
                | Q(due_date__gte=F("start_date")),
                name="action_dates_in_order",
                violation_error_message="The due date must be on or after the start date.",
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__lte=100), name="action_percent_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in ActionState]), name="action_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def action_state(self) -> ActionState:
        return ActionState(self.state)

    def is_overdue(self, today: datetime.date) -> bool:
        from goldenthread.rules import is_overdue

        return is_overdue(state=self.action_state, due=self.due_date, today=today)


class Risk(models.Model):
    """A risk to the partnership's aims, scored likelihood × impact (1–5 each) before
    (inherent) and after (residual) mitigation."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="risks")
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="risks"
    )
    ref = LimitedCharField("reference", max_length=20)
    title = LimitedCharField(max_length=300)
    cause = LimitedTextField(blank=True, max_length=TEXT)
    consequence = LimitedTextField(blank=True, max_length=TEXT)
    inherent_likelihood = models.PositiveSmallIntegerField()
    inherent_impact = models.PositiveSmallIntegerField()
    residual_likelihood = models.PositiveSmallIntegerField()
    residual_impact = models.PositiveSmallIntegerField()
    mitigation = LimitedTextField(blank=True, max_length=TEXT)
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_risks"
    )
    review_date = models.DateField(null=True, blank=True)
    is_open = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "ref"], name="risk_ref_unique"),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(
                    F("inherent_likelihood") * F("inherent_impact"),
                    F("residual_likelihood") * F("residual_impact"),
                ),
                name="risk_residual_not_above_inherent",
                violation_error_message="The residual score must not be above the inherent score.",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"risk_{name}_1_to_5",
                    violation_error_message="Scores run from 1 to 5.",
                )
                for name in (
                    "inherent_likelihood",
                    "inherent_impact",
                    "residual_likelihood",
                    "residual_impact",
                )
            ],
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def inherent_score(self) -> int:
        return self.inherent_likelihood * self.inherent_impact

    @property
    def residual_score(self) -> int:
        return self.residual_likelihood * self.residual_impact


class PlanTarget(models.Model):
    """A target as a plan version sets it. Drafts propose targets here; approving the
    plan writes them to the indicator's live `Target`s, which results are measured
    against. Every version keeps its own, so two versions can be compared."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(
        "Indicator", on_delete=models.CASCADE, related_name="plan_targets"
    )
    period = PeriodField()
    value = models.DecimalField(max_digits=18, decimal_places=6)
    upper = models.DecimalField(
        "upper edge of the band", null=True, blank=True, max_digits=18, decimal_places=6
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "indicator", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "indicator", "period"], name="one_plan_target_per_period"
            ),
            models.CheckConstraint(
                condition=Q(upper__isnull=True) | Q(upper__gte=F("value")),
                name="plan_target_band_in_order",
                violation_error_message="The upper edge of the band must not be below the target.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value}"


class Milestone(models.Model):
    """A dated step towards an action, so progress can be seen before the due date."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = LimitedCharField(max_length=300)
    due_date = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class SmartWaiver(models.Model):
    """The recorded reason for approving a plan although the SMART check found a
    failure: one per failure, so the board can see what it knowingly accepted."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="smart_waivers")
    subject = LimitedCharField(
        max_length=300, help_text="What failed, e.g. “O2” or “CS03 2026/27”."
    )
    criterion = LimitedCharField(max_length=20)
    failure = LimitedTextField(max_length=TEXT)
    reason = LimitedTextField(max_length=TEXT)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return f"{self.subject} {self.criterion}: {self.reason[:40]}"
