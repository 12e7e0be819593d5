"""Forms only validate. Every form renders with GOV.UK Frontend markup through
`GovukRenderer` (settings.FORM_RENDERER): a form group, label, hint and error message
linked to the input by aria-describedby, and the GOV.UK input classes. Radios and
checkboxes use the templates in templates/django/forms/widgets/."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest, QueryDict

from goldenthread.core.models.fields import TEXT, text_formfield
from goldenthread.rules.inputs import (
    MONEY_MESSAGE,
    NUMBER_MESSAGE,
    NumberError,
    date_problem,
    fit,
    limit_hint,
    number_problem,
    read_number,
)

WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.Textarea, "govuk-textarea"),
    (forms.RadioSelect, "govuk-radios__input"),
    (forms.CheckboxSelectMultiple, "govuk-checkboxes__input"),
    (forms.Select, "govuk-select"),
    (forms.CheckboxInput, "govuk-checkboxes__input"),
    (forms.ClearableFileInput, "govuk-file-upload"),
    (forms.FileInput, "govuk-file-upload"),
]
NARROW_INPUTS = {"number", "date"}

# Dates as the browser's date picker sends them, and as people type them without one.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# Django's message for an empty required box, which says nothing of which box it is
# (translated lazily: compared as text only once a form is bound).
DJANGO_REQUIRED = forms.Field.default_error_messages["required"]
CHOICE_WIDGETS = (forms.Select, forms.RadioSelect, forms.CheckboxSelectMultiple)
# Codes of messages from rules every box of a kind shares (a number, a date, a length, a
# choice): they cannot say which box they are about, so the error summary names it.
SHARED_CODES = {
    "invalid",
    "invalid_choice",
    "invalid_list",
    "invalid_pk_value",
    "max_length",
    "min_length",
    "characters",
    "too_big",
    "pence",
    "min_value",
    "max_value",
    "max_digits",
    "max_decimal_places",
    "max_whole_digits",
    "date_range",
    "year",
}
ARTICLES = {"a", "an", "the", "your", "this", "its", "their", "who", "what", "which"}


def required_message(label: str, widget: forms.Widget) -> str:
    """A message for an empty required box that names it, for any field whose form did
    not word its own: "Enter the title", "Choose the quarter"."""
    if widget.is_hidden:
        # Only a tampered or truncated post leaves out a hidden field.
        return "Part of the form was missing: reload the page and try again"
    name = label.strip().rstrip(":.").strip() or "an answer"
    if name.endswith("?"):
        return f"Answer the question “{name}”"
    first = name.split()[0]
    if not first[1:2].isupper():  # "SMART …", "RAG …" keep their capitals
        name = name[0].lower() + name[1:]
    if first.lower() not in ARTICLES:
        name = f"the {name}"
    if isinstance(widget, forms.CheckboxInput):
        return f"Tick the box: {label.strip()}"
    return f"{'Choose' if isinstance(widget, CHOICE_WIDGETS) else 'Enter'} {name}"


class GovukBoundField(BoundField):
    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        # Every form's fields are bound before they are cleaned, so this reaches every
        # field of every form, including forms that set no messages of their own.
        if str(field.error_messages.get("required", "")) == str(DJANGO_REQUIRED):
            field.error_messages["required"] = required_message(str(self.label), field.widget)

    @property
    def anchor(self) -> str:
        """The id the error summary links to, so following it puts the cursor in the box:
        the first option of radios and checkboxes (as GOV.UK's do); for a hidden field,
        the form's first box."""
        if self.is_hidden:
            first = next(iter(self.form.visible_fields()), None)
            return first.anchor if first is not None else ""
        if self.use_fieldset and self.subwidgets:
            return self.subwidgets[0].id_for_label or self.auto_id
        return self.id_for_label or self.auto_id

    @property
    def summary_errors(self) -> list[tuple[str, str]]:
        """(anchor, text) for each of the field's errors, as the error summary lists them.
        The text names what it is about: the field's `item` (set by forms whose rows
        repeat the same boxes, like the return's: "SS01 Burglaries, 2025/26 Q3") and
        `item_box` (which of the row's boxes), or, for a message every box of its kind
        shares ("Enter a number, like 42 or 3.5"), the box's label. A message that
        already names its item is left as it is."""
        anchor = self.anchor
        item = getattr(self.field, "item", "")
        box = getattr(self.field, "item_box", "")
        label = str(self.label).strip().rstrip(":.?")
        texts = []
        for error in self.errors.as_data():
            for message in error:
                if item and item not in message:
                    message = f"{item}{f', {box}' if box else ''}: {message}"
                elif (
                    not item and error.code in SHARED_CODES and label.lower() not in message.lower()
                ):
                    message = f"{label}: {message}"
                texts.append((anchor, message))
        return texts

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}_error"

    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}_helptext"

    @property
    def hint(self) -> str:
        """The help text, and how much may be written where there is a limit (as GOV.UK's
        character count says it, without a script)."""
        limit = getattr(self.field, "char_limit", None)
        parts = [str(self.help_text)] if self.help_text else []
        if limit and not self.field.disabled:
            parts.append(limit_hint(limit))
        return " ".join(parts)

    @property
    def described_by(self) -> str:
        ids = [self.hint_id] if self.hint else []
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        css = next((c for kind, c in WIDGET_CLASSES if isinstance(widget, kind)), "govuk-input")
        if css == "govuk-input" and getattr(widget, "input_type", "") in NARROW_INPUTS:
            css += " govuk-input--width-10"
        if self.errors and css.split()[0] in {"govuk-input", "govuk-textarea", "govuk-select"}:
            css += f" {css.split()[0]}--error"
        own = f"{widget.attrs.get('class', '')} {attrs.get('class', '')}"
        attrs["class"] = f"{css} {own}".strip()
        if self.described_by and not self.use_fieldset:
            attrs["aria-describedby"] = self.described_by
        else:
            attrs.pop("aria-describedby", None)
        return attrs


