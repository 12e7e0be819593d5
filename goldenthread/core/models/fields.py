from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from goldenthread.rules import Period, PeriodError


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
        return None if value is None else Period.from_key(value)

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
