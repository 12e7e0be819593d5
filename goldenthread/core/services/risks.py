"""Writes to the risk register. Each is atomic, checks who may make it (leads and members
add risks, which a member then owns; a lead or the risk's owner changes and closes it;
only a lead gives a risk to someone else) and the register's rules
(goldenthread.core.risks.check_risk), and records who did it and why in the history."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from goldenthread.core.access import Need, require, require_owner
from goldenthread.core.models import Objective, Partnership, Risk, User
from goldenthread.core.risks import check_risk, next_ref

from . import save_audited

# What a risk's owner or a lead may change after it is added.
EDITABLE = (
    "title",
    "cause",
    "consequence",
    "inherent_likelihood",
    "inherent_impact",
    "residual_likelihood",
    "residual_impact",
    "mitigation",
    "owner",
    "review_date",
    "objective",
)


# Enough for any partnership's register, and a bound on what its pages and documents show.
MAX_OPEN_RISKS = 60


@transaction.atomic
def create_risk(
    *,
    partnership: Partnership,
    by: User,
    title: str,
    inherent_likelihood: int,
    inherent_impact: int,
    residual_likelihood: int,
    residual_impact: int,
    owner: User,
    review_date: datetime.date,
    cause: str = "",
    consequence: str = "",
    mitigation: str = "",
    objective: Objective | None = None,
) -> Risk:
    """Add an open risk with the next free reference (R1, R2 …)."""
    require(by, partnership, Need.CONTRIBUTE)
    require_owner(by, partnership, owner.pk if owner else None)
    # Lock the partnership so two people adding risks at once cannot take the same ref.
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    if partnership.risks.filter(is_open=True).count() >= MAX_OPEN_RISKS:
        raise ValidationError(
            f"A partnership has at most {MAX_OPEN_RISKS} open risks: close those that no longer "
            "threaten its aims, or combine risks with the same cause."
        )
    risk = Risk(
        partnership=partnership,
        ref=next_ref(partnership),
        title=title,
        cause=cause,
        consequence=consequence,
        inherent_likelihood=inherent_likelihood,
        inherent_impact=inherent_impact,
        residual_likelihood=residual_likelihood,
        residual_impact=residual_impact,
        mitigation=mitigation,
        owner=owner,
        review_date=review_date,
        objective=objective,
        is_open=True,
    )
    check_risk(risk)
    return save_audited(risk, by=by, reason=f"Risk {risk.ref} added")


@transaction.atomic
def update_risk(*, risk: Risk, by: User, **changes) -> Risk:
    """Change any of EDITABLE; the history reason names what changed. Closed risks are
    kept as a record and cannot be changed."""
    require(by, risk.partnership, Need.EDIT, risk.owner_id)
    if "owner" in changes:
        owner = changes["owner"]
        require_owner(by, risk.partnership, owner.pk if owner else None)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"update_risk() cannot change {', '.join(sorted(unknown))}")
    if not risk.is_open:
        raise ValidationError(f"{risk.ref} is closed: a closed risk is kept as it was closed.")
    changed = [name for name, value in changes.items() if getattr(risk, name) != value]
    if not changed:
        return risk
    for name in changed:
        setattr(risk, name, changes[name])
    check_risk(risk)
    names = ", ".join(Risk._meta.get_field(name).verbose_name for name in changed)
    return save_audited(risk, by=by, reason=f"Changed {names}")


@transaction.atomic
def close_risk(*, risk: Risk, by: User, reason: str) -> Risk:
    """Close a risk that no longer threatens the partnership's aims; the reason is kept
    as the history entry's change reason."""
    require(by, risk.partnership, Need.EDIT, risk.owner_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError("Enter why the risk is being closed")
    if not risk.is_open:
        raise ValidationError(f"{risk.ref} is already closed.")
    risk.is_open = False
    return save_audited(risk, by=by, reason=reason)