class GovukRenderer(TemplatesSetting):
    bound_field_class = GovukBoundField
    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"


def text_field(model: type[Model], name: str, **kwargs) -> forms.CharField:
    """A form field for one of a model's text fields, with its limit and rules, so the
    person sees the message next to the box rather than the service's at the top."""
    return text_formfield(model._meta.get_field(name).max_length, **kwargs)


class NumberField(forms.Field):
    """A number as people type it, read one way everywhere (rules.inputs.read_number):
    "98,500", " 98500 ", "98500.00"; with `money`, "£98,500" too. Blank is None. The
    value must fit a decimal column of `max_digits`, `decimal_places` after the point, and
    is rounded to those places."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})

    def __init__(
        self,
        *,
        max_digits: int = 18,
        decimal_places: int = 6,
        money: bool = False,
        min_value: Decimal | None = None,
        **kwargs,
    ):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.max_digits, self.decimal_places = max_digits, decimal_places
        self.money, self.min_value = money, min_value
        self.error_messages.setdefault("invalid", MONEY_MESSAGE if money else NUMBER_MESSAGE)

    def to_python(self, value) -> Decimal | None:
        try:
            number = read_number(str(value or ""), money=self.money)
        except NumberError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if number is None:
            return None
        problem = number_problem(
            number, max_digits=self.max_digits, decimal_places=self.decimal_places
        )
        if problem:
            if self.money and number.is_finite():
                limit = Decimal(10) ** (self.max_digits - self.decimal_places)
                problem = f"Enter an amount less than £{limit:,}"
            raise ValidationError(problem, code="too_big")
        if self.money and number != fit(number, self.decimal_places):
            raise ValidationError(
                "Enter the amount in pounds and pence, like 12,500.50", code="pence"
            )
        if self.min_value is not None and number < self.min_value:
            shown = f"£{self.min_value:,}" if self.money else f"{self.min_value:,}"
            raise ValidationError(
                self.error_messages.get("min_value", f"Enter {shown} or more"), code="min_value"
            )
        return fit(number, self.decimal_places)

    def prepare_value(self, value):
        """A saved figure as people write it: 2.3, not the column's 2.300000 (money in
        pounds and pence, or whole pounds)."""
        if isinstance(value, Decimal) and value.is_finite():
            if self.money:
                return f"{value:.2f}".removesuffix(".00")
            return format(value.normalize(), "f")
        return value


def number_field(model: type[Model], name: str, **kwargs) -> NumberField:
    """A NumberField for one of a model's decimal fields: the same room for digits."""
    column = model._meta.get_field(name)
    return NumberField(max_digits=column.max_digits, decimal_places=column.decimal_places, **kwargs)


class DateField(forms.DateField):
    """A date in the range every date in the product has (rules.inputs.date_problem), so
    a slip such as year 1 or 9999 gets a message next to the box, not a failure later."""

    def validate(self, value) -> None:
        super().validate(value)
        if value and (problem := date_problem(value)):
            raise ValidationError(problem, code="date_range")


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data, or None for a GET: an empty POST must still be validated."""
    return request.POST if request.method == "POST" else None


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal next to the field it concerns, or at the top."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            for message in messages:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class DecisionForm(forms.Form):
    """The performance team's decision on something submitted: accept it (sign it off),
    or return it for changes, saying what needs to change. Subclasses name the accepting
    choice and the messages."""

    accept = ("accept", "Accept it")
    choose_message = "Choose whether to accept it or return it"
    reason_message = "Say what needs to change, so it can be put right"

    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect)
    reason = text_formfield(
        TEXT,
        label="If returning it, what needs to change?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        field.choices = [self.accept, ("return", "Return it for changes")]
        field.error_messages["required"] = self.choose_message

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", self.reason_message)
        return data
