"""Forms of the council indicator library's pages (issue 16). They only parse: who may
write, and every rule of what is written, are goldenthread.core.services.library's."""

from django import forms
from django.core.exceptions import ValidationError

from goldenthread.core.models import (
    Indicator,
    LibraryIndicator,
    LibraryResult,
    Organisation,
    Partnership,
    User,
)
from goldenthread.core.services.library import LIBRARY_FIELDS
from goldenthread.web.forms import number_field, text_field
from goldenthread.web.plan_forms import member_people, partner_organisations


class LibraryIndicatorForm(forms.ModelForm):
    class Meta:
        model = LibraryIndicator
        fields = list(LIBRARY_FIELDS)
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 3}),
            "source": forms.Textarea(attrs={"rows": 2}),
            "polarity": forms.RadioSelect,
            "frequency": forms.RadioSelect,
            "roll_up": forms.RadioSelect,
        }
        error_messages = {
            "code": {
                "required": "Enter a code for the library indicator, like NEET1",
                "unique": "The library already has an indicator with this code: choose another.",
            },
            "title": {"required": "Enter the indicator's title"},
            "decimals": {"required": "Enter how many decimal places to show, from 0 to 6"},
            "polarity": {"required": "Choose which way is better, if either"},
            "frequency": {"required": "Choose how often the indicator is measured"},
            "roll_up": {"required": "Choose how the periods make up the year's figure"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by(
            "first_name", "last_name", "username"
        )
        self.fields["owner"].empty_label = "No owner yet"
        self.fields["owner_organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["owner_organisation"].label = "Owner's organisation"
        self.fields["decimals"].error_messages["invalid"] = "Enter a whole number from 0 to 6."

    def clean_decimals(self):
        decimals = self.cleaned_data["decimals"]
        if decimals is not None and decimals > 6:
            raise ValidationError("Enter a whole number from 0 to 6.")
        return decimals


class LibraryResultForm(forms.Form):
    period = LibraryResult._meta.get_field("period").formfield(
        label="Period",
        help_text="For example 2025/26 Q2, 2025/26 or Sep 2025.",
        error_messages={"required": "Enter the period, like 2025/26 Q2"},
    )
    value = number_field(LibraryResult, "value", label="Result", required=False)
    not_available = forms.BooleanField(label="Not available", required=False)
    not_available_reason = text_field(
        LibraryResult,
        "not_available_reason",
        label="Why is it not available?",
        required=False,
    )
    note = text_field(
        LibraryResult,
        "note",
        label="Note",
        required=False,
        help_text="For example, “provisional”. Every plan that uses the indicator shows it.",
    )

    def clean(self):
        data = super().clean()
        if (
            not data.get("not_available")
            and data.get("value") is None
            and "value" not in self.errors
        ):
            self.add_error("value", "Enter the result, or mark it not available.")
        if data.get("not_available") and not (data.get("not_available_reason") or "").strip():
            self.add_error("not_available_reason", "Say why the result is not available.")
        return data


class UseLibraryIndicatorForm(forms.Form):
    library_indicator = forms.ModelChoiceField(
        queryset=LibraryIndicator.objects.none(),
        label="Library indicator",
        empty_label="Choose an indicator",
        error_messages={"required": "Choose the library indicator the plan will use"},
    )
    code = text_field(
        Indicator,
        "code",
        label="Code in this partnership",
        required=False,
        help_text="Leave blank to use the library's code.",
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Owner in this partnership",
        help_text="Sets its targets and explains its results in the return.",
    )
    owner_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, label="Owner's organisation"
    )

    def __init__(self, *args, partnership: Partnership, fixed_owner: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library_indicator"].queryset = LibraryIndicator.objects.order_by(
            "title", "code"
        )
        self.fields["owner"].queryset = member_people(partnership)
        self.fields["owner_organisation"].queryset = partner_organisations(partnership)
        if fixed_owner is not None:
            self.fields["owner"].initial = fixed_owner.pk
            self.fields["owner"].disabled = True


class LinkToLibraryForm(forms.Form):
    """Which library indicator a partnership's own copy of a measure is linked to, and,
    once the page has shown the results that differ, the confirmation that the library's
    replace them."""

    library_indicator = forms.ModelChoiceField(
        queryset=LibraryIndicator.objects.none(),
        label="Council library indicator",
        empty_label="Choose an indicator",
        error_messages={
            "required": "Choose the library indicator to link it to",
            "invalid_choice": "Choose one of the library indicators offered",
        },
    )
    replace_differing = forms.BooleanField(
        required=False, label="Replace these results with the library's"
    )
    # The library indicator whose differing results the page showed: a confirmation
    # counts only for those, not for another indicator chosen since.
    shown_for = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, offered: list[LibraryIndicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library_indicator"].queryset = LibraryIndicator.objects.filter(
            pk__in=[li.pk for li in offered]
        ).order_by("title", "code")

    def clean(self):
        data = super().clean()
        chosen = data.get("library_indicator")
        if data.get("replace_differing") and (
            chosen is None or data.get("shown_for") != str(chosen.pk)
        ):
            data["replace_differing"] = False
        return data
