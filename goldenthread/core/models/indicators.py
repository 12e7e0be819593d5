from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from goldenthread.rules import Frequency, Period, Polarity, Rag, ToleranceKind, rag

from .fields import (
    DECIMALS_RULE,
    NOTE,
    SHORT_TEXT,
    TEXT,
    LimitedCharField,
    LimitedTextField,
    PeriodField,
)
from .people import Organisation, Partnership, User

VALUE_DIGITS = {"max_digits": 18, "decimal_places": 6}
ADVERBS = {
    Frequency.MONTHLY: "monthly",
    Frequency.QUARTERLY: "quarterly",
    Frequency.ANNUAL: "annually",
}


class Indicator(models.Model):
    """A measure the partnership reports. It belongs to the partnership, not to a plan
    version, so results already recorded stay attached when a plan is revised."""

    class RollUp(models.TextChoices):
        SUM = "sum", "Add the periods up"
        MEAN = "mean", "Average of the periods"
        LATEST = "latest", "Latest period's value"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="indicators"
    )
    code = LimitedCharField(max_length=20)
    title = LimitedCharField(max_length=300)
    definition = LimitedTextField(blank=True, max_length=SHORT_TEXT)
    unit = LimitedCharField(
        max_length=60, blank=True, help_text="For example %, rate per 10,000, count."
    )
    decimals = models.PositiveSmallIntegerField(default=0)
    polarity = models.CharField(
        max_length=10, choices=Polarity.choices(), default=Polarity.HIGHER.value
    )
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices(), default=Frequency.QUARTERLY.value
    )
    roll_up = models.CharField(max_length=10, choices=RollUp.choices, default=RollUp.LATEST)
    baseline = models.DecimalField(null=True, blank=True, **VALUE_DIGITS)
    baseline_period = PeriodField(null=True, blank=True)
    data_source = LimitedTextField(blank=True, max_length=NOTE)
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_indicators"
    )
    owner_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tolerance_kind = models.CharField(
        "amber tolerance is a",
        max_length=10,
        choices=ToleranceKind.choices(),
        default=ToleranceKind.PERCENT.value,
    )
    tolerance = models.DecimalField(
        "amber tolerance",
        max_digits=12,
        decimal_places=4,
        default=Decimal("5"),
        help_text="How far from target a result may be and still be amber rather than red.",
    )

    comparator_group = models.ForeignKey(
        "ComparatorGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The areas this indicator is usually compared with.",
    )
    is_published = models.BooleanField(
        "published", default=False, help_text="Shown on the partnership's public page."
    )
    # A plan's use of a council library indicator (issue 16): the definition is the
    # library's, kept in step, and the results are written from the library's.
    library_indicator = models.ForeignKey(
        "LibraryIndicator",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="uses",
        help_text="The council library indicator this is the partnership's use of.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "code"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "code"], name="indicator_code_unique"),
            models.UniqueConstraint(
                fields=["partnership", "library_indicator"],
                condition=Q(library_indicator__isnull=False),
                name="library_indicator_used_once_per_partnership",
                violation_error_message="This partnership already uses that library indicator.",
            ),
            models.CheckConstraint(condition=Q(tolerance__gte=0), name="tolerance_not_negative"),
            models.CheckConstraint(condition=Q(decimals__lte=6), name="decimals_at_most_6"),
            models.CheckConstraint(
                condition=Q(polarity__in=[p.value for p in Polarity]), name="polarity_valid"
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=[f.value for f in Frequency]), name="frequency_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("indicator", args=[self.pk])

    def rag(
        self, actual: Decimal | None, target: Decimal | None, target_upper: Decimal | None = None
    ) -> Rag:
        return rag(
            actual=actual,
            target=target,
            polarity=Polarity(self.polarity),
            tolerance=self.tolerance,
            tolerance_kind=ToleranceKind(self.tolerance_kind),
            target_upper=target_upper,
        )

    def format_value(self, value: Decimal | None) -> str:
        if value is None:
            return "–"
        # Half up, as published statistics round (Python's formatting alone rounds half
        # to even: 2.5 would show as 2).
        value = Decimal(value).quantize(Decimal(1).scaleb(-self.decimals), rounding=ROUND_HALF_UP)
        number = f"{value:,.{self.decimals}f}"
        return f"{number}%" if self.unit == "%" else number

    def check_period(self, period: Period | None) -> None:
        if period is not None and period.frequency != self.frequency:
            raise ValidationError(
                {
                    "period": f"{self.code} is reported "
                    f"{ADVERBS[Frequency(self.frequency)]}: "
                    f"“{period.label}” is a {period.frequency} period."
                }
            )


class PeriodValue(models.Model):
    """What targets and results share: one per indicator per period."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE)
    period = PeriodField()

    class Meta:
        abstract = True

    def clean(self) -> None:
        # An unreadable period has already been reported by clean_fields().
        if self.indicator_id and isinstance(self.period, Period):
            self.indicator.check_period(self.period)


class Target(PeriodValue):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    value = models.DecimalField(**VALUE_DIGITS)
    upper = models.DecimalField(
        "upper edge of the band",
        null=True,
        blank=True,
        help_text="Only for indicators whose target is a band.",
        **VALUE_DIGITS,
    )
    set_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period"]
        # Council-wide reads take one period of every indicator at once; on PostgreSQL
        # the index holds the numbers too, so those reads need not visit the table.
        indexes = [
            models.Index(
                fields=["period", "indicator"], include=["value", "upper"], name="target_by_period"
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="one_target_per_period"),
            models.CheckConstraint(
                condition=Q(upper__isnull=True) | Q(upper__gte=models.F("value")),
                name="target_band_in_order",
                violation_error_message="The upper edge of the band must not be below the target.",
            ),
        ]

    def __str__(self) -> str:
        return f"Target {self.indicator.code} {self.period}"


class Result(PeriodValue):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="results")
    value = models.DecimalField(null=True, blank=True, help_text=DECIMALS_RULE, **VALUE_DIGITS)
    not_available = models.BooleanField(default=False)
    not_available_reason = LimitedTextField(blank=True, max_length=NOTE)
    note = LimitedTextField(blank=True, max_length=NOTE)
    commentary = LimitedTextField(
        blank=True,
        help_text="Why the result is where it is, and what is being done.",
        max_length=TEXT,
    )
    entered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period"]
        indexes = [  # as Target's
            models.Index(fields=["period", "indicator"], include=["value"], name="result_by_period")
        ]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="one_result_per_period"),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(not_available=True),
                name="result_has_value_or_is_not_available",
                violation_error_message="Enter a value, or mark the result as not available.",
            ),
        ]

    def __str__(self) -> str:
        return f"Result {self.indicator.code} {self.period}"


class ProcessChange(models.Model):
    """A change to how an indicator's results come about (a new service, a new way of
    counting), marked at the first period of the new process. The process chart works its
    mean and limits out afresh from each one, as Making Data Count advises once a change is
    understood ("recalculating the limits"; NHSRplotthedots' ``rebase``)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="process_changes"
    )
    period = PeriodField(help_text="The first period of the new process.")
    reason = LimitedTextField(
        max_length=NOTE, help_text="What changed, for example “New triage service started”."
    )
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"], name="one_process_change_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"Process change {self.indicator.code} {self.period}"
