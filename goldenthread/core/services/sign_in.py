"""Signing in through an organisation's own identity provider (issue 14).

The performance team adds each organisation's OpenID Connect provider at run time: its
issuer URL, the client id and secret the organisation's IT gives us, and the e-mail
domains whose people sign in through it. The protocol side is django-allauth's SocialApp
row (provider "openid_connect", one `provider_id` slug each, which names the callback
URL); our IdentityProvider row says whose it is and which domains it serves.

Who a sign-in through a provider is (`sign_in_through`), decided here and only called by
the allauth adapter:
- a provider switched off signs nobody in, and a deactivated account is refused;
- an account already linked to this provider signs in;
- otherwise the e-mail the provider gives must be verified by it (`email_verified`, or
  Microsoft's `xms_edov`) and in one of the provider's domains; then
  1. a pending invitation for that e-mail (chosen in this browser) makes or joins the
     account (invitations.accept), or
  2. when the provider is trusted for its domains, it is linked to the active account
     with that e-mail;
  anything else is refused, with the reason recorded. No account is ever made without an
  invitation."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from allauth.socialaccount.models import SocialAccount, SocialApp
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.text import slugify

from goldenthread.core.access import require_performance_team
from goldenthread.core.models import (
    IdentityProvider,
    Invitation,
    Organisation,
    SecurityEvent,
    SignInDomain,
    User,
)
from goldenthread.core.security import record

Kind = SecurityEvent.Kind

PROVIDER = "openid_connect"  # django-allauth's provider serving every organisation's
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class SignInRefused(Exception):
    """A sign-in through a provider that may not go on; `message` is for the person."""

    def __init__(self, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason or message


# --- finding -------------------------------------------------------------------------------


def email_domain(email: str) -> str:
    local, at, domain = (email or "").strip().rpartition("@")
    return domain.lower().rstrip(".") if at and local else ""


def provider_for_email(email: str) -> IdentityProvider | None:
    """The active provider serving the e-mail's domain, if any."""
    domain = email_domain(email)
    if not domain:
        return None
    return (
        IdentityProvider.objects.filter(is_active=True, domains__domain=domain)
        .select_related("app", "organisation")
        .first()
    )


def provider_for_app(app: SocialApp | None) -> IdentityProvider | None:
    if app is None or app.pk is None:
        return None
    return IdentityProvider.objects.filter(app=app).select_related("app", "organisation").first()


def issuer_of(provider: IdentityProvider) -> str:
    return provider.app.settings.get("server_url", "")


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def provider_origins() -> list[str]:
    """Where the active providers' sign-in pages are (scheme and host), for the
    Content-Security-Policy of pages whose forms lead there."""
    urls = SocialApp.objects.filter(provider=PROVIDER, identity_provider__is_active=True)
    found = {origin(app.settings.get("server_url", "")) for app in urls}
    return sorted(o for o in found if o)


# --- checking what the performance team typed ----------------------------------------------


