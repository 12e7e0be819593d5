"""Middleware of our own."""

import logging
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from goldenthread.core.logs import new_request_id, use_request_id
from goldenthread.core.models import SecurityEvent
from goldenthread.core.security import (
    REQUEST_RECORDED,
    REQUEST_SESSION_EXPIRED,
    SESSION_MFA_CHECKED_AT,
    SESSION_MFA_OK,
    SESSION_SEEN_AT,
    SESSION_SIGNED_IN_AT,
    record,
    second_factor_needed,
)

log = logging.getLogger("goldenthread.request")


class RequestIdMiddleware:
    """Gives each request an id (`core.logs`), for its log lines and the tasks it starts,
    and sends it back in the X-Request-ID header so a person reporting a problem, or the
    proxy's log, can quote it. Logs one line per request (logger goldenthread.request, at
    INFO): method, path, status, milliseconds and the person's id, never the query string
    or the body, which may hold what people typed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with use_request_id(new_request_id(request.headers.get("X-Request-ID"))) as request_id:
            request.request_id = request_id
            started = time.perf_counter()
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if log.isEnabledFor(logging.INFO):
                user = getattr(request, "user", None)
                log.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "ms": round((time.perf_counter() - started) * 1000, 1),
                        "user_id": user.pk if user is not None and user.is_authenticated else None,
                    },
                )
            return response


# Sign-in safety (issue 14): how long a session lasts, what a signed-in page may leave in
# caches, the second factor the council may require, and the record of refused requests.

# A session's last activity is written at most this often (seconds), not on every request:
# a save per page would cost a database write each time for no gain in safety.
SEEN_RESOLUTION = 60


def _now() -> float:
    return time.time()


def _send_to(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect; for htmx's requests, a whole-page one (else the page would be put
    inside the part of the page htmx was updating)."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _login_url(request: HttpRequest) -> str:
    target = request.get_full_path() if request.method == "GET" else request.path
    return f"{reverse('login')}?{urlencode({'next': target})}"


class SessionLimitsMiddleware:
    """Ends a session that has been idle for GT_SESSION_IDLE_MINUTES (default 30) or has
    lasted GT_SESSION_HOURS since sign-in (default 12): the person is signed out, sent to
    the sign-in page with a message saying why, and the end is recorded (SESSION_EXPIRED).
    Every response to a signed-in person carries `Cache-Control: no-store`, so nothing they
    saw stays in a shared computer's or a proxy's cache (public pages and static files,
    which WhiteNoise answers before this runs, keep their own caching)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ended = self._ended(request)
            if ended:
                return self._end(request, ended)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response

    def _ended(self, request: HttpRequest) -> str:
        now = _now()
        session = request.session
        signed_in_at = session.get(SESSION_SIGNED_IN_AT)
        seen_at = session.get(SESSION_SEEN_AT)
        if signed_in_at is None:  # a session from before these limits: starts now
            session[SESSION_SIGNED_IN_AT] = signed_in_at = now
        if seen_at is None:
            seen_at = signed_in_at
        if now - signed_in_at > settings.GT_SESSION_HOURS * 3600:
            return "lifetime"
        if now - seen_at > settings.GT_SESSION_IDLE_MINUTES * 60:
            return "idle"
        if now - seen_at >= SEEN_RESOLUTION or SESSION_SEEN_AT not in session:
            session[SESSION_SEEN_AT] = now
        return ""

    def _end(self, request: HttpRequest, why: str) -> HttpResponse:
        if why == "idle":
            text = (
                f"You were signed out because you had not used Golden Thread for "
                f"{settings.GT_SESSION_IDLE_MINUTES} minutes. Sign in again to continue."
            )
            detail = f"idle for more than {settings.GT_SESSION_IDLE_MINUTES} minutes"
        else:
            text = (
                f"You were signed out because you signed in more than "
                f"{settings.GT_SESSION_HOURS} hours ago. Sign in again to continue."
            )
            detail = f"signed in more than {settings.GT_SESSION_HOURS} hours ago"
        record(SecurityEvent.Kind.SESSION_EXPIRED, request=request, detail=detail)
        setattr(request, REQUEST_SESSION_EXPIRED, True)
        logout(request)
        messages.info(request, text)
        return _send_to(request, _login_url(request))


# Paths a person who must set up a second factor may still open: its own pages (and the
# confirmation of their password they may ask for), signing out, and the health checks.
MFA_SETUP_URL_NAMES = (
    "mfa_index",
    "logout",
    "account_logout",
    "account_reauthenticate",
    "mfa_reauthenticate",
)
# While the policy does not require a second factor, it is looked at again at most this
# often (seconds) for a session, so a change by the performance team applies within it.
MFA_POLICY_RECHECK = 60


class SecondFactorRequiredMiddleware:
    """When the performance team requires a second factor (core.models.SecurityPolicy), a
    person signed in with a password who has no authenticator app or security key is sent
    to set one up before anything else. People who signed in through their organisation's
    identity provider rely on its second factor (core.security.second_factor_needed)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.session.get(SESSION_MFA_OK)
            and self._must_set_up(request)
            and not self._allowed(request)
        ):
            return _send_to(request, f"{reverse('mfa_index')}?required=1")
        return self.get_response(request)

    def _must_set_up(self, request: HttpRequest) -> bool:
        checked = request.session.get(SESSION_MFA_CHECKED_AT)
        if checked is not None and _now() - checked < MFA_POLICY_RECHECK:
            return False
        needed = second_factor_needed(request)
        if needed is None:  # settled for this session: has one, or signed in elsewhere
            request.session[SESSION_MFA_OK] = True
            return False
        if not needed:
            request.session[SESSION_MFA_CHECKED_AT] = _now()
        return needed

    def _allowed(self, request: HttpRequest) -> bool:
        path = request.path
        if path.startswith(reverse("mfa_index")) or path.startswith("/" + settings.STATIC_URL):
            return True
        if path in ("/healthz", "/readyz"):
            return True
        return any(path == reverse(name) for name in MFA_SETUP_URL_NAMES[1:])


class RefusedRequestMiddleware:
    """Records every refused request (403: no permission, or a form posted without its
    CSRF token) once, with who, where from and what they asked for; not when the refusal
    was already recorded as what it was (an organisation's sign-in refused, say)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403 and not getattr(request, REQUEST_RECORDED, False):
            try:
                record(
                    SecurityEvent.Kind.REFUSED,
                    request=request,
                    detail=f"{request.method} refused",
                )
            except Exception:  # the refusal stands whether or not it could be recorded
                log.exception("could not record a refused request")
        return response
