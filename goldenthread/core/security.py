"""The record of security events (issue 14): sign-ins, failures, second-factor changes,
password resets, invitations, role changes, deactivations and refused requests, each with
who, when and from where. Kept in the database for the performance team's page and written
to the log ("goldenthread.security") for the council's log collector.

Everything taken from the request (the login typed, the browser's description of itself,
the path) comes from whoever sent it: it is cut to its column's length and cleaned of
characters that cannot be stored, so no request can make recording fail."""

import ipaddress
import logging

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from goldenthread.rules.inputs import without_unstorable

from .models import SecurityEvent, User

log = logging.getLogger("goldenthread.security")


def _clean(text: str, limit: int) -> str:
    return without_unstorable(str(text or ""))[:limit]


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, as django-allauth's rate limits see it (behind a proxy:
    ALLAUTH_TRUSTED_PROXY_COUNT hops in from the right of X-Forwarded-For)."""
    if request is None:
        return None
    try:
        return str(ipaddress.ip_address(get_adapter(request).get_client_ip(request).strip()))
    except (PermissionDenied, ValueError):
        return None


def record(
    kind: SecurityEvent.Kind,
    *,
    request: HttpRequest | None = None,
    actor: User | None = None,
    subject: User | None = None,
    login: str = "",
    detail: str = "",
) -> SecurityEvent:
    """Keep a security event and log it. `actor` defaults to the person signed in on the
    request, `subject` (whom it is about) to the actor."""
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    subject = subject or actor
    event = SecurityEvent.objects.create(
        kind=kind,
        actor=actor,
        subject=subject,
        login=_clean(login, 254),
        ip_address=client_ip(request),
        user_agent=_clean(request.META.get("HTTP_USER_AGENT", ""), 300) if request else "",
        path=_clean(request.path, 300) if request else "",
        detail=_clean(detail, 500),
    )
    log.info(
        "security event %s",
        kind.value if hasattr(kind, "value") else kind,
        extra={
            "event": str(kind),
            "actor": actor.pk if actor else None,
            "subject": subject.pk if subject else None,
            "login": event.login,
            "ip": event.ip_address,
            "path": event.path,
            "detail": event.detail,
        },
    )
    return event
