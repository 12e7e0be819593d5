"""Forms of the sign-in pages and of the performance team's identity provider pages.
They only validate; the rules are core.services.sign_in's."""

from django import forms

from goldenthread.core.models import Organisation


class SignInStartForm(forms.Form):
    """Step 1 of signing in: who are you? (The e-mail's domain may belong to an
    organisation's identity provider.)"""

    login = forms.CharField(
        label="Email address or username",
        max_length=254,
        strip=True,
        error_messages={"required": "Enter your email address or username"},
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )


class IdentityProviderForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="As people know it, for example Trafford Council.",
        error_messages={"required": "Enter the name"},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.order_by("name"),
        empty_label="Choose the organisation",
        error_messages={
            "required": "Choose the organisation",
            "invalid_choice": "Choose the organisation",
        },
    )
    issuer = forms.CharField(
        label="Issuer URL",
        max_length=500,
        help_text=(
            "From the organisation's IT. For Microsoft Entra ID: "
            "https://login.microsoftonline.com/ followed by the tenant ID and /v2.0"
        ),
        error_messages={"required": "Enter the issuer URL"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    client_id = forms.CharField(
        label="Client ID",
        max_length=191,
        help_text="For Microsoft Entra ID: the application (client) ID of the app registration.",
        error_messages={"required": "Enter the client ID"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    secret = forms.CharField(
        label="Client secret",
        max_length=191,
        required=False,
        help_text="For Microsoft Entra ID: the client secret's value (not its ID).",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    domains = forms.CharField(
        label="E-mail domains",
        max_length=5000,
        help_text=(
            "The part after the @ of the e-mail addresses whose people sign in here, "
            "one per line, for example trafford.gov.uk"
        ),
        error_messages={"required": "Enter at least one e-mail domain, like trafford.gov.uk"},
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )
    trusted = forms.BooleanField(
        label="Match people to their existing accounts by verified e-mail address",
        required=False,
        initial=True,
    )
    is_active = forms.BooleanField(
        label="Switched on: people sign in through it", required=False, initial=True
    )

    def __init__(self, *args, adding: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if adding:
            self.fields["secret"].required = True
            self.fields["secret"].error_messages["required"] = "Enter the client secret"
            del self.fields["is_active"]
        else:
            self.fields["secret"].help_text = "Leave empty to keep the secret it has. " + str(
                self.fields["secret"].help_text
            )
