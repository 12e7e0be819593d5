"""Quarterly monitoring: the reporting calendar, each partnership's return, progress
updates, risk reviews, corrective actions, finance and the reminders already sent."""

import datetime

from concurrency.fields import IntegerVersionField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from goldenthread.rules import ActionState, Period

from .deletion import keep_the_record
from .fields import LONG_TEXT, NOTE, TEXT, LimitedTextField, PeriodField, YearRule
from .indicators import Indicator
from .people import Partnership, User
from .plans import Action, Risk

MONEY = {"max_digits": 14, "decimal_places": 2}


def default_deadline(quarter: Period) -> datetime.date:
    """The last day of the month after the quarter ends (Q3, October to December, is due
    on 31 January)."""
    month_after = quarter.end + datetime.timedelta(days=1)
    following = (month_after.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


class ReportingRound(models.Model):
    """A quarter opened by the performance team for every partnership at once."""

    period = PeriodField(unique=True)
    deadline = models.DateField()
    opened_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period"]

    def __str__(self) -> str:
        return f"{self.period.label} monitoring"

    def get_absolute_url(self) -> str:
        return reverse("reporting_calendar")


class Return(models.Model):
    """A partnership's quarterly monitoring return: open → submitted (by the lead) →
    signed off, or returned with a reason (by the performance team) → resubmitted."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        SUBMITTED = "submitted", "Submitted"
        SIGNED_OFF = "signed_off", "Signed off"
        RETURNED = "returned", "Returned for changes"

    round = models.ForeignKey(ReportingRound, on_delete=keep_the_record, related_name="returns")
    partnership = models.ForeignKey(Partnership, on_delete=keep_the_record, related_name="returns")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    deadline = models.DateField()
    highlights = LimitedTextField(
        blank=True, help_text="What went well this quarter.", max_length=LONG_TEXT
    )
    exceptions = LimitedTextField(
        blank=True,
        help_text="What is off track, and what is being done.",
        max_length=LONG_TEXT,
    )
    draft = models.JSONField(
        default=dict,
        blank=True,
        help_text="What was typed but could not be saved yet, so nothing typed is lost.",
    )
    submitted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    returned_reason = LimitedTextField(blank=True, max_length=TEXT)
    version = IntegerVersionField()

    history = HistoricalRecords(excluded_fields=["version", "draft"])

    class Meta:
        ordering = ["-round__period", "partnership__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "partnership"], name="one_return_per_round"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "submitted", "signed_off", "returned"]),
                name="return_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} {self.period.label} return"

    def get_absolute_url(self) -> str:
        return reverse("return_detail", args=[self.pk])

    @property
    def period(self) -> Period:
        return self.round.period

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.RETURNED)

    def is_overdue(self, today: datetime.date) -> bool:
        """Still being written (open, or returned for changes) after its deadline day."""
        return self.is_editable and self.deadline < today

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.SIGNED_OFF

    @property
    def is_kept_record(self) -> bool:
        """Once submitted, a return is part of the record: never deleted."""
        return self.status != self.Status.OPEN or self.submitted_at is not None


class ActionUpdate(models.Model):
    """Progress on an action, as reported in a return."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    ret = models.ForeignKey(
        Return, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_updates"
    )
    state = models.CharField("status", max_length=12, choices=ActionState.choices())
    percent_complete = models.PositiveSmallIntegerField()
    commentary = LimitedTextField(blank=True, max_length=TEXT)
    by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["action", "-at"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "ret"], name="one_update_per_action_per_return"
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__lte=100), name="update_percent_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action.ref} update: {self.get_state_display()}, {self.percent_complete}%"


