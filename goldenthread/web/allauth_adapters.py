"""django-allauth's hooks into Golden Thread: who may sign up (nobody, except by
invitation) and how a sign-in through an organisation's identity provider finds its
account. The decisions are the core services'; these classes only call them."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    # A reset link asked for goes in the security record (allauth has no signal for it),
    # for an account or for an address with none; the page shown is the same either way.
    def send_password_reset_mail(self, user, email, context) -> None:
        from goldenthread.core.people_signals import password_reset_asked

        password_reset_asked(context.get("request") or self.request, email, user)
        super().send_password_reset_mail(user, email, context)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        if template_prefix == "account/email/unknown_account":
            from goldenthread.core.people_signals import password_reset_asked

            password_reset_asked(context.get("request") or self.request, email, None)
        super().send_mail(template_prefix, email, context)

    def add_message(self, request, level, message_template=None, *args, **kwargs) -> None:
        # The invitation page welcomes the person it signs in (web/views/people.py).
        if getattr(request, "gt_quiet_sign_in", False) and message_template == (
            "account/messages/logged_in.txt"
        ):
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    # Limits on guessing (settings.ACCOUNT_RATE_LIMITS "login_failed"). The same words
    # whether or not the account exists; no count of tries left.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Too many failed attempts to sign in. For your safety, signing in is paused "
            "for up to 15 minutes. Try again later, or ask for a new password."
        ),
    }

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Failures are counted per account, however it is named (e-mail address or
        username, in any case), or per what was typed when there is no such account."""
        from django.db.models import Q

        from goldenthread.core.models import User

        login = str(credentials.get("email") or credentials.get("username") or "").strip()
        user = (
            User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login))
            .values_list("pk", flat=True)
            .first()
            if login
            else None
        )
        return f"account:{user}" if user is not None else f"login:{login.casefold()}"

    def pre_authenticate(self, request, **credentials) -> None:
        from django.core.exceptions import ValidationError

        from goldenthread.core.models import SecurityEvent
        from goldenthread.core.security import record

        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            login = str(credentials.get("email") or credentials.get("username") or "")
            record(
                SecurityEvent.Kind.SIGN_IN_LOCKED,
                request=request,
                login=login,
                detail="password not tried: too many failures for this account or address",
            )
            raise


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": (
            "The code is not right. Enter the 6-digit code your authenticator app shows "
            "now, or one of your recovery codes."
        ),
    }


class SecondFactorForm(AuthenticateForm):
    """allauth's second-factor sign-in form; a refusal for too many wrong codes is
    recorded (wrong codes themselves are, through allauth's signal)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _code_field(
            self.fields["code"],
            "Code",
            "The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        )

    def clean_code(self) -> str:
        from allauth.core import context
        from django.core.exceptions import ValidationError

        from goldenthread.core.models import SecurityEvent
        from goldenthread.core.security import record

        try:
            return super().clean_code()
        except ValidationError as error:
            if error.code == "too_many_login_attempts":
                record(
                    SecurityEvent.Kind.SIGN_IN_LOCKED,
                    request=context.request,
                    subject=self.user,
                    detail="second-factor code not tried: too many wrong codes",
                )
            raise


class ActivateAuthenticatorAppForm(ActivateTOTPForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _code_field(self.fields["code"], "Code from the app", "The 6-digit code the app shows now.")


class ConfirmWithCodeForm(ReauthenticateForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _code_field(
            self.fields["code"],
            "Code",
            "The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        )


def _code_field(field, label: str, hint: str) -> None:
    field.label = label
    field.help_text = hint
    field.widget.attrs = {
        "autocomplete": "one-time-code",
        "spellcheck": "false",
        "class": "govuk-input--width-10",
    }


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Sign-in through an organisation's identity provider: whose account it is, and
    whether it may go on, is core.services.sign_in.sign_in_through's decision; a refusal
    is shown on our page (web/sign_in/refused.html)."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def pre_social_login(self, request, sociallogin) -> None:
        from allauth.core.exceptions import ImmediateHttpResponse
        from django.shortcuts import render

        from goldenthread.core.services import sign_in

        app = sociallogin.provider.app if sociallogin.provider else None
        provider = sign_in.provider_for_app(app)
        linked = sociallogin.user if sociallogin.is_existing else None
        try:
            user, link = sign_in.sign_in_through(
                provider=provider,
                claims=sign_in.claims_of(sociallogin.account.extra_data or {}),
                uid=sociallogin.account.uid,
                linked_user=linked,
                invitation_id=request.session.get("invitation_id"),
                request=request,
            )
        except sign_in.SignInRefused as refusal:
            response = render(
                request,
                "web/sign_in/refused.html",
                {"message": refusal.message, "provider": provider},
                status=403,
            )
            raise ImmediateHttpResponse(response) from None
        if link:
            request.session.pop("invitation_id", None)
            sociallogin.connect(request, user)

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        # The provider said no, or did not answer: kept in the security record.
        from goldenthread.core.models import SecurityEvent
        from goldenthread.core.security import record

        record(
            SecurityEvent.Kind.PROVIDER_REFUSED,
            request=request,
            detail=f"{getattr(provider, 'name', provider)}: {error or 'error'}"
            + (f" ({type(exception).__name__})" if exception else ""),
        )
