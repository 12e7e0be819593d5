"""The record of security events (issue 14): sign-ins, failures, second-factor changes,
password resets, invitations, role changes, deactivations and refused requests, each with
who, when and from where. Kept in the database for the performance team's page and written
to the log ("goldenthread.security") for the council's log collector.

Everything taken from the request (the login typed, the browser's description of itself,
the path) comes from whoever sent it: it is cut to its column's length and cleaned of
characters that cannot be stored, so no request can make recording fail."""

import datetime
import ipaddress
import logging

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from goldenthread.rules.inputs import without_unstorable

from .access import require_performance_team
from .models import SecurityEvent, SecurityPolicy, User

log = logging.getLogger("goldenthread.security")

# Kept in the session (web.middleware reads them; security_signals writes the first).
SESSION_SIGNED_IN_AT = "gt_signed_in_at"  # when the person signed in (time.time())
SESSION_SEEN_AT = "gt_seen_at"  # their last activity, to within a minute
SESSION_MFA_OK = "gt_mfa_ok"  # the second-factor rule is settled for this session
SESSION_MFA_CHECKED_AT = "gt_mfa_checked_at"
# Set on a request whose sign-out is the session's limit, not the person's choice.
REQUEST_SESSION_EXPIRED = "_gt_session_expired"
REQUEST_RECORDED = "_gt_security_recorded"  # set on a request once an event is recorded


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
    if request is not None:
        # A refusal already recorded as what it is (e.g. PROVIDER_REFUSED) is not recorded
        # again as a refused request (web.middleware.RefusedRequestMiddleware).
        setattr(request, REQUEST_RECORDED, True)
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


def signed_in_through_provider(request: HttpRequest, user: User | None = None) -> bool:
    """The person on this request signed in through an organisation's identity provider
    (django-allauth's record of how this session was authenticated says so)."""
    from allauth.account.authentication import get_authentication_records

    user = user or getattr(request, "user", None)
    records = get_authentication_records(request, user) if user is not None else []
    return any(r.get("method") == "socialaccount" for r in records)


def has_second_factor(user: User) -> bool:
    """An authenticator app or a security key (recovery codes alone are not one)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def second_factor_needed(request: HttpRequest, user: User | None = None) -> bool | None:
    """Whether the person signed in on this request must set up a second factor before
    anything else: True when the council's policy requires one and they signed in with a
    password and have none; False when the policy does not require it (which may change);
    None when it is settled for this session (they have one, or signed in through their
    organisation's provider, whose own second factor is relied on)."""
    user = user or request.user
    if signed_in_through_provider(request, user) or has_second_factor(user):
        return None
    return SecurityPolicy.current().second_factor_required


def security_events(
    viewer: User,
    *,
    kind: str = "",
    person: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[SecurityEvent]:
    """The record, newest first, for the performance team only: of one kind, about or by
    a person (username or e-mail address, in any case, or part of it), between two dates
    (inclusive, in the council's time zone)."""
    require_performance_team(viewer, refusal="Only the council performance team sees this.")
    events = SecurityEvent.objects.select_related("actor", "subject")
    if kind:
        events = events.filter(kind=kind)
    if person:
        events = events.filter(
            Q(actor__username__icontains=person)
            | Q(actor__email__icontains=person)
            | Q(subject__username__icontains=person)
            | Q(subject__email__icontains=person)
            | Q(login__icontains=person)
        )
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    return events.order_by("-at", "-pk")


def set_second_factor_policy(
    user: User, required: bool | None, *, request: HttpRequest | None = None
) -> SecurityPolicy:
    """The performance team requires a second factor for every local account (True), does
    not (False), or leaves it to the deployment's default (None). Recorded."""
    require_performance_team(user, refusal="Only the council performance team does this.")
    policy = SecurityPolicy.current()
    if policy.require_second_factor is not required:
        policy.require_second_factor = required
        policy.updated_by = user
        policy.save()
        record(
            SecurityEvent.Kind.POLICY_CHANGED,
            request=request,
            actor=user,
            subject=None,
            detail="second factor: "
            + {True: "required", False: "not required", None: "the deployment's default"}[required],
        )
    return policy
