"""The return page's form: a group of fields for every result, action and risk the
person may report on. It only validates; services.returns does the saving."""

from dataclasses import replace
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from goldenthread.core.models import (
    ActionUpdate,
    CorrectiveAction,
    CorrectiveActionUpdate,
    Result,
    Return,
    RiskReview,
    Spend,
    User,
)
from goldenthread.core.models.fields import TEXT, text_formfield
from goldenthread.core.monitoring import ReturnContents
from goldenthread.core.services.returns import (
    LIBRARY_KEEPS,
    ActionInput,
    CorrectiveInput,
    CorrectiveProgressInput,
    Problem,
    ResultInput,
    ReviewInput,
)
from goldenthread.rules import ActionState
from goldenthread.web.forms import (
    DATE_WIDGET,
    DateField,
    DecisionForm,
    GovukRenderer,
    number_field,
    text_field,
)
from goldenthread.web.plan_forms import PeopleChoiceField, member_people

SCORE_CHOICES = [("", "Choose")] + [(str(n), str(n)) for n in range(1, 6)]
# How the error summary names a row's box where its label is a question or says little.
BOXES = {
    "reason": "why not available",
    "ca_description": "corrective action",
    "ca_owner": "corrective action owner",
    "ca_due": "corrective action due date",
    "next": "next review date",
}


def _attrs(attrs: dict) -> str:
    # django/forms/widgets/attrs.html
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    # django/forms/widgets/input.html (text, number, date, hidden and checkbox include it)
    value = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


def _textarea(widget: dict) -> str:
    # django/forms/widgets/textarea.html
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{value}</textarea>"
    )


