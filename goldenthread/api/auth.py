"""Who is calling: a personal access token (`Authorization: Bearer gt_…`), or the
product's own pages' session (with its CSRF token on writes). A token acts as its person;
a read-only token cannot write (403); each token has a limit of requests a minute (429
with Retry-After). core.services.api_tokens decides whether a token may be used."""

import time

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from goldenthread.core.models import ApiToken, User
from goldenthread.core.rate_limits import count_in_window
from goldenthread.core.services import api_tokens

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class ReadOnlyToken(Exception):
    """A read-only token was used to write."""


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__("Too many requests.")
        self.retry_after = retry_after


def requests_per_minute() -> int:
    return int(getattr(settings, "GT_API_REQUESTS_PER_MINUTE", 300))


def _count(token: ApiToken) -> None:
    """Count the request against the token's limit for this minute, in the shared cache
    (every app server counts the same requests)."""
    used, left = count_in_window(f"gt-api-rate:{token.pk}", 60, time.time())
    if used > requests_per_minute():
        raise RateLimited(max(1, left))


class TokenAuth(HttpBearer):
    openapi_description = (
        "A personal access token, made on the API tokens page: `Authorization: Bearer gt_…`."
    )

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = api_tokens.authenticate(token, request)
        if found is None:
            return None
        _count(found)
        if request.method not in SAFE_METHODS and not found.may_write:
            raise ReadOnlyToken()
        request.user = found.person
        request.api_token = found  # type: ignore[attr-defined]
        return found.person


class ActiveSessionAuth(SessionAuth):
    """The product's own pages, signed in, with Django's CSRF check on writes."""

    openapi_description = "The signed-in session of Golden Thread's own pages."

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        # A request that says who it is with a token is judged by that token alone: a bad
        # or revoked token beside a signed-in browser's cookie gets 401, not the session.
        if "Authorization" in request.headers:
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


token_auth = TokenAuth()
session_auth = ActiveSessionAuth()