class RiskReview(models.Model):
    """A risk re-scored in a return."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    ret = models.ForeignKey(
        Return, null=True, blank=True, on_delete=models.SET_NULL, related_name="risk_reviews"
    )
    likelihood = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    note = LimitedTextField(blank=True, max_length=NOTE)
    next_review = models.DateField()
    by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["risk", "-at"]
        constraints = [
            models.UniqueConstraint(fields=["risk", "ret"], name="one_review_per_risk_per_return"),
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="review_scores_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.risk.ref} review: {self.likelihood} × {self.impact}"


class CorrectiveAction(models.Model):
    """What will change to bring a red result back on track: the problem-solving, not
    blame, that the brief asks for. One per indicator per return; tracked to closure:
    each later return asks for its progress until it is closed, and closing it asks
    whether it worked."""

    class Status(models.TextChoices):
        OPEN = "open", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        CLOSED = "closed", "Closed"

    class Worked(models.TextChoices):
        YES = "yes", "Yes, it worked"
        PARTLY = "partly", "Partly"
        NO = "no", "No, it did not work"

    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="corrective_actions")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="corrective_actions"
    )
    period = PeriodField()
    description = LimitedTextField("what will change", max_length=TEXT)
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    progress = LimitedTextField(
        blank=True, max_length=TEXT, help_text="The latest word on how it is going."
    )
    worked = models.CharField("did it work?", max_length=8, choices=Worked.choices, blank=True)
    closing_note = LimitedTextField(blank=True, max_length=TEXT)
    closed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["ret", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["ret", "indicator", "period"], name="one_corrective_action_per_result"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_progress", "closed"]),
                name="corrective_action_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False)
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="corrective_action_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Corrective action for {self.indicator.code} {self.period}"

    @property
    def is_complete(self) -> bool:
        return (
            bool(self.description.strip())
            and self.owner_id is not None
            and self.due_date is not None
        )


class CorrectiveActionUpdate(models.Model):
    """Progress on a corrective action, as reported in a later return."""

    corrective_action = models.ForeignKey(
        CorrectiveAction, on_delete=models.CASCADE, related_name="updates"
    )
    ret = models.ForeignKey(
        Return,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrective_action_updates",
    )
    status = models.CharField(max_length=12, choices=CorrectiveAction.Status.choices)
    progress = LimitedTextField(max_length=TEXT)
    by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["corrective_action", "-at"]
        constraints = [
            models.UniqueConstraint(
                fields=["corrective_action", "ret"],
                name="one_update_per_corrective_action_per_return",
            )
        ]

    def __str__(self) -> str:
        return f"{self.corrective_action} update: {self.get_status_display()}"


class Budget(models.Model):
    """What the partnership (or one action) has to spend in a financial year."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveIntegerField(
        validators=[YearRule()], help_text="Financial year it starts, e.g. 2025 for 2025/26."
    )
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.CASCADE, related_name="budgets"
    )
    amount = models.DecimalField(**MONEY)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "year"],
                condition=Q(action__isnull=True),
                name="one_budget_per_year",
            ),
            models.UniqueConstraint(
                fields=["partnership", "year", "action"],
                condition=Q(action__isnull=False),
                name="one_action_budget_per_year",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Budget {self.year}: {self.amount}"


class Spend(models.Model):
    """What was spent in a quarter, for the partnership or one action."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="spends")
    period = PeriodField()
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.CASCADE, related_name="spends"
    )
    amount = models.DecimalField(**MONEY)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "period"],
                condition=Q(action__isnull=True),
                name="one_spend_per_quarter",
            ),
            models.UniqueConstraint(
                fields=["partnership", "period", "action"],
                condition=Q(action__isnull=False),
                name="one_action_spend_per_quarter",
            ),
            # A refund corrects the quarter it refunds (services.finance says why).
            models.CheckConstraint(condition=Q(amount__gte=0), name="spend_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Spend {self.period}: {self.amount}"


class ReminderSent(models.Model):
    """A reminder e-mailed, so the daily job never sends the same one twice."""

    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=30)
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ret", "kind", "recipient"], name="one_reminder_of_a_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder to {self.recipient}"


__all__ = [
    "ActionUpdate",
    "Budget",
    "CorrectiveAction",
    "CorrectiveActionUpdate",
    "ReminderSent",
    "ReportingRound",
    "Return",
    "RiskReview",
    "Spend",
    "default_deadline",
]