def _select(widget: dict) -> str:
    # django/forms/widgets/select.html and select_option.html (the renderer strips the
    # whole, not each option)
    html = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group, options, _ in widget["optgroups"]:
        if group:
            html.append(f'\n  <optgroup label="{conditional_escape(group)}">')
        for option in options:
            html.append(
                f'\n  <option value="{conditional_escape(option["value"])}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            )  # the option template's last line ends
        if group:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return "".join(html)


_WIDGETS = {
    **{
        f"django/forms/widgets/{kind}.html": _input
        for kind in ("input", "text", "number", "date", "hidden", "checkbox")
    },
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
}


class ReturnRenderer(GovukRenderer):
    """The GOV.UK renderer, but with the boxes themselves written here rather than
    through Django's widget templates. A large partnership's return has several hundred
    boxes, and the templates took over half the page's time under load (README,
    "Load"): a template per box, another for its attributes, another per option. The
    field groups around them (labels, hints, errors) still come from the templates;
    tests/web/test_return_rendering.py checks that every box reads exactly as the
    templates write it."""

    def render(self, template_name, context, request=None):
        if write := _WIDGETS.get(template_name):
            return mark_safe(write(context["widget"]))
        return super().render(template_name, context, request)


class OwnerChoiceField(PeopleChoiceField):
    """The people a corrective action may be given to, read once for the whole form:
    every result has an owner box, and each would otherwise read the partnership's
    members again to list them, and again to check the choice."""

    def __init__(self, *, people: list[User], **kwargs):
        super().__init__(queryset=User.objects.none(), **kwargs)
        self.people = {str(person.pk): person for person in people}
        self.choices = [
            ("", self.empty_label),
            *((person.pk, self.label_from_instance(person)) for person in people),
        ]

    def to_python(self, value) -> User | None:
        if value in self.empty_values:
            return None
        person = self.people.get(str(getattr(value, "pk", value)))
        if person is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return person


class ReturnForm(forms.Form):
    default_renderer = ReturnRenderer()
    # Required: a save without the version it was opened at could overwrite unseen changes.
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args, contents: ReturnContents, editable: dict[str, set[int]], lead: bool, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.contents = contents
        self.lead = lead
        people = list(member_people(contents.ret.partnership))
        for due in contents.results:
            if due.indicator.pk not in editable["indicators"]:
                continue
            p = f"r_{due.key}_"
            # A council library indicator's result (figure, availability, note) is entered
            # once in the library for every plan using it (services.library): the page
            # shows it as text; the commentary, once there is a result, is the row's own.
            library = due.indicator.library_indicator_id is not None
            if not library:
                # GOV.UK advice: text with a numeric keyboard, not type=number.
                self.fields[p + "value"] = number_field(
                    Result, "value", label=f"Result for {due.period.label}"
                )
                self.fields[p + "na"] = forms.BooleanField(label="Not available", required=False)
                self.fields[p + "reason"] = text_field(
                    Result,
                    "not_available_reason",
                    label="Why is it not available?",
                    required=False,
                )
                self.fields[p + "note"] = text_field(
                    Result,
                    "note",
                    label="Note",
                    required=False,
                    help_text="For example, “provisional”.",
                )
            if not library or due.result is not None:
                self.fields[p + "commentary"] = text_field(
                    Result,
                    "commentary",
                    label="Commentary",
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text="Why the result is where it is. Needed when amber or red.",
                )
            self.fields[p + "ca_description"] = text_field(
                CorrectiveAction,
                "description",
                label="What will change",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[p + "ca_owner"] = OwnerChoiceField(
                people=people, required=False, label="Who owns it", empty_label="Choose someone"
            )
            self.fields[p + "ca_due"] = DateField(
                label="By when", required=False, widget=DATE_WIDGET
            )
        for asked in contents.corrective:
            ca = asked.ca
            if ca.pk not in editable.get("corrective", ()) or ca.status == ca.Status.CLOSED:
                continue
            name = f"Corrective action for {ca.indicator.code} {ca.period.label}"
            self.fields[asked.key + "status"] = forms.ChoiceField(
                label="Status",
                choices=[(s.value, s.label) for s in (ca.Status.OPEN, ca.Status.IN_PROGRESS)],
                error_messages={
                    "required": f"{name}: choose not started or in progress",
                    "invalid_choice": f"{name}: choose not started or in progress",
                },
            )
            self.fields[asked.key + "progress"] = text_field(
                CorrectiveActionUpdate,
                "progress",
                label="Progress this quarter",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="What has been done, and what difference it is making.",
            )
        for due in contents.actions:
            if due.action.pk not in editable["actions"]:
                continue
            p = f"a_{due.action.pk}_"
            self.fields[p + "state"] = forms.ChoiceField(
                label="Status",
                choices=ActionState.choices(),
                error_messages={"required": "Choose the action's status"},
            )
            self.fields[p + "percent"] = forms.IntegerField(
                label="Per cent complete",
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                min_value=0,
                max_value=100,
                error_messages={
                    "invalid": "Enter a whole number from 0 to 100",
                    "min_value": "Enter a whole number from 0 to 100",
                    "max_value": "Enter a whole number from 0 to 100",
                    "required": "Enter how far through the action is, from 0 to 100",
                },
            )
            self.fields[p + "commentary"] = text_field(
                ActionUpdate,
                "commentary",
                label="Progress this quarter",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for due in contents.risks:
            if due.risk.pk not in editable["risks"]:
                continue
            p = f"k_{due.risk.pk}_"
            self.fields[p + "likelihood"] = forms.TypedChoiceField(
                label="Likelihood now", choices=SCORE_CHOICES, coerce=int, required=False
            )
            self.fields[p + "impact"] = forms.TypedChoiceField(
                label="Impact now", choices=SCORE_CHOICES, coerce=int, required=False
            )
            self.fields[p + "next"] = DateField(
                label="Next review", required=False, widget=DATE_WIDGET
            )
            self.fields[p + "note"] = text_field(
                RiskReview, "note", label="Review note", required=False
            )
        if lead:
            self.fields["spend"] = number_field(
                Spend,
                "amount",
                label=f"Spend in {contents.ret.period.label} (£)",
                money=True,
                min_value=Decimal(0),
                error_messages={
                    "min_value": "Enter £0 or more. To record a refund, lower the spend of the "
                    "quarter it refunds: the history keeps the old figure"
                },
            )
            self.fields["highlights"] = text_field(
                Return,
                "highlights",
                label="Highlights: what went well",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields["exceptions"] = text_field(
                Return,
                "exceptions",
                label="Exceptions: what is off track and what is being done",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self._name_items()

    def _name_items(self) -> None:
        """Every row has the same boxes, so "Enter a number, like 42 or 3.5" alone could be
        about any of them: each field says which row it is in and which box it is, for the
        error summary (GovukBoundField.summary_errors)."""
        rows = {
            f"r_{d.key}": f"{d.indicator.code} {d.indicator.title}, {d.period.label}"
            for d in self.contents.results
        }
        rows |= {
            a.key[:-1]: f"Corrective action for {a.ca.indicator.code} {a.ca.period.label}"
            for a in self.contents.corrective
        }
        rows |= {
            f"a_{d.action.pk}": f"{d.action.ref} {d.action.title}" for d in self.contents.actions
        }
        rows |= {f"k_{d.risk.pk}": f"{d.risk.ref} {d.risk.title}" for d in self.contents.risks}
        for name, field in self.fields.items():
            prefix = _row_prefix(name)
            if prefix not in rows:
                continue
            field.item = rows[prefix]
            box = name[len(prefix) + 1 :]
            if box != "value":  # the result is what the row is for: its item says enough
                field.item_box = BOXES.get(box) or str(field.label).rstrip("?").lower()

    # --- rows -------------------------------------------------------------------------

    def row(self, prefix: str) -> dict:
        """The bound fields of one row, by their short name."""
        return {name[len(prefix) :]: self[name] for name in self.fields if name.startswith(prefix)}

    def clean(self):
        data = super().clean()
        for name in list(self.fields):
            if name.endswith("_na") and data.get(name):
                reason = name[:-2] + "reason"
                if not (data.get(reason) or "").strip():
                    self.add_error(reason, "Say why the result is not available")
            if name.endswith("_likelihood"):
                p = name[: -len("likelihood")]
                given = [data.get(p + f) for f in ("likelihood", "impact", "next")]
                if any(given) and not all(given):
                    for f, value in zip(("likelihood", "impact", "next"), given, strict=True):
                        if not value and p + f not in self.errors:
                            self.add_error(
                                p + f, "Give the likelihood, impact and next review date together"
                            )
        return data

    def invalid_rows(self) -> set[str]:
        """Prefixes of rows with an error (r_…, c_…, a_…, k_…): saved as a draft, not to the
        database. The return's own fields (spend, highlights, exceptions) are rows of
        their own, named as they are."""
        return {_row_prefix(name) for name in self.errors if name not in ("__all__", "version")}

    def raw_draft(self) -> dict[str, str]:
        """What was typed in every row with an error, kept so nothing typed is lost."""
        bad = self.invalid_rows()
        return {
            # All but NUL, which no database column (nor PostgreSQL's JSON) can hold.
            name: self.data.get(name, "").replace("\x00", "")
            for name in self.fields
            if any(name.startswith(b) for b in bad) and name in self.data
        }

    def inputs(self) -> dict:
        """Service inputs for every valid row."""
        bad = self.invalid_rows()
        data = self.cleaned_data
        results, corrective, actions, reviews = [], [], [], []
        for due in self.contents.results:
            p = f"r_{due.key}_"
            if p + "ca_description" not in self.fields or p[:-1] in bad:
                continue
            saved = due.result
            if p + "value" in self.fields:
                figure = {
                    "value": data.get(p + "value"),
                    "not_available": bool(data.get(p + "na")),
                    "not_available_reason": data.get(p + "reason") or "",
                    "note": data.get(p + "note") or "",
                }
            elif saved is not None:  # a library result: its figure as it stands
                figure = {name: getattr(saved, name) for name in LIBRARY_KEEPS}
            else:  # a library result not entered yet: nothing to comment on
                figure = None
            if figure is not None:
                results.append(
                    ResultInput(
                        indicator_id=due.indicator.pk,
                        period=due.period,
                        commentary=data.get(p + "commentary") or "",
                        **figure,
                    )
                )
            owner = data.get(p + "ca_owner")
            corrective.append(
                CorrectiveInput(
                    indicator_id=due.indicator.pk,
                    period=due.period,
                    description=data.get(p + "ca_description") or "",
                    owner_id=owner.pk if owner else None,
                    due_date=data.get(p + "ca_due"),
                )
            )
        corrective_progress = [
            CorrectiveProgressInput(
                corrective_action_id=asked.ca.pk,
                status=data[asked.key + "status"],
                progress=data.get(asked.key + "progress") or "",
            )
            for asked in self.contents.corrective
            if asked.key + "status" in self.fields and asked.key[:-1] not in bad
        ]
        for due in self.contents.actions:
            p = f"a_{due.action.pk}_"
            if p + "state" not in self.fields or p[:-1] in bad:
                continue
            actions.append(
                ActionInput(
                    action_id=due.action.pk,
                    state=data[p + "state"],
                    percent_complete=data[p + "percent"],
                    commentary=data.get(p + "commentary") or "",
                )
            )
        for due in self.contents.risks:
            p = f"k_{due.risk.pk}_"
            if (
                p + "likelihood" not in self.fields
                or p[:-1] in bad
                or not data.get(p + "likelihood")
            ):
                continue
            reviews.append(
                ReviewInput(
                    risk_id=due.risk.pk,
                    likelihood=data[p + "likelihood"],
                    impact=data[p + "impact"],
                    next_review=data[p + "next"],
                    note=data.get(p + "note") or "",
                )
            )
        extra = {}
        if self.lead:
            extra = {
                "spend": data.get("spend") if "spend" not in self.errors else None,
                "highlights": data.get("highlights", ""),
                "exceptions": data.get("exceptions", ""),
            }
        return {
            "results": results,
            "corrective": corrective,
            "corrective_progress": corrective_progress,
            "actions": actions,
            "reviews": reviews,
            **extra,
        }


def linked_problems(problems: list[Problem], form: ReturnForm) -> list[Problem]:
    """What stops the return being submitted, each linked to the box that puts it right
    when it is on the page (the service knows only the row: result-<key>, corrective-<id>),
    so following the link puts the cursor there."""
    linked = []
    for problem in problems:
        kind, _, key = problem.anchor.partition("-")
        if kind == "result":
            # A row's problems: no result, no commentary, or no corrective action.
            box = (
                "ca_description"
                if "corrective action" in problem.message
                else "commentary"
                if "commentary" in problem.message
                else "value"
            )
            name = f"r_{key}_{box}"
        elif kind == "corrective":
            name = f"c_{key}_progress"
        else:  # entries kept as a draft: the first box with an error
            name = next((n for n in form.errors if n in form.fields), "")
        if name in form.fields:
            problem = replace(problem, anchor=form[name].anchor)
        linked.append(problem)
    return linked


def _row_prefix(name: str) -> str:
    # a_<action>_<field>, k_<risk>_<field>, c_<corrective action>_<field>
    if name.startswith(("a_", "k_", "c_")):
        return name.rsplit("_", 1)[0]
    if name.startswith("r_"):
        # r_<indicator>_<period key>_<field>; the field may itself contain "_" (ca_owner).
        head, indicator, period, *_ = name.split("_", 3)
        return f"{head}_{indicator}_{period}"
    return name


def initial_data(contents: ReturnContents, form_fields) -> dict[str, str]:
    """The page's fields as they stand in the database, as form data (strings), so a
    saved draft can be laid over them."""
    data: dict[str, str] = {"version": str(contents.ret.version)}
    for due in contents.results:
        p = f"r_{due.key}_"
        if p + "ca_description" not in form_fields:
            continue
        r = due.result
        if r is not None:
            data[p + "value"] = "" if r.value is None else _plain(r.value)
            if r.not_available:
                data[p + "na"] = "on"
            data[p + "reason"] = r.not_available_reason
            data[p + "note"] = r.note
            data[p + "commentary"] = r.commentary
        c = due.corrective
        if c is not None:
            data[p + "ca_description"] = c.description
            data[p + "ca_owner"] = str(c.owner_id or "")
            data[p + "ca_due"] = c.due_date.isoformat() if c.due_date else ""
    for asked in contents.corrective:
        if asked.key + "status" not in form_fields:
            continue
        # Each return asks afresh how it is going; its status carries on.
        data[asked.key + "status"] = (asked.update or asked.ca).status
        data[asked.key + "progress"] = asked.update.progress if asked.update else ""
    for due in contents.actions:
        p = f"a_{due.action.pk}_"
        if p + "state" not in form_fields:
            continue
        source = due.update or due.action
        data[p + "state"] = source.state
        data[p + "percent"] = str(source.percent_complete)
        data[p + "commentary"] = due.update.commentary if due.update else ""
    for due in contents.risks:
        p = f"k_{due.risk.pk}_"
        if p + "likelihood" not in form_fields or due.review is None:
            continue
        data[p + "likelihood"] = str(due.review.likelihood)
        data[p + "impact"] = str(due.review.impact)
        data[p + "next"] = due.review.next_review.isoformat()
        data[p + "note"] = due.review.note
    ret = contents.ret
    if "spend" in form_fields:
        spent = contents.finance.spend_by_quarter.get(ret.period)
        data["spend"] = "" if spent is None else _plain(spent)
        data["highlights"] = ret.highlights
        data["exceptions"] = ret.exceptions
    return data


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


class ReturnDecisionForm(DecisionForm):
    accept = ("sign_off", "Sign it off")
    choose_message = "Choose whether to sign the return off or return it"
    reason_message = "Say what needs to change, so the partnership can put it right"


class ReopenForm(forms.Form):
    reason = text_formfield(
        TEXT,
        label="Why is the signed-off return being reopened?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the signed-off return is being reopened"},
    )


class OpenQuarterForm(forms.Form):
    period = forms.CharField(
        label="Quarter",
        max_length=30,
        help_text="For example 2026/27 Q2.",
        error_messages={"required": "Enter the quarter to open, like 2026/27 Q2"},
    )
    deadline = DateField(
        label="Deadline",
        required=False,
        widget=DATE_WIDGET,
        help_text="Leave empty for the last day of the month after the quarter ends.",
    )
    # Asked for only when the quarter has not ended yet (the service refuses without it).
    early = forms.BooleanField(label="Yes, open this quarter before it ends", required=False)

    def clean_period(self):
        from goldenthread.rules import Frequency, Period, PeriodError

        try:
            period = Period.parse(self.cleaned_data["period"])
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from error
        if period.frequency != Frequency.QUARTERLY:
            raise forms.ValidationError(
                f"{period.label} is not a quarter: enter one like 2026/27 Q2"
            )
        return period
