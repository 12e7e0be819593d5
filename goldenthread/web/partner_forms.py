"""Forms of the shared-direction pages (issue 17): they parse; core.services.partners
decides."""

from django import forms

from goldenthread.core.models import (
    OutsideContribution,
    PartnerDecisionDate,
    PartnerProfile,
    PlanSignUp,
)
from goldenthread.web.forms import DATE_WIDGET, DateField, number_field, text_field

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class SignUpForm(forms.Form):
    state = forms.ChoiceField(
        label="Does your organisation sign up to this version of the plan?",
        choices=PlanSignUp.State.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether you agree, agree with comments, or raise a concern"
        },
    )
    comment = text_field(
        PlanSignUp,
        "comment",
        label="Comments or concern",
        help_text="Needed if you agree with comments or raise a concern.",
        required=False,
        widget=TEXTAREA,
    )


class ProfileForm(forms.Form):
    statutory_duties = text_field(
        PartnerProfile,
        "statutory_duties",
        label="Statutory duties",
        help_text="The duties the law places on it that bear on this partnership's work.",
        required=False,
        widget=TEXTAREA,
    )
    own_plans = text_field(
        PartnerProfile,
        "own_plans",
        label="Its own plans and targets",
        help_text="Its own plans, and the targets it must meet, that this work touches.",
        required=False,
        widget=TEXTAREA,
    )
    planning_cycle = text_field(
        PartnerProfile,
        "planning_cycle",
        label="Planning and budget timescales",
        help_text="When it plans and when it sets its budget. Add the dates below.",
        required=False,
        widget=TEXTAREA,
    )
    capacity_year = forms.IntegerField(
        label="Capacity stated for the financial year starting in",
        help_text="For example 2025 for 2025/26.",
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": "Enter the financial year as a year, like 2025"},
    )
    capacity_people = number_field(
        PartnerProfile,
        "capacity_people",
        label="People it can commit (full-time equivalent)",
        help_text="For example 2.5.",
    )
    capacity_money = number_field(
        PartnerProfile,
        "capacity_money",
        money=True,
        label="Money it can commit (£)",
    )
    max_actions = forms.IntegerField(
        label="Most actions it can lead at once",
        required=False,
        min_value=0,
        max_value=32767,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": "Enter the number of actions as a whole number, like 3"},
    )
    board_decisions = text_field(
        PartnerProfile,
        "board_decisions",
        label="Decisions it needs from its own board",
        required=False,
        widget=TEXTAREA,
    )


class DecisionDateForm(forms.Form):
    date = DateField(
        label="Date of the decision",
        widget=DATE_WIDGET,
        error_messages={"required": "Enter the date of the decision"},
    )
    what = text_field(
        PartnerDecisionDate,
        "what",
        label="What is decided",
        help_text="For example “Board approves budget”.",
        error_messages={"required": "Say what is decided on that date"},
    )


class ContributionForm(forms.Form):
    organisation_name = text_field(
        OutsideContribution,
        "organisation_name",
        label="Organisation",
        help_text="An organisation that is not a member of the partnership.",
        error_messages={"required": "Enter the name of the organisation that contributes"},
    )
    kind = forms.ChoiceField(
        label="What it contributes",
        choices=OutsideContribution.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of contribution it is"},
    )
    description = text_field(
        OutsideContribution,
        "description",
        label="Description",
        widget=TEXTAREA,
        error_messages={"required": "Describe the contribution"},
    )
    amount = number_field(
        OutsideContribution,
        "amount",
        money=True,
        label="Amount (£), for money",
        help_text="Leave blank for people, data, venues or other help.",
    )
    year = forms.IntegerField(
        label="Financial year starting in",
        help_text="For example 2025 for 2025/26.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the financial year of the contribution",
            "invalid": "Enter the financial year as a year, like 2025",
        },
    )
