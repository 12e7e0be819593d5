"""Invitations (issue 14): the performance team, and a lead for their own partnership,
invite someone by e-mail to a partnership in a role (or to the performance team). The
e-mail carries a link with a random token, of which only the SHA-256 is kept; the link
works once, until it expires (GT_INVITATION_DAYS), unless it is withdrawn first. The
invitee sets a password there, or signs in through their organisation's provider, or,
having an account already, signs in and accepts it into that account."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from goldenthread.core.access import Need, require, require_performance_team
from goldenthread.core.models import (
    Invitation,
    Membership,
    Organisation,
    Partnership,
    Role,
    SecurityEvent,
    User,
)
from goldenthread.core.security import record

from .notifications import absolute

Kind = SecurityEvent.Kind

# What a lead may invite people as: any role in their own partnership.
LEAD_ROLES = (Role.LEAD, Role.MEMBER, Role.VIEWER)


# --- tokens and states ----------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def invitation_days() -> int:
    return int(getattr(settings, "GT_INVITATION_DAYS", 7))


def state(invitation: Invitation) -> str:
    """ "accepted", "withdrawn", "expired" or "pending"."""
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "withdrawn"
    if invitation.expires_at <= timezone.now():
        return "expired"
    return "pending"


def is_usable(invitation: Invitation) -> bool:
    return state(invitation) == "pending"


def find_invitation(token: str) -> Invitation | None:
    """The invitation the link's token is for, whatever its state (None for a token that
    never was one)."""
    if not token or len(token) > 200:
        return None
    return (
        Invitation.objects.select_related("partnership", "organisation", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation for the token if it can still be accepted: not expired, not
    accepted, not withdrawn. Raises nothing."""
    try:
        invitation = find_invitation(token)
    except Exception:  # a token no database can look up is no invitation
        return None
    return invitation if invitation is not None and is_usable(invitation) else None


def pending_for(partnership: Partnership | None = None, *, performance_team: bool = False):
    """Invitations not yet accepted or withdrawn (expired ones too, so they can be sent
    again), newest first."""
    invitations = Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    if performance_team:
        invitations = invitations.filter(as_performance_team=True)
    else:
        invitations = invitations.filter(partnership=partnership)
    return invitations.select_related("organisation", "invited_by").order_by("-created_at")


def what_for(invitation: Invitation) -> str:
    """ "Safer Streets Partnership as a member", "the council performance team"."""
    if invitation.as_performance_team:
        return "the council performance team"
    role = Role(invitation.role).label.lower()
    return f"{invitation.partnership.name} as {'an' if role[0] in 'aeiou' else 'a'} {role}"


# --- who may invite -----------------------------------------------------------------------


def may_invite_to(user: User, partnership: Partnership) -> bool:
    from goldenthread.core.access import allows

    if not user.is_authenticated or not user.is_active or partnership.is_closed:
        return False
    return user.is_performance_team or allows(user, partnership, Need.LEAD)


def _require_may_manage(by: User, invitation: Invitation) -> None:
    if invitation.as_performance_team or invitation.partnership is None:
        require_performance_team(by, refusal="Only the council performance team does this.")
    elif not by.is_performance_team:
        require(
            by,
            invitation.partnership,
            Need.LEAD,
            refusal="Only the partnership's leads or the council performance team can do this.",
        )
    else:
        require_performance_team(by, partnership=invitation.partnership)


def clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": "Enter their e-mail address"})
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": "Enter an e-mail address in the right form, like name@example.org"}
        ) from None
    return email


# --- inviting -------------------------------------------------------------------------------


