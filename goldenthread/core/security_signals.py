"""Receivers that keep the record of security events (core.security.record) for what
Django and django-allauth announce: sign-ins, sign-outs, failed sign-ins and changes to and
failures of the second factor. Connected in CoreConfig.ready(). Refusals for too many
failures are recorded by the account adapter (web.allauth_adapters), refused requests by
web.middleware.RefusedRequestMiddleware, and the rest by the services that do them."""

import time

from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Q
from django.http import HttpRequest

from .models import SecurityEvent, User
from .security import (
    REQUEST_SESSION_EXPIRED,
    SESSION_MFA_CHECKED_AT,
    SESSION_MFA_OK,
    SESSION_SEEN_AT,
    SESSION_SIGNED_IN_AT,
    record,
    second_factor_needed,
)

Kind = SecurityEvent.Kind

METHODS = {
    "password": "password",
    "mfa": "second factor",
    "socialaccount": "organisation's sign-in",
    "code": "code by e-mail",
}

AUTHENTICATOR_NAMES = {
    Authenticator.Type.TOTP: "authenticator app",
    Authenticator.Type.RECOVERY_CODES: "recovery codes",
    Authenticator.Type.WEBAUTHN: "security key or passkey",
}


def _how(request: HttpRequest, user: User) -> str:
    from allauth.account.authentication import get_authentication_records

    methods: list[str] = []
    for r in get_authentication_records(request, user):
        name = METHODS.get(r.get("method"), str(r.get("method", "")))
        if r.get("method") == "socialaccount" and r.get("provider"):
            name = f"{name} ({r['provider']})"
        if name not in methods:
            methods.append(name)
    return "with " + " and ".join(methods) if methods else ""


def on_signed_in(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    if request is None:
        return
    session = getattr(request, "session", None)
    if session is not None:
        now = time.time()
        session[SESSION_SIGNED_IN_AT] = now
        session[SESSION_SEEN_AT] = now
        session.pop(SESSION_MFA_OK, None)
        session.pop(SESSION_MFA_CHECKED_AT, None)
        # The second-factor rule, settled now rather than on the first page
        # (web.middleware.SecondFactorRequiredMiddleware looks again later if need be).
        needed = second_factor_needed(request, user)
        if needed is None:
            session[SESSION_MFA_OK] = True
        elif not needed:
            session[SESSION_MFA_CHECKED_AT] = now
    record(Kind.SIGNED_IN, request=request, actor=user, detail=_how(request, user))


def on_signed_out(sender, request: HttpRequest | None, user: User | None, **kwargs) -> None:
    if request is None or user is None or getattr(request, REQUEST_SESSION_EXPIRED, False):
        return
    record(Kind.SIGNED_OUT, request=request, actor=user)


def _account_for(login: str) -> User | None:
    if not login:
        return None
    return User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login)).first()


def on_sign_in_failed(
    sender, credentials: dict, request: HttpRequest | None = None, **kwargs
) -> None:
    login = str(
        credentials.get("username") or credentials.get("email") or credentials.get("login") or ""
    )
    subject = _account_for(login)
    record(Kind.SIGN_IN_FAILED, request=request, actor=None, subject=subject, login=login)


def on_authenticator_added(sender, request, user, authenticator, **kwargs) -> None:
    record(
        Kind.SECOND_FACTOR_ADDED,
        request=request,
        actor=user,
        detail=AUTHENTICATOR_NAMES.get(authenticator.type, authenticator.type),
    )


def on_authenticator_removed(sender, request, user, authenticator, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        # The rule "set up a second factor first" is looked at again on the next request.
        request.session.pop(SESSION_MFA_OK, None)
        request.session.pop(SESSION_MFA_CHECKED_AT, None)
    record(
        Kind.SECOND_FACTOR_REMOVED,
        request=request,
        actor=user,
        detail=AUTHENTICATOR_NAMES.get(authenticator.type, authenticator.type),
    )


def on_authenticator_reset(sender, request, user, authenticator, **kwargs) -> None:
    record(Kind.RECOVERY_CODES, request=request, actor=user)


def on_second_factor_failed(sender, request, user, authenticator, **kwargs) -> None:
    what = AUTHENTICATOR_NAMES.get(authenticator.type, authenticator.type)
    when = "confirming who they are" if kwargs.get("reauthentication") else "signing in"
    # Nobody is signed in yet when signing in: the person is the subject, not the actor.
    signed_in = getattr(getattr(request, "user", None), "is_authenticated", False)
    record(
        Kind.SECOND_FACTOR_FAILED,
        request=request,
        actor=user if signed_in else None,
        subject=user,
        detail=f"wrong code ({what}) while {when}",
    )


def connect() -> None:
    user_logged_in.connect(on_signed_in, dispatch_uid="gt-security-signed-in")
    user_logged_out.connect(on_signed_out, dispatch_uid="gt-security-signed-out")
    user_login_failed.connect(on_sign_in_failed, dispatch_uid="gt-security-sign-in-failed")
    mfa_signals.authenticator_added.connect(on_authenticator_added, dispatch_uid="gt-mfa-added")
    mfa_signals.authenticator_removed.connect(
        on_authenticator_removed, dispatch_uid="gt-mfa-removed"
    )
    mfa_signals.authenticator_reset.connect(on_authenticator_reset, dispatch_uid="gt-mfa-reset")
    mfa_signals.authentication_failed.connect(on_second_factor_failed, dispatch_uid="gt-mfa-failed")
