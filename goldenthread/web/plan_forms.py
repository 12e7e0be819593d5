"""Forms for writing a plan. They only validate; the services in
goldenthread.core.services.plans do the writing."""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from goldenthread.core.models import (
    Action,
    Indicator,
    Milestone,
    Objective,
    Organisation,
    Outcome,
    Partnership,
    Plan,
    PlanTarget,
    SmartWaiver,
    User,
)
from goldenthread.core.planning import SmartItem
from goldenthread.core.services.plans import ActionDecision
from goldenthread.rules import Criterion, Frequency, Period, PeriodError, financial_year_of
from goldenthread.web.forms import DATE_WIDGET, DateField, number_field, text_field


def year_choices(around: int) -> list[tuple[int, str]]:
    return [
        (y, Period.parse(f"{y}/{(y + 1) % 100:02d}").label) for y in range(around - 5, around + 11)
    ]


class PlanForm(forms.ModelForm):
    first_year = forms.TypedChoiceField(label="First financial year", coerce=int)
    last_year = forms.TypedChoiceField(label="Last financial year", coerce=int)

    class Meta:
        model = Plan
        fields = ["title", "vision", "key_issues", "first_year", "last_year"]
        labels = {"key_issues": "Key issues"}
        error_messages = {"title": {"required": "Enter the plan's title"}}
        help_texts = {
            "vision": "In a sentence or two, what the partnership wants to achieve.",
            "key_issues": "One issue per line: what the plan sets out to address.",
        }
        widgets = {
            "vision": forms.Textarea(attrs={"rows": 3}),
            "key_issues": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = year_choices(financial_year_of(datetime.date.today()))
        self.fields["first_year"].choices = choices
        self.fields["last_year"].choices = choices

    def clean(self):
        data = super().clean()
        first, last = data.get("first_year"), data.get("last_year")
        if first is not None and last is not None and last < first:
            self.add_error(
                "last_year", "The plan must end in the same financial year or after it starts."
            )
        return data


class PeopleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.username}" + (
            f", {obj.organisation}" if obj.organisation else ""
        )


class OutcomeChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Outcome) -> str:
        return f"{obj.code} {obj.title}"


class IndicatorChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Indicator) -> str:
        return f"{obj.code} {obj.title}"


def member_people(partnership: Partnership):
    return (
        User.objects.filter(memberships__partnership=partnership)
        .select_related("organisation")
        .order_by("first_name", "last_name")
    )


def partner_organisations(partnership: Partnership):
    return Organisation.objects.filter(
        pk__in=[
            partnership.lead_organisation_id,
            *partnership.memberships.values_list("organisation", flat=True),
        ]
    )


class OwnedItemForm(forms.Form):
    """Owner and lead organisation, chosen from the partnership. A member drafting an
    item owns it: the owner field is fixed to them."""

    def __init__(self, *args, partnership: Partnership, fixed_owner: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = member_people(partnership)
        self.fields["lead_organisation"].queryset = partner_organisations(partnership)
        if fixed_owner is not None:
            self.fields["owner"].initial = fixed_owner.pk
            self.fields["owner"].disabled = True
            self.fields[
                "owner"
            ].help_text = "You own the items you draft; the lead can change this."


class ObjectiveForm(OwnedItemForm):
    title = text_field(
        Objective,
        "title",
        help_text="What will change, for whom, by when.",
        error_messages={"required": "Enter the objective's title"},
    )
    description = text_field(
        Objective,
        "description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say what success looks like.",
    )
    owner = PeopleChoiceField(
        queryset=User.objects.none(), required=False, empty_label="No owner yet"
    )
    lead_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, empty_label="None yet"
    )
    deadline = DateField(required=False, widget=DATE_WIDGET)
    outcomes = OutcomeChoiceField(
        queryset=Outcome.objects.none(),
        required=False,
        label="Strategic outcomes it contributes to",
        help_text="The golden thread: choose the council outcomes this objective works towards.",
    )
    indicators = IndicatorChoiceField(
        queryset=Indicator.objects.none(), required=False, label="Indicators that measure it"
    )

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, partnership=partnership, **kwargs)
        self.fields["outcomes"].queryset = Outcome.objects.select_related(
            "strategic_plan"
        ).order_by("strategic_plan__title", "code")
        self.fields["indicators"].queryset = partnership.indicators.order_by("code")

    @classmethod
    def initial_for(cls, objective: Objective) -> dict:
        return {
            "title": objective.title,
            "description": objective.description,
            "owner": objective.owner_id,
            "lead_organisation": objective.lead_organisation_id,
            "deadline": objective.deadline,
            "outcomes": list(objective.outcomes.all()),
            "indicators": list(objective.indicators.all()),
        }


