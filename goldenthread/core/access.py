"""One access helper per object type, called first in every view and endpoint. Each
returns the object or raises Http404: deny by default, and never reveal to someone
outside a partnership that its objects exist."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Indicator, Membership, Partnership, Role, User


def get_partnership_for_user(user: User, pk: int) -> Partnership:
    return get_object_or_404(
        Partnership.objects.visible_to(user).select_related(
            "lead_organisation", "lead_link_officer"
        ),
        pk=pk,
    )


def get_indicator_for_user(user: User, pk: int) -> Indicator:
    indicator = get_object_or_404(
        Indicator.objects.select_related("partnership", "owner", "owner_organisation"), pk=pk
    )
    if not Partnership.objects.visible_to(user).filter(pk=indicator.partnership_id).exists():
        raise Http404("No indicator found.")
    return indicator


def role_in(user: User, partnership: Partnership) -> Role | None:
    """The person's role in the partnership, or None (the performance team has no
    role of its own there but sees everything)."""
    if not user.is_authenticated:
        return None
    role = (
        Membership.objects.filter(partnership=partnership, person=user)
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role else None
