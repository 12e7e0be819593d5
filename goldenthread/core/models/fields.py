"""Fields that keep what is stored within what can be stored, read back and shown.

Free text has a limit on every field (said in the form's hint) and refuses characters that
cannot be stored or that disguise it; numbers fit their column; dates and years fall in a
sensible range. `check_bounds` applies every one of these rules to an object before it is
saved, whichever way the write came (a page, the admin, an import, a command, the API):
`goldenthread.core.apps` runs it before every save of the domain's models, and the bulk
writers call it themselves. The rules themselves are in `goldenthread.rules.inputs`.
"""

import datetime
import functools
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.deconstruct import deconstructible

from goldenthread.rules import Period, PeriodError
from goldenthread.rules.inputs import (
    date_problem,
    fit,
    number_problem,
    text_problem,
    year_problem,
)

# How much free text each kind of field takes. Limits are generous for what each is for,
# and small enough that no page or document someone can trigger takes long to draw.
NOTE = 500  # a note on a result, a review note: a line or two
SHORT_TEXT = 1_000  # an indicator's definition: printed for every indicator of a plan
TEXT = 2_000  # a description, a comment, a result's commentary: a paragraph or two
LONG_TEXT = 6_000  # a narrative written once a quarter or a year: highlights, minutes


@deconstructible
class TextRule:
    """Free text of at most `limit` characters (any length when None), without control
    or hidden text-direction characters."""

    def __init__(self, limit: int | None = None):
        self.limit = limit

    def __call__(self, value: object) -> None:
        text = str(value)
        # Codes as Django's own, so a form's error_messages can word them for its field.
        if self.limit is not None and len(text) > self.limit:
            raise ValidationError(text_problem(text, self.limit), code="max_length")
        if problem := text_problem(text):
            raise ValidationError(problem, code="characters")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextRule) and other.limit == self.limit


@deconstructible
class YearRule:
    """A financial year (the calendar year it starts in) within the range dates have."""

    def __call__(self, value: int) -> None:
        if problem := year_problem(value):
            raise ValidationError(problem, code="year")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, YearRule)


def text_formfield(limit: int, **kwargs) -> forms.CharField:
    """A form field for free text that applies the same rule as the model: the limit is
    checked on the server and said in the hint, never cut off by the browser (GOV.UK:
    a `maxlength` silently truncates what people paste)."""
    field = forms.CharField(validators=[TextRule(limit)], **kwargs)
    field.char_limit = limit
    return field


class _Limited:
    """What LimitedCharField and LimitedTextField share: the text rule with the field's
    own limit, and a form field that says the limit instead of enforcing it unseen."""

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        # One message for the length, the rule's, rather than Django's as well.
        self.validators[:] = [
            *(v for v in self.validators if not isinstance(v, MaxLengthValidator)),
            TextRule(max_length),
        ]

    def formfield(self, **kwargs):
        field = super().formfield(**{"max_length": None, **kwargs})
        if field is not None and not getattr(field, "choices", None):
            field.validators.append(TextRule(self.max_length))
            field.char_limit = self.max_length
        return field


class LimitedCharField(_Limited, models.CharField):
    """A line of free text: a title, a name, a code."""


class LimitedTextField(_Limited, models.TextField):
    """Free text of a few lines or more, up to `max_length` characters. Unlike Django's
    TextField, the limit is enforced on every save, not only in forms."""


def check_bounds(instance: models.Model) -> None:
    """Refuse, field by field, anything the database cannot keep or the product cannot
    show: text over its limit or with forbidden characters, numbers too big for their
    column, dates and years out of range. Numbers with more decimal places than the column
    keeps are rounded, as the database would round them."""
    errors: dict[str, list[ValidationError]] = {}
    for field in instance._meta.concrete_fields:
        if field.is_relation or field.primary_key:
            continue
        value = getattr(instance, field.attname)
        if value is None or value == "":
            continue
        problem = None
        if isinstance(field, models.DecimalField):
            if not isinstance(value, Decimal):
                try:
                    value = field.to_python(value)
                except ValidationError as error:
                    errors[field.name] = error.error_list
                    continue
            problem = number_problem(
                value, max_digits=field.max_digits, decimal_places=field.decimal_places
            )
            if problem is None:
                setattr(instance, field.attname, fit(value, field.decimal_places))
        elif isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            if isinstance(value, datetime.date):
                problem = date_problem(value)
        elif isinstance(field, LimitedCharField | LimitedTextField | models.IntegerField):
            try:
                field.run_validators(value)
            except ValidationError as error:
                errors[field.name] = error.error_list
                continue
        if problem:
            errors[field.name] = [ValidationError(problem, code="bounds")]
    if errors:
        raise ValidationError(errors)


# The one rule for a figure (a result, a target, another area's published value) with more
# decimal places than its column keeps, whichever way it comes in: a page, the admin, a
# return sheet, the comparator importer, the API. Rounding rather than refusing, because
# publishers routinely print more places than anyone reads (CO2 estimates to 13) and
# refusing them would make real files unimportable; half up, as published statistics round.
FIGURE_PLACES = 6
DECIMALS_RULE = (
    "Figures are kept to 6 decimal places: a figure with more is rounded half up to 6 "
    "(2.0000005 is kept as 2.000001), however it is entered or imported."
)


def kept_figure(value: Decimal) -> Decimal:
    """``value`` as it is kept (DECIMALS_RULE). Call it on a value ``number_problem``
    passed."""
    return fit(value, FIGURE_PLACES)


class FigureFormField(forms.DecimalField):
    """Django's own decimal box (the admin's) refuses more decimal places than the column
    keeps; this one rounds them by DECIMALS_RULE, as every other way in does."""

    def to_python(self, value):
        number = super().to_python(value)
        if number is None or not number.is_finite():
            return number
        return fit(number, self.decimal_places)


@functools.lru_cache(maxsize=4096)
def _period_of_key(key: str) -> Period:
    # A page of ten years' results reads the same few dozen keys thousands of times, and
    # reading one (a regular expression, then Period's checks) was a quarter of the
    # partnership page's time under load (README, "Load"). Periods are immutable, so each
    # key is read once per process; a key that is not a period raises and is not kept.
    return Period.from_key(key)


class PeriodField(models.CharField):
    """A financial-year period (month, quarter or year), stored as its sortable key
    ("2025-Q3") and read back as a `Period`. Forms accept the labels councils write."""

    description = "A UK financial-year period"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 8)
        super().__init__(*args, **kwargs)
        # The key's length is fixed by Period itself; a length check would call len(Period).
        self.validators[:] = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 8:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return None if value is None else _period_of_key(value)

    def to_python(self, value):
        if value is None or isinstance(value, Period):
            return value
        try:
            return Period.parse(str(value))
        except PeriodError as error:
            raise ValidationError(str(error), code="invalid_period") from error

    def get_prep_value(self, value):
        if value is None or value == "":
            return None
        return self.to_python(value).key

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return "" if value is None else value.key

    def formfield(self, **kwargs):
        from django import forms

        class PeriodFormField(forms.CharField):
            def prepare_value(self, value):
                return value.label if isinstance(value, Period) else value

            def to_python(inner_self, value):
                value = super(PeriodFormField, inner_self).to_python(value)
                return self.to_python(value) if value else None

        return super().formfield(**{"form_class": PeriodFormField, "max_length": None, **kwargs})
