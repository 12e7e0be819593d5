"""People and memberships managed in the product (issue 14): a partnership's leads, and
the council performance team, change a member's role or remove them; the performance
team deactivates the account of someone who has left, which ends every session of theirs
at once, and reactivates it. Memberships keep no history of their own: each change is in
the security record (SecurityEvent) with who, when and from where."""

from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from goldenthread.core.access import Need, check, require, require_performance_team
from goldenthread.core.models import Membership, Partnership, Role, SecurityEvent, User
from goldenthread.core.security import record

Kind = SecurityEvent.Kind

MANAGE_REFUSAL = "Only the partnership's leads or the council performance team manage its people."


# --- reading --------------------------------------------------------------------------------


def may_manage(user: User, partnership: Partnership) -> bool:
    """Whether the person may see and change the partnership's people: its leads, and
    the performance team (for any partnership). Nobody changes a closed one."""
    from goldenthread.core.access import allows

    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_performance_team or allows(user, partnership, Need.LEAD)


def check_may_see_people(user: User, partnership: Partnership) -> None:
    """404 to people outside the partnership, 403 to its members and viewers."""
    check(user, partnership, Need.VIEW)
    if not (user.is_performance_team or _is_lead(user, partnership)):
        raise PermissionDenied(MANAGE_REFUSAL)


def _is_lead(user: User, partnership: Partnership) -> bool:
    return Membership.objects.filter(partnership=partnership, person=user, role=Role.LEAD).exists()


def get_membership_for_user(user: User, pk: int) -> Membership:
    """A membership, for those who manage its partnership's people (404 outside it)."""
    membership = get_object_or_404(
        Membership.objects.select_related("partnership", "person", "organisation"), pk=pk
    )
    check_may_see_people(user, membership.partnership)
    return membership


def members_of(partnership: Partnership) -> QuerySet[Membership]:
    order = {Role.LEAD: 0, Role.MEMBER: 1, Role.VIEWER: 2}
    from django.db.models import Case, IntegerField, Value, When

    return (
        Membership.objects.filter(partnership=partnership)
        .select_related("person", "organisation")
        .annotate(
            rank=Case(
                *(When(role=r, then=Value(n)) for r, n in order.items()),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "person__last_name", "person__first_name", "person__username")
    )


def search_people(query: str = "") -> QuerySet[User]:
    """Everyone, or those whose name, username or e-mail contains the words typed."""
    people = User.objects.annotate(partnership_count=Count("memberships")).order_by(
        "last_name", "first_name", "username"
    )
    for word in (query or "").split()[:5]:
        word = word[:100]
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    return people


def last_seen(user: User):
    """The last time the person was seen signed in: their last sign-in or, later, the
    last request of a session of theirs that is still open."""
    seen = UserSession.objects.filter(user=user).aggregate(at=Max("last_seen_at"))["at"]
    if user.last_login and (seen is None or user.last_login > seen):
        return user.last_login
    return seen


# --- changing -------------------------------------------------------------------------------


def _require_manage(by: User, partnership: Partnership) -> None:
    if by.is_authenticated and by.is_active and by.is_performance_team:
        require_performance_team(by, partnership=partnership)
    else:
        require(by, partnership, Need.LEAD, refusal=MANAGE_REFUSAL)


def _keeps_a_lead(membership: Membership, verb: str) -> None:
    """Refuse taking away the partnership's last lead, or its lead link officer's lead
    role."""
    partnership = membership.partnership
    if membership.role != Role.LEAD:
        return
    if partnership.lead_link_officer_id == membership.person_id:
        raise ValidationError(
            f"{membership.person} is the lead link officer of {partnership.name}, who must be "
            f"a lead: name another lead link officer before you {verb} them."
        )
    others = (
        Membership.objects.filter(partnership=partnership, role=Role.LEAD)
        .exclude(pk=membership.pk)
        .select_for_update()
    )
    if not others.exists():
        raise ValidationError(
            f"{membership.person} is the only lead of {partnership.name}: make someone else a "
            f"lead before you {verb} them."
        )


def change_role(
    by: User, membership: Membership, role: str, *, request: HttpRequest | None = None
) -> Membership:
    """Give a member another role (lead, member or viewer) in the partnership."""
    _require_manage(by, membership.partnership)
    if role not in {r.value for r in Role}:
        raise ValidationError({"role": "Choose their role"})
    with transaction.atomic():
        current = (
            Membership.objects.select_for_update()
            .select_related("partnership", "person")
            .get(pk=membership.pk)
        )
        if current.role == role:
            return current
        if role != Role.LEAD:
            _keeps_a_lead(current, "change the role of")
        before = current.get_role_display()
        current.role = role
        current.save(update_fields=["role"])
        record(
            Kind.ROLE_CHANGED,
            request=request,
            actor=by,
            subject=current.person,
            detail=f"{current.partnership.name}: {before} to {current.get_role_display()}",
        )
    membership.role = role
    current.person.__dict__.pop("_roles", None)
    return current


def remove_member(by: User, membership: Membership, *, request: HttpRequest | None = None) -> None:
    """Take someone out of the partnership. Their account, and what they wrote, stay."""
    _require_manage(by, membership.partnership)
    with transaction.atomic():
        current = (
            Membership.objects.select_for_update()
            .select_related("partnership", "person")
            .filter(pk=membership.pk)
            .first()
        )
        if current is None:
            return
        _keeps_a_lead(current, "remove")
        detail = f"{current.partnership.name}: was {current.get_role_display().lower()}"
        person = current.person
        current.delete()
        record(Kind.MEMBER_REMOVED, request=request, actor=by, subject=person, detail=detail)


def end_sessions(user: User) -> int:
    """End every session of the person's, everywhere, at once (allauth.usersessions);
    returns how many. Django also refuses a deactivated account on its next request,
    for any session not listed there."""
    from allauth.usersessions.adapter import get_adapter

    sessions = list(UserSession.objects.filter(user=user))
    get_adapter().end_sessions(sessions)
    return len(sessions)


def deactivate(by: User, user: User, *, request: HttpRequest | None = None) -> int:
    """Deactivate the account of someone who has left: they can no longer sign in, and
    every session of theirs ends now. Their memberships and what they wrote stay.
    Returns the number of sessions ended."""
    require_performance_team(by, refusal="Only the council performance team deactivates people.")
    if by.pk == user.pk:
        raise ValidationError("You cannot deactivate your own account.")
    if user.is_superuser and not by.is_superuser:
        raise PermissionDenied("Only a superuser deactivates a superuser's account.")
    with transaction.atomic():
        updated = User.objects.filter(pk=user.pk, is_active=True).update(is_active=False)
        user.is_active = False
        ended = end_sessions(user)
        if updated:
            record(
                Kind.DEACTIVATED,
                request=request,
                actor=by,
                subject=user,
                detail=f"{ended} session{'' if ended == 1 else 's'} ended",
            )
    return ended


def reactivate(by: User, user: User, *, request: HttpRequest | None = None) -> None:
    """Let a deactivated account sign in again."""
    require_performance_team(by, refusal="Only the council performance team reactivates people.")
    if user.is_superuser and not by.is_superuser:
        raise PermissionDenied("Only a superuser reactivates a superuser's account.")
    with transaction.atomic():
        updated = User.objects.filter(pk=user.pk, is_active=False).update(is_active=True)
        user.is_active = True
        if updated:
            record(Kind.REACTIVATED, request=request, actor=by, subject=user)
