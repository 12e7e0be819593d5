"""The council indicator library (issue 16): a measure defined once, with its source and
published metric reference, used by several partnerships' plans. Each plan that uses one
has its own `Indicator` linked to it, with the definition copied and kept in step and its
own targets; the results are entered once here and written to every linked indicator (see
goldenthread.core.services.library for why they are held per plan)."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from goldenthread.rules import Frequency, Polarity

from .fields import DECIMALS_RULE, NOTE, SHORT_TEXT, LimitedCharField, LimitedTextField, PeriodField
from .indicators import VALUE_DIGITS, Indicator
from .people import Organisation, User

# The fields of a linked indicator that the library decides: a plan using the indicator
# reads them from here and cannot change them itself.
DEFINITION_FIELDS = (
    "title",
    "definition",
    "unit",
    "decimals",
    "polarity",
    "frequency",
    "roll_up",
    "data_source",
)


class LibraryIndicator(models.Model):
    """A council library indicator: defined once by the performance team, its results
    entered once by its owner."""

    code = LimitedCharField(
        max_length=20,
        unique=True,
        help_text="A short reference in the library, like NEET1. Plans using it start "
        "with this code for their own copy.",
    )
    title = LimitedCharField(max_length=300)
    definition = LimitedTextField(blank=True, max_length=SHORT_TEXT)
    source = LimitedTextField(
        blank=True,
        max_length=NOTE,
        help_text="Who publishes the figures, for example “Department for Education, NCCIS”.",
    )
    metric_reference = LimitedCharField(
        "metric reference",
        max_length=100,
        blank=True,
        help_text="The published measure's reference: an LG Inform metric id, an ONS "
        "dataset or a Fingertips indicator id.",
    )
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
    roll_up = models.CharField(
        max_length=10, choices=Indicator.RollUp.choices, default=Indicator.RollUp.LATEST
    )
    owner = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_library_indicators",
        help_text="Enters the results, once, for every plan that uses the indicator.",
    )
    owner_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title", "code"]
        verbose_name = "council library indicator"
        constraints = [
            models.CheckConstraint(condition=Q(decimals__lte=6), name="library_decimals_at_most_6"),
            models.CheckConstraint(
                condition=Q(polarity__in=[p.value for p in Polarity]),
                name="library_polarity_valid",
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=[f.value for f in Frequency]),
                name="library_frequency_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("library_indicator", args=[self.pk])

    @property
    def data_source(self) -> str:
        """What a linked indicator shows as its data source."""
        parts = [self.source.strip(), self.metric_reference.strip()]
        return "; ".join(p for p in parts if p)[:NOTE]

    def definition_values(self) -> dict:
        """The values a linked indicator takes from the library."""
        return {name: getattr(self, name) for name in DEFINITION_FIELDS}

    def results_refusal(self, code: str) -> str:
        """Why a result of a plan's use of this indicator cannot be written there."""
        owner = f"its owner, {self.owner}," if self.owner_id else "its owner"
        return (
            f"{code} is the council library indicator {self.code} “{self.title}”: its results "
            f"are entered once in the library, by {owner} or the council performance team, "
            "and every plan that uses it sees them."
        )

    def format_value(self, value) -> str:
        # The same rounding and unit as every linked indicator shows.
        return Indicator(unit=self.unit, decimals=self.decimals).format_value(value)


class LibraryResult(models.Model):
    """A period's result as its owner entered it in the library: the source every linked
    indicator's `Result` is written from."""

    library_indicator = models.ForeignKey(
        LibraryIndicator, on_delete=models.CASCADE, related_name="results"
    )
    period = PeriodField()
    value = models.DecimalField(null=True, blank=True, help_text=DECIMALS_RULE, **VALUE_DIGITS)
    not_available = models.BooleanField(default=False)
    not_available_reason = LimitedTextField(blank=True, max_length=NOTE)
    note = LimitedTextField(blank=True, max_length=NOTE)
    entered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["library_indicator", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["library_indicator", "period"], name="one_library_result_per_period"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(not_available=True),
                name="library_result_has_value_or_is_not_available",
                violation_error_message="Enter a value, or mark the result as not available.",
            ),
        ]

    def __str__(self) -> str:
        return f"Result {self.library_indicator.code} {self.period}"
