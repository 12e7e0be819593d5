"""Personal access tokens for the JSON API (issue 15). Each person makes and revokes their
own on the "API tokens" page. The secret is shown once; only its SHA-256 is kept, with the
first characters to tell tokens apart. A token has an expiry (at most a year) and a scope
(read, or read and write), and acts as its person: the same partnerships, roles and
refusals as the pages, never more. Its use is recorded (when last, from where)."""

import datetime
import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone

from goldenthread.core.models import ApiToken, SecurityEvent, TokenScope, User
from goldenthread.core.security import client_ip, record
from goldenthread.rules.inputs import without_unstorable

Kind = SecurityEvent.Kind

SECRET_PREFIX = "gt_"
PREFIX_LENGTH = 10  # "gt_" and seven characters of the secret, shown on the page
LONGEST_DAYS = 366
DEFAULT_DAYS = 90
# The last use is written at most this often per token, not on every request.
USE_RECORDED_EVERY = timedelta(minutes=1)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _active(person: User) -> None:
    if not (person.is_authenticated and person.is_active):
        raise PermissionDenied("Sign in to manage your API tokens.")


@transaction.atomic
def create_token(
    by: User,
    *,
    name: str,
    scope: str,
    expires_on: datetime.date,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Make a token for `by` and return it with its secret, which is never kept and cannot
    be shown again. Refused (ValidationError, by field) without a name, with a scope other
    than read or read-write, or an expiry not in the next year."""
    _active(by)
    problems: dict[str, str] = {}
    name = without_unstorable(name or "").strip()
    if not name:
        problems["name"] = "Give the token a name that says what it is for."
    elif len(name) > 100:
        problems["name"] = "Keep the name to 100 characters or fewer."
    if scope not in TokenScope.values:
        problems["scope"] = "Choose read only, or read and write."
    today = timezone.localdate()
    if not isinstance(expires_on, datetime.date):
        problems["expires_on"] = "Enter the date the token stops working."
    elif expires_on <= today:
        problems["expires_on"] = "The expiry date must be after today."
    elif expires_on > today + timedelta(days=LONGEST_DAYS):
        problems["expires_on"] = (
            f"A token can last at most a year: choose a date by "
            f"{(today + timedelta(days=LONGEST_DAYS)):%-d %B %Y}."
        )
    if problems:
        raise ValidationError(problems)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    # The end of the expiry day, in the council's time zone.
    expires_at = timezone.make_aware(
        datetime.datetime.combine(expires_on, datetime.time.max.replace(microsecond=0))
    )
    token = ApiToken.objects.create(
        person=by,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        secret_hash=secret_hash(secret),
        scope=scope,
        expires_at=expires_at,
    )
    record(
        Kind.TOKEN_CREATED,
        request=request,
        actor=by,
        detail=f"{token.name} ({token.get_scope_display().lower()}, until {expires_on})",
    )
    return token, secret


@transaction.atomic
def revoke_token(by: User, *, token: ApiToken, request: HttpRequest | None = None) -> ApiToken:
    """Stop a token working at once. A person revokes their own; the performance team
    anyone's (a lost laptop, someone leaving)."""
    _active(by)
    if token.person_id != by.pk and not by.is_performance_team:
        raise PermissionDenied("You can only revoke your own tokens.")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            Kind.TOKEN_REVOKED,
            request=request,
            actor=by,
            subject=token.person,
            detail=token.name,
        )
    return token


def tokens_of(person: User):
    """A person's tokens, newest first (revoked and expired ones too, marked so)."""
    return ApiToken.objects.filter(person=person).order_by("-created_at", "-pk")


def get_token_for_user(user: User, token_id: int) -> ApiToken:
    """A token its person, or the performance team, may see and revoke; 404 for anyone
    else's (whether it exists is nobody else's business)."""
    token = ApiToken.objects.select_related("person").filter(pk=token_id).first()
    if token is None or not user.is_authenticated or not user.is_active:
        raise Http404("Not found.")
    if token.person_id != user.pk and not user.is_performance_team:
        raise Http404("Not found.")
    return token


def authenticate(secret: str, request: HttpRequest | None = None) -> ApiToken | None:
    """The token with this secret if it may be used now (not revoked, not expired, its
    person active), with its use recorded; None otherwise. One query when the use was
    recorded in the last minute, two otherwise."""
    if not secret or not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("person").filter(secret_hash=secret_hash(secret)).first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.revoked_at is not None or token.expires_at <= now or not token.person.is_active:
        return None
    ip = client_ip(request)
    if (
        token.last_used_at is None
        or now - token.last_used_at >= USE_RECORDED_EVERY
        or token.last_used_from != ip
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_from=ip)
        token.last_used_at, token.last_used_from = now, ip
    return token