def invite(
    by: User,
    *,
    email: str,
    partnership: Partnership | None = None,
    organisation: Organisation | None = None,
    role: str = "",
    as_performance_team: bool = False,
    request: HttpRequest | None = None,
) -> tuple[Invitation, str]:
    """Invite someone by e-mail; returns the invitation and the raw token (only its hash
    is kept: this is the one time it can be read). A pending invitation to the same
    address for the same partnership (or the team) is renewed, not doubled."""
    if as_performance_team:
        require_performance_team(
            by, refusal="Only the council performance team invites people to the team."
        )
        partnership, role = None, ""
    else:
        if partnership is None:
            raise ValidationError("Say which partnership they are invited to.")
        if not by.is_performance_team:
            require(
                by,
                partnership,
                Need.LEAD,
                refusal="Only the partnership's leads or the council performance team invite "
                "people to it.",
            )
        else:
            require_performance_team(by, partnership=partnership)
        if role not in {r.value for r in LEAD_ROLES}:
            raise ValidationError({"role": "Choose their role"})
        if organisation is None:
            raise ValidationError({"organisation": "Choose the organisation they will represent"})
    email = clean_email(email)
    if as_performance_team:
        if User.objects.filter(email__iexact=email, is_performance_team=True).exists():
            raise ValidationError({"email": f"{email} is already in the council performance team."})
    elif Membership.objects.filter(partnership=partnership, person__email__iexact=email).exists():
        raise ValidationError(
            {
                "email": f"{email} is already a member of {partnership.name}: change their "
                "role on the People page instead."
            }
        )
    token, hashed = _new_token()
    expires = timezone.now() + timedelta(days=invitation_days())
    with transaction.atomic():
        existing = (
            Invitation.objects.select_for_update()
            .filter(
                email__iexact=email,
                partnership=partnership,
                as_performance_team=as_performance_team,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .first()
        )
        invitation = existing or Invitation(
            email=email, partnership=partnership, as_performance_team=as_performance_team
        )
        invitation.organisation = organisation
        invitation.role = role
        invitation.token_hash = hashed
        invitation.invited_by = by
        invitation.expires_at = expires
        invitation.save()
        record(
            Kind.INVITED,
            request=request,
            actor=by,
            subject=None,
            login=email,
            detail=("Invited again to " if existing else "Invited to ") + what_for(invitation),
        )
        transaction.on_commit(lambda: send_invitation(invitation, token), robust=True)
    return invitation, token


def link(token: str) -> str:
    return absolute(reverse("invitation", args=[token]))


def email_text(invitation: Invitation, token: str) -> str:
    inviter = invitation.invited_by
    until = timezone.localtime(invitation.expires_at)
    who = str(inviter) if inviter else "The council performance team"
    if inviter and inviter.organisation:
        who += f" ({inviter.organisation})"
    lines = [
        "Hello,",
        "",
        f"{who} has invited you to join {what_for(invitation)} in Golden Thread, the "
        "performance management service for the council's partnerships.",
    ]
    if invitation.organisation and not invitation.as_performance_team:
        lines.append(f"You will represent {invitation.organisation} there.")
    lines += [
        "",
        "To accept, open this link and set up your account:",
        link(token),
        "",
        f"The link works once, until {until:%-d %B %Y at %H:%M}.",
        "",
        "If you were not expecting this invitation, you can ignore this e-mail: nothing "
        "happens unless you open the link.",
    ]
    return "\n".join(lines)


def send_invitation(invitation: Invitation, token: str) -> None:
    EmailMessage(
        subject=f"Golden Thread: you are invited to join {what_for(invitation)}",
        body=email_text(invitation, token),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
    ).send()


def resend(by: User, invitation: Invitation, *, request: HttpRequest | None = None) -> str:
    """Send the invitation again with a new link (the old one stops working) and a new
    expiry; returns the new token."""
    _require_may_manage(by, invitation)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise ValidationError(
            "This invitation was already accepted or withdrawn: invite them again instead."
        )
    token, hashed = _new_token()
    with transaction.atomic():
        invitation.token_hash = hashed
        invitation.expires_at = timezone.now() + timedelta(days=invitation_days())
        invitation.invited_by = by
        invitation.save(update_fields=["token_hash", "expires_at", "invited_by"])
        record(
            Kind.INVITED,
            request=request,
            actor=by,
            subject=None,
            login=invitation.email,
            detail=f"Invitation sent again: {what_for(invitation)}",
        )
        transaction.on_commit(lambda: send_invitation(invitation, token), robust=True)
    return token


def revoke(by: User, invitation: Invitation, *, request: HttpRequest | None = None) -> None:
    """Withdraw a pending invitation: its link stops working."""
    _require_may_manage(by, invitation)
    with transaction.atomic():
        current = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if current.accepted_at is not None:
            raise ValidationError("This invitation was already accepted: it cannot be withdrawn.")
        if current.revoked_at is not None:
            return
        current.revoked_at = invitation.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
        record(
            Kind.INVITATION_REVOKED,
            request=request,
            actor=by,
            subject=None,
            login=current.email,
            detail=f"Withdrawn: {what_for(current)}",
        )


# --- accepting ------------------------------------------------------------------------------


def active_account_for(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip(), is_active=True).first()


def username_suggestion(email: str) -> str:
    """A free username from the e-mail's local part: "sam.jones", "sam.jones2"…"""
    base = "".join(c for c in email.split("@")[0].lower() if c.isalnum() or c in "._-")[:140]
    base = base or "user"
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}{n}"
    return name


