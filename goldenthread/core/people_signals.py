"""The security record of passwords (issue 14): django-allauth's signals for a password
changed, reset through the e-mailed link, or set for the first time, and the adapter's
call when someone asks for a reset link (allauth has no signal for that). Connected in
CoreConfig.ready()."""

from __future__ import annotations

from django.http import HttpRequest

from .models import SecurityEvent, User
from .security import record

Kind = SecurityEvent.Kind


def on_password_changed(sender, request: HttpRequest, user: User, **kwargs) -> None:
    record(Kind.PASSWORD_CHANGED, request=request, actor=user, subject=user)


def on_password_set(sender, request: HttpRequest, user: User, **kwargs) -> None:
    record(
        Kind.PASSWORD_CHANGED,
        request=request,
        actor=user,
        subject=user,
        detail="First password set",
    )


def on_password_reset(sender, request: HttpRequest, user: User, **kwargs) -> None:
    record(Kind.PASSWORD_RESET, request=request, actor=user, subject=user)


def password_reset_asked(request: HttpRequest | None, email: str, user: User | None) -> None:
    """Someone asked for a reset link for `email` (for an account, or for none: the page
    they see is the same either way; only this record says which)."""
    anonymous = (
        request is None or not getattr(request, "user", None) or not request.user.is_authenticated
    )
    record(
        Kind.PASSWORD_RESET_ASKED,
        request=request,
        actor=None if anonymous else request.user,
        subject=user,
        login=email,
        detail="" if user is not None else "No account has this address: none was sent a link",
    )


def connect() -> None:
    from allauth.account import signals

    signals.password_changed.connect(on_password_changed, dispatch_uid="gt-password-changed")
    signals.password_set.connect(on_password_set, dispatch_uid="gt-password-set")
    signals.password_reset.connect(on_password_reset, dispatch_uid="gt-password-reset")