class ActionForm(OwnedItemForm):
    title = text_field(Action, "title", error_messages={"required": "Enter the action's title"})
    description = text_field(
        Action, "description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = PeopleChoiceField(
        queryset=User.objects.none(), required=False, empty_label="No owner yet"
    )
    lead_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, empty_label="None yet"
    )
    start_date = DateField(required=False, widget=DATE_WIDGET)
    due_date = DateField(required=False, widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        start, due = data.get("start_date"), data.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", "Enter a due date on or after the start date.")
        return data


class MilestoneForm(forms.Form):
    title = text_field(Milestone, "title", required=False, label="Milestone")
    due_date = DateField(required=False, widget=DATE_WIDGET, label="Due")

    def clean(self):
        data = super().clean()
        if data.get("title") and not data.get("due_date") and "due_date" not in self.errors:
            self.add_error("due_date", "Enter the date this milestone is due.")
        if data.get("due_date") and not data.get("title"):
            self.add_error("title", "Say what the milestone is.")
        return data


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=2, max_num=20)


class IndicatorForm(forms.ModelForm):
    baseline = number_field(Indicator, "baseline")
    tolerance = number_field(
        Indicator,
        "tolerance",
        label="Amber tolerance",
        required=True,
        min_value=Decimal(0),
        initial=Decimal(5),
        error_messages={
            "required": "Enter the amber tolerance, like 5",
            "min_value": "The tolerance cannot be negative.",
        },
        help_text="How far from target a result may be and still be amber rather than red.",
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "title",
            "definition",
            "unit",
            "decimals",
            "polarity",
            "frequency",
            "roll_up",
            "baseline",
            "baseline_period",
            "data_source",
            "owner",
            "owner_organisation",
            "tolerance_kind",
            "tolerance",
        ]
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 3}),
            "data_source": forms.Textarea(attrs={"rows": 2}),
            "polarity": forms.RadioSelect,
            "frequency": forms.RadioSelect,
            "tolerance_kind": forms.RadioSelect,
        }
        error_messages = {
            "code": {"required": "Enter a code for the indicator, like CS06"},
            "title": {"required": "Enter the indicator's title"},
            "decimals": {"required": "Enter how many decimal places to show, from 0 to 6"},
            "polarity": {"required": "Choose which way is better, if either"},
            "frequency": {"required": "Choose how often the indicator is measured"},
            "roll_up": {"required": "Choose how the periods make up the year's figure"},
            "tolerance_kind": {
                "required": "Choose whether the tolerance is a percentage or an amount"
            },
        }
        help_texts = {
            "baseline_period": "For example 2023/24, 2023/24 Q4 or Mar 2024.",
            "code": "A short reference, unique in the partnership, like CS06.",
        }

    def __init__(self, *args, partnership: Partnership, fixed_owner: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.instance.partnership = partnership
        self.fields["owner"].queryset = member_people(partnership)
        self.fields["owner_organisation"].queryset = partner_organisations(partnership)
        self.fields["decimals"].error_messages["invalid"] = "Enter a whole number from 0 to 6."
        if fixed_owner is not None:
            self.fields["owner"].initial = fixed_owner.pk
            self.fields["owner"].disabled = True

    def clean_decimals(self):
        decimals = self.cleaned_data["decimals"]
        if decimals is not None and decimals > 6:
            raise ValidationError("Enter a whole number from 0 to 6.")
        return decimals

    def clean(self):
        data = super().clean()
        period, frequency = data.get("baseline_period"), data.get("frequency")
        if period and frequency and period.frequency != frequency:
            self.add_error(
                "baseline_period",
                f"{period.label} is not a {Frequency(frequency).label.lower()} period.",
            )
        return data


class TargetRowForm(forms.Form):
    period = forms.CharField(max_length=30)
    value = number_field(PlanTarget, "value", label="Target")
    upper = number_field(PlanTarget, "upper", label="Upper edge of band")

    def clean_period(self) -> Period:
        text = self.cleaned_data["period"]
        try:
            return Period.parse(text)
        except PeriodError as error:
            raise ValidationError(str(error)) from error


TargetFormSet = forms.formset_factory(TargetRowForm, extra=0, max_num=200)


def version_label(plan: Plan) -> str:
    return f"Version {plan.version} ({plan.get_status_display().lower()})"


class CompareForm(forms.Form):
    old = forms.ModelChoiceField(
        queryset=Plan.objects.none(), label="Compare version", empty_label=None
    )
    new = forms.ModelChoiceField(
        queryset=Plan.objects.none(), label="with version", empty_label=None
    )

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        versions = partnership.plans.order_by("version")
        self.fields["old"].queryset = versions
        self.fields["new"].queryset = versions
        for name in ("old", "new"):
            self.fields[name].label_from_instance = version_label

    def clean(self):
        data = super().clean()
        if data.get("old") and data.get("new") and data["old"] == data["new"]:
            self.add_error("new", "Choose two different versions to compare.")
        return data


class ReasonsForm(forms.Form):
    """A reason for each SMART failure the plan is being approved with."""

    def __init__(self, *args, failures: list[SmartItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.failures = failures
        for item in failures:
            criterion = Criterion(item.criterion).label
            field = text_field(
                SmartWaiver,
                "reason",
                label=f"{item.subject}, {criterion}: {item.message}",
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": "Give a reason for approving the plan with this gap."},
            )
            # The same message for every gap: the error summary says which gap it is.
            field.item = f"{item.subject} ({criterion.lower()}: {item.message})"
            self.fields[item.key] = field


class ReviseForm(forms.Form):
    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"] = text_field(
            Plan,
            "revision_reason",
            label="Why is the plan being revised?",
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": "Say why the plan is being revised."},
        )
        self.actions = list(actions)
        for action in self.actions:
            self.fields[f"action_{action.pk}"] = forms.ChoiceField(
                label=f"{action.ref} {action.title} ({action.get_state_display().lower()})",
                choices=[("carry", "Carry it into the new version"), ("close", "Close it")],
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose whether to carry {action.ref} forward or close it."
                },
            )
            self.fields[f"close_{action.pk}"] = text_field(
                Action, "closed_reason", label=f"If closing {action.ref}, why?", required=False
            )

    def clean(self):
        data = super().clean()
        for action in self.actions:
            if (
                data.get(f"action_{action.pk}") == "close"
                and not data.get(f"close_{action.pk}", "").strip()
            ):
                self.add_error(f"close_{action.pk}", f"Say why {action.ref} is being closed.")
        return data

    def action_rows(self) -> list:
        return [(a, self[f"action_{a.pk}"], self[f"close_{a.pk}"]) for a in self.actions]

    def decisions(self) -> dict[int, ActionDecision]:
        return {
            a.pk: ActionDecision(
                carry=self.cleaned_data[f"action_{a.pk}"] == "carry",
                reason=self.cleaned_data.get(f"close_{a.pk}", ""),
            )
            for a in self.actions
        }