def clean_issuer(url: str) -> str:
    """The issuer URL: https (or http on this machine's loopback, for tests and trials),
    with a host, no query or fragment, without a trailing slash (allauth adds the
    discovery path to it)."""
    url = (url or "").strip()
    if not url:
        raise ValidationError({"issuer": "Enter the issuer URL"})
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ValidationError({"issuer": "Enter the issuer URL in the right form"}) from None
    if parts.scheme not in ("https", "http") or not host:
        raise ValidationError(
            {
                "issuer": "Enter the issuer URL in full, starting https://, like "
                "https://login.microsoftonline.com/your-tenant-id/v2.0"
            }
        )
    if parts.scheme == "http" and not _is_loopback(host):
        raise ValidationError({"issuer": "The issuer URL must start https://"})
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValidationError(
            {"issuer": "Enter the issuer URL without anything after a ? or #, or a user name"}
        )
    if len(url) > 500:
        raise ValidationError({"issuer": "Enter an issuer URL of 500 characters or fewer"})
    return url.rstrip("/")


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def clean_domains(text: str | list[str], *, provider: IdentityProvider | None = None) -> list[str]:
    """E-mail domains, one per line or separated by commas or spaces: plain lower-case
    domains (no @), each served by no other provider."""
    items = text.split() if isinstance(text, str) else list(text)
    items = [d for item in items for d in item.replace(",", " ").split()]
    if not items:
        raise ValidationError({"domains": "Enter at least one e-mail domain, like trafford.gov.uk"})
    domains: list[str] = []
    for item in items:
        domain = item.strip().lower().rstrip(".")
        if "@" in domain:
            raise ValidationError(
                {
                    "domains": f"Enter the domain alone, without the @ and what comes before it: "
                    f"{domain.rpartition('@')[2] or domain}"
                }
            )
        labels = domain.split(".")
        if len(domain) > 253 or len(labels) < 2 or not all(_LABEL.match(x) for x in labels):
            raise ValidationError(
                {
                    "domains": f"“{item[:100]}” is not an e-mail domain: "
                    "enter one like trafford.gov.uk"
                }
            )
        if domain not in domains:
            domains.append(domain)
    taken = SignInDomain.objects.filter(domain__in=domains).select_related("provider")
    if provider is not None:
        taken = taken.exclude(provider=provider)
    for row in taken:
        raise ValidationError(
            {
                "domains": f"{row.domain} is already served by {row.provider.name}: remove it "
                "there first"
            }
        )
    return domains


def _clean_text(value: str, field: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: f"Enter the {label}"})
    if len(value) > limit:
        raise ValidationError({field: f"Enter a {label} of {limit} characters or fewer"})
    return value


