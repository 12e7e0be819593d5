"""django-allauth's password forms in our words (settings.ACCOUNT_FORMS): labels in
sentence case, no placeholders (GOV.UK: a placeholder is not a label), the password
rules as a plain hint, and messages that say what to do."""

from allauth.account import forms as allauth_forms

NEW_PASSWORD_HINT = (
    "At least 8 characters. Not a common password, not all numbers, and not like your "
    "name, username or e-mail address."
)
MISMATCH = "You must type the same password each time."


class _Tidy:
    labels: dict[str, str] = {}
    hints: dict[str, str] = {}
    required: dict[str, str] = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            field.widget.attrs.pop("autofocus", None)
            if name in self.labels:
                field.label = self.labels[name]
            if name in self.hints or name.startswith("password"):
                field.help_text = self.hints.get(name, "")
            if name in self.required:
                field.error_messages["required"] = self.required[name]

    def add_error(self, field, error) -> None:
        if field == "password2" and str(error) == MISMATCH:
            error = "Enter the same new password in both boxes"
        super().add_error(field, error)


_NEW = {
    "password1": "Enter a new password",
    "password2": "Enter the new password again",
}


class ChangePasswordForm(_Tidy, allauth_forms.ChangePasswordForm):
    labels = {
        "oldpassword": "Current password",
        "password1": "New password",
        "password2": "New password again",
    }
    hints = {"password1": NEW_PASSWORD_HINT}
    required = {"oldpassword": "Enter your current password", **_NEW}

    def clean_oldpassword(self) -> str:
        from django.core.exceptions import ValidationError

        try:
            return super().clean_oldpassword()
        except ValidationError:
            raise ValidationError(
                "Your current password is not right: type it again", code="enter_current_password"
            ) from None


class SetPasswordForm(_Tidy, allauth_forms.SetPasswordForm):
    labels = {"password1": "Password", "password2": "Password again"}
    hints = {"password1": NEW_PASSWORD_HINT}
    required = {"password1": "Enter a password", "password2": "Enter the password again"}


class ResetPasswordForm(_Tidy, allauth_forms.ResetPasswordForm):
    labels = {"email": "E-mail address"}
    hints = {"email": "The address your Golden Thread account uses."}
    required = {"email": "Enter your e-mail address"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages["invalid"] = (
            "Enter an e-mail address in the right form, like name@example.org"
        )


class ResetPasswordKeyForm(_Tidy, allauth_forms.ResetPasswordKeyForm):
    labels = {"password1": "New password", "password2": "New password again"}
    hints = {"password1": NEW_PASSWORD_HINT}
    required = _NEW