def _check_new_account(
    invitation: Invitation, username: str, password: str, first_name: str, last_name: str
) -> None:
    errors: dict[str, list[str]] = {}
    field = User._meta.get_field("username")
    if not username:
        errors["username"] = ["Enter a username"]
    else:
        try:
            field.run_validators(username)
        except ValidationError:
            errors["username"] = ["Use letters, numbers and @ . + - _ only, up to 150 characters"]
        if User.objects.filter(username__iexact=username).exists():
            errors["username"] = ["That username is taken: choose another"]
    if len(first_name) > 150 or len(last_name) > 150:
        errors["first_name"] = ["Enter a name of 150 characters or fewer"]
    if password:
        try:
            probe = User(
                username=username,
                email=invitation.email,
                first_name=first_name,
                last_name=last_name,
            )
            validate_password(password, probe)
        except ValidationError as error:
            errors["password"] = list(error.messages)
    if errors:
        raise ValidationError(errors)


def accept(
    invitation: Invitation,
    *,
    user: User | None = None,
    username: str = "",
    password: str = "",
    first_name: str = "",
    last_name: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Accept the invitation: make the local account (when `user` is None; `password`
    empty leaves it without one, for people who sign in through their organisation) or
    use the given account, whose e-mail must be the invitation's; add the membership or
    the performance team flag; mark it accepted. Works once: a second call, or one for
    an expired or withdrawn invitation, raises ValidationError."""
    problem = state(invitation)
    if problem != "pending":
        raise ValidationError(UNUSABLE[problem])
    username = (username or "").strip()
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if user is None:
        if active_account_for(invitation.email) is not None:
            raise ValidationError(
                f"There is already an account for {invitation.email}: sign in, then open "
                "the invitation link again to accept it."
            )
        if User.objects.filter(email__iexact=invitation.email, is_active=False).exists():
            raise ValidationError(
                f"The account for {invitation.email} is deactivated. Ask the council "
                "performance team to reactivate it; then sign in and open this link again."
            )
        _check_new_account(invitation, username, password, first_name, last_name)
    elif (user.email or "").strip().lower() != invitation.email.lower():
        raise PermissionDenied(
            f"This invitation is for {invitation.email}, not for the account you are "
            "signed in with."
        )
    elif not user.is_active:
        raise PermissionDenied("This account is deactivated.")
    try:
        with transaction.atomic():
            current = Invitation.objects.select_for_update().get(pk=invitation.pk)
            problem = state(current)
            if problem != "pending":
                raise ValidationError(UNUSABLE[problem])
            if user is None:
                user = User(
                    username=username,
                    email=current.email,
                    first_name=first_name,
                    last_name=last_name,
                    organisation=current.organisation,
                )
                if password:
                    user.set_password(password)
                else:
                    user.set_unusable_password()
                user.save()
                EmailAddress.objects.create(
                    user=user, email=current.email, verified=True, primary=True
                )
            elif user.organisation_id is None and current.organisation_id is not None:
                user.organisation = current.organisation
                user.save(update_fields=["organisation"])
            if current.as_performance_team:
                if not user.is_performance_team:
                    user.is_performance_team = True
                    user.save(update_fields=["is_performance_team"])
            else:
                if Membership.objects.filter(partnership=current.partnership, person=user).exists():
                    raise ValidationError(
                        f"You are already a member of {current.partnership.name}."
                    )
                Membership.objects.create(
                    partnership=current.partnership,
                    person=user,
                    organisation=current.organisation or user.organisation,
                    role=current.role,
                )
            current.accepted_at = timezone.now()
            current.accepted_by = user
            current.save(update_fields=["accepted_at", "accepted_by"])
            invitation.accepted_at, invitation.accepted_by = current.accepted_at, user
            record(
                Kind.INVITATION_ACCEPTED,
                request=request,
                actor=user,
                subject=user,
                login=current.email,
                detail=f"Joined {what_for(current)}",
            )
    except IntegrityError:
        raise ValidationError({"username": ["That username is taken: choose another"]}) from None
    user.__dict__.pop("_roles", None)
    return user


UNUSABLE = {
    "accepted": "This invitation has already been used.",
    "withdrawn": "This invitation was withdrawn.",
    "expired": "This invitation has expired.",
}