def _provider_id(name: str) -> str:
    base = slugify(name)[:40].strip("-") or "provider"
    slug, n = base, 1
    while SocialApp.objects.filter(provider=PROVIDER, provider_id=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


# --- adding and changing --------------------------------------------------------------------


@transaction.atomic
def add_provider(
    *,
    by: User,
    name: str,
    organisation: Organisation,
    issuer: str,
    client_id: str,
    secret: str,
    domains: str | list[str],
    trusted: bool = True,
    request: HttpRequest | None = None,
) -> IdentityProvider:
    """Add an organisation's identity provider (the performance team only)."""
    require_performance_team(by, refusal="Only the council performance team adds sign-ins.")
    name = _clean_text(name, "name", "name", 100)
    issuer = clean_issuer(issuer)
    client_id = _clean_text(client_id, "client_id", "client ID", 191)
    secret = _clean_text(secret, "secret", "client secret", 191)
    domain_list = clean_domains(domains)
    app = SocialApp.objects.create(
        provider=PROVIDER,
        provider_id=_provider_id(name),
        name=name[:40],
        client_id=client_id,
        secret=secret,
        settings={"server_url": issuer},
    )
    provider = IdentityProvider.objects.create(
        name=name, organisation=organisation, app=app, trusted=trusted, created_by=by
    )
    SignInDomain.objects.bulk_create(
        [SignInDomain(provider=provider, domain=d) for d in domain_list]
    )
    record(
        Kind.PROVIDER_CHANGED,
        request=request,
        actor=by,
        detail=f"Added {name} ({', '.join(domain_list)}), issuer {issuer}",
    )
    return provider


@transaction.atomic
def change_provider(
    *,
    by: User,
    provider: IdentityProvider,
    name: str,
    organisation: Organisation,
    issuer: str,
    client_id: str,
    secret: str = "",
    domains: str | list[str],
    trusted: bool,
    is_active: bool,
    request: HttpRequest | None = None,
) -> IdentityProvider:
    """Change a provider; an empty `secret` keeps the one it has. Its callback URL (the
    allauth provider_id) stays the same whatever the name becomes."""
    require_performance_team(by, refusal="Only the council performance team changes sign-ins.")
    name = _clean_text(name, "name", "name", 100)
    issuer = clean_issuer(issuer)
    client_id = _clean_text(client_id, "client_id", "client ID", 191)
    secret = (secret or "").strip()
    if len(secret) > 191:
        raise ValidationError({"secret": "Enter a client secret of 191 characters or fewer"})
    domain_list = clean_domains(domains, provider=provider)
    app = SocialApp.objects.select_for_update().get(pk=provider.app_id)
    changes = []
    if name != provider.name:
        changes.append(f"name {provider.name} → {name}")
    if issuer != app.settings.get("server_url"):
        changes.append(f"issuer {app.settings.get('server_url')} → {issuer}")
    if client_id != app.client_id:
        changes.append("client ID")
    if secret:
        changes.append("client secret")
    old_domains = sorted(provider.domains.values_list("domain", flat=True))
    if sorted(domain_list) != old_domains:
        changes.append(f"domains {', '.join(old_domains)} → {', '.join(domain_list)}")
    if trusted != provider.trusted:
        changes.append("trusted" if trusted else "no longer trusted")
    if is_active != provider.is_active:
        changes.append("switched on" if is_active else "switched off")
    if organisation.pk != provider.organisation_id:
        changes.append(f"organisation → {organisation.name}")
    app.name = name[:40]
    app.client_id = client_id
    if secret:
        app.secret = secret
    app.settings = {**app.settings, "server_url": issuer}
    app.save()
    provider.name, provider.organisation = name, organisation
    provider.trusted, provider.is_active = trusted, is_active
    provider.save(update_fields=["name", "organisation", "trusted", "is_active"])
    provider.domains.exclude(domain__in=domain_list).delete()
    SignInDomain.objects.bulk_create(
        [SignInDomain(provider=provider, domain=d) for d in domain_list if d not in old_domains]
    )
    record(
        Kind.PROVIDER_CHANGED,
        request=request,
        actor=by,
        detail=f"Changed {name}: {'; '.join(changes) or 'nothing'}",
    )
    return provider


@transaction.atomic
def deactivate_provider(
    *, by: User, provider: IdentityProvider, request: HttpRequest | None = None
) -> IdentityProvider:
    """Switch a provider off: nobody signs in through it until it is switched on again
    (its rows are kept, with the links to people's accounts)."""
    require_performance_team(by, refusal="Only the council performance team changes sign-ins.")
    if provider.is_active:
        provider.is_active = False
        provider.save(update_fields=["is_active"])
        detail = f"Switched off {provider.name}"
        record(Kind.PROVIDER_CHANGED, request=request, actor=by, detail=detail)
    return provider


# --- signing in -----------------------------------------------------------------------------


def claims_of(extra_data: dict) -> dict:
    """What the provider says about the person: the ID token's claims (signed by the
    provider), completed by the userinfo endpoint's. Entra ID's optional claims (such as
    xms_edov) are in the ID token only."""
    if "id_token" in extra_data or "userinfo" in extra_data:
        return {**(extra_data.get("userinfo") or {}), **(extra_data.get("id_token") or {})}
    return dict(extra_data)


def _true(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def email_is_verified(claims: dict) -> bool:
    """The provider vouches for the e-mail: the standard `email_verified`, or Microsoft
    Entra ID's `xms_edov` (the e-mail's domain is verified as the tenant's)."""
    return _true(claims.get("email_verified")) or _true(claims.get("xms_edov"))


def _refuse(
    request: HttpRequest | None,
    provider: IdentityProvider | None,
    email: str,
    message: str,
    reason: str,
    subject: User | None = None,
) -> SignInRefused:
    name = provider.name if provider else "an unknown provider"
    record(
        Kind.PROVIDER_REFUSED,
        request=request,
        actor=None,
        subject=subject,
        login=email,
        detail=f"{name}: {reason}",
    )
    return SignInRefused(message, reason=reason)


def _pending_invitation(invitation_id: int | None, email: str) -> Invitation | None:
    if not invitation_id:
        return None
    from . import invitations  # B's service; imported late: it imports from here

    invitation = Invitation.objects.filter(pk=invitation_id, email__iexact=email).first()
    if invitation is None or not invitations.is_usable(invitation):
        return None
    return invitation


def sign_in_through(
    *,
    provider: IdentityProvider | None,
    claims: dict,
    uid: str,
    linked_user: User | None = None,
    invitation_id: int | None = None,
    request: HttpRequest | None = None,
) -> tuple[User, bool]:
    """Who signs in through `provider` with these claims: (the account, whether it is to
    be linked to the provider now). Raises SignInRefused with a message for the person,
    having recorded why."""
    email = str(claims.get("email") or "").strip()
    if provider is None or not provider.is_active:
        raise _refuse(
            request,
            provider,
            email,
            "Signing in through this organisation is switched off. Ask the council "
            "performance team.",
            "provider not active",
        )
    if linked_user is not None:
        if not linked_user.is_active:
            raise _refuse(request, provider, email, DEACTIVATED, "account deactivated", linked_user)
        return linked_user, False
    if not email:
        raise _refuse(
            request,
            provider,
            email,
            f"{provider.name} did not tell us your e-mail address, so we cannot tell which "
            "account is yours. Ask your IT team to send the email claim.",
            "no e-mail claim",
        )
    domain = email_domain(email)
    if not provider.domains.filter(domain=domain).exists():
        raise _refuse(
            request,
            provider,
            email,
            f"{provider.name} does not sign in people with {domain or 'that'} e-mail "
            f"addresses. Sign in with the e-mail address your organisation gave you, or ask "
            "the council performance team.",
            f"domain {domain or '(none)'} not served",
        )
    if not email_is_verified(claims):
        raise _refuse(
            request,
            provider,
            email,
            f"{provider.name} did not confirm that {email} is yours, so we cannot link it "
            "to a Golden Thread account. Ask your IT team to mark e-mail addresses as "
            "verified (see the README), or ask the council performance team.",
            "e-mail not verified",
        )
    account = User.objects.filter(email__iexact=email).order_by("-is_active", "pk").first()
    if account is not None and not account.is_active:
        raise _refuse(request, provider, email, DEACTIVATED, "account deactivated", account)
    if (
        account is not None
        and SocialAccount.objects.filter(user=account, provider=provider.app.provider_id)
        .exclude(uid=uid)
        .exists()
    ):
        raise _refuse(
            request,
            provider,
            email,
            f"The Golden Thread account for {email} is already linked to another "
            f"{provider.name} identity. Ask the council performance team.",
            "account linked to another identity",
            account,
        )
    invitation = _pending_invitation(invitation_id, email)
    if invitation is not None:
        from . import invitations

        user = invitations.accept(
            invitation,
            user=account,
            username="" if account else invitations.username_suggestion(email),
            first_name=str(claims.get("given_name") or "")[:150],
            last_name=str(claims.get("family_name") or "")[:150],
            request=request,
        )
        _linked(request, provider, user, email, "through an invitation")
        return user, True
    if account is not None and provider.trusted:
        _linked(request, provider, account, email, "by verified e-mail")
        return account, True
    if account is None:
        raise _refuse(
            request,
            provider,
            email,
            f"There is no Golden Thread account for {email}. People join by invitation: "
            "ask the lead of your partnership or the council performance team to invite you.",
            "no account",
        )
    raise _refuse(
        request,
        provider,
        email,
        f"{provider.name} is not trusted to sign in existing accounts. Open the "
        "invitation you were sent, or ask the council performance team.",
        "provider not trusted",
        account,
    )


DEACTIVATED = (
    "This Golden Thread account has been deactivated. Ask the council performance team "
    "if you think this is wrong."
)


def _linked(
    request: HttpRequest | None, provider: IdentityProvider, user: User, email: str, how: str
) -> None:
    record(
        Kind.PROVIDER_LINKED,
        request=request,
        actor=user,
        subject=user,
        login=email,
        detail=f"{provider.name}: linked {how}",
    )
