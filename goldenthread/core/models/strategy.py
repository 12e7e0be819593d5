from django.db import models
from django.db.models import Q

from .fields import TEXT, LimitedCharField, LimitedTextField, YearRule


class StrategicPlan(models.Model):
    """A council-wide high-level plan (Community Strategy, Corporate Plan, Local Area
    Agreement) whose outcomes partnership objectives trace back to: the golden thread."""

    class Kind(models.TextChoices):
        COMMUNITY_STRATEGY = "community_strategy", "Community Strategy"
        CORPORATE_PLAN = "corporate_plan", "Corporate Plan"
        LOCAL_AREA_AGREEMENT = "laa", "Local Area Agreement"
        OTHER = "other", "Other high-level plan"

    title = LimitedCharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    first_year = models.PositiveIntegerField(
        validators=[YearRule()], help_text="Financial year it starts, e.g. 2024 for 2024/25."
    )
    last_year = models.PositiveIntegerField(
        validators=[YearRule()], help_text="Financial year it ends, e.g. 2028 for 2028/29."
    )
    description = LimitedTextField(blank=True, max_length=TEXT)

    class Meta:
        ordering = ["-first_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")),
                name="strategic_plan_years_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Outcome(models.Model):
    """A theme, priority or outcome of a strategic plan; themes hold outcomes (a tree)."""

    strategic_plan = models.ForeignKey(
        StrategicPlan, on_delete=models.CASCADE, related_name="outcomes"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = LimitedCharField(max_length=20)
    title = LimitedCharField(max_length=300)
    description = LimitedTextField(blank=True, max_length=TEXT)

    class Meta:
        ordering = ["strategic_plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["strategic_plan", "code"], name="outcome_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"
