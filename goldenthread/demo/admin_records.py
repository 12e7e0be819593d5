"""The one place the demo writes through the ORM: organisations, people, the performance
team's group, strategic plans with their outcomes, partnerships and memberships. The
product has no service for these because nobody changes them in its pages: the council
performance team keeps them in Django's admin (README, "What you can do"). Everything
else in the demo goes through ``goldenthread.core.services``.

Each row is found by its natural key and saved only when something differs, so loading
again puts back what was changed and otherwise writes nothing, not even history.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group, Permission
from django.db import models

from goldenthread.core.models import (
    Membership,
    Organisation,
    Outcome,
    Partnership,
    StrategicPlan,
    User,
)

from .catalogue import (
    ORGANISATIONS,
    PASSWORD,
    PEOPLE,
    PERFORMANCE_GROUP,
    STRATEGIC_PLANS,
    OutcomeSpec,
    PartnershipSpec,
)

M = TypeVar("M", bound=models.Model)


def upsert(model: type[M], keys: dict[str, Any], values: dict[str, Any]) -> M:
    """Find the row by ``keys``; create it, or save only the fields that differ."""
    obj = model._default_manager.filter(**keys).first()
    if obj is None:
        return model._default_manager.create(**keys, **values)
    changed = [name for name, value in values.items() if not _same(obj, name, value)]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return obj


def _same(obj: models.Model, name: str, value: Any) -> bool:
    field = obj._meta.get_field(name)
    if field.many_to_one:
        # Compare ids, so checking a foreign key costs no query.
        return getattr(obj, field.attname) == (value.pk if value is not None else None)
    return getattr(obj, name) == value


def load_organisations() -> dict[str, Organisation]:
    return {o.key: upsert(Organisation, {"name": o.name}, {"kind": o.kind}) for o in ORGANISATIONS}


def load_people(orgs: dict[str, Organisation]) -> dict[str, User]:
    usernames = [p.username for p in PEOPLE]
    # One shared hash: hashing is deliberately slow, and checking or making one per person
    # would make the load take many seconds. These are demo accounts with a published
    # password, so a shared salt costs nothing.
    hashes = set(User.objects.filter(username__in=usernames).values_list("password", flat=True))
    encoded = next((h for h in sorted(hashes) if check_password(PASSWORD, h)), None)
    encoded = encoded or make_password(PASSWORD)
    people = {}
    for person in PEOPLE:
        people[person.username] = upsert(
            User,
            {"username": person.username},
            {
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": f"{person.username}@example.org",
                "organisation": orgs[person.org],
                "job_title": person.job_title,
                "is_performance_team": person.is_performance_team,
                "is_staff": person.is_performance_team,
                "is_superuser": False,
                "is_active": True,
                "password": encoded,
            },
        )
    group, _ = Group.objects.get_or_create(name=PERFORMANCE_GROUP)
    permissions = list(Permission.objects.filter(content_type__app_label="core"))
    if set(group.permissions.values_list("pk", flat=True)) != {p.pk for p in permissions}:
        group.permissions.set(permissions)
    for person in PEOPLE:
        user = people[person.username]
        if person.is_performance_team and not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
    return people


def load_strategic_plans() -> dict[str, Outcome]:
    """Every outcome by its code, across the strategic plans."""
    outcomes: dict[str, Outcome] = {}

    def add(plan: StrategicPlan, spec: OutcomeSpec, parent: Outcome | None) -> None:
        outcome = upsert(
            Outcome,
            {"strategic_plan": plan, "code": spec.code},
            {"title": spec.title, "parent": parent},
        )
        outcomes[spec.code] = outcome
        for child in spec.children:
            add(plan, child, outcome)

    for spec in STRATEGIC_PLANS:
        plan = upsert(
            StrategicPlan,
            {"title": spec.title},
            {
                "kind": spec.kind,
                "first_year": spec.first_year,
                "last_year": spec.last_year,
                "description": spec.description,
            },
        )
        for outcome in spec.outcomes:
            add(plan, outcome, None)
    return outcomes


def load_partnership(
    spec: PartnershipSpec, orgs: dict[str, Organisation], people: dict[str, User]
) -> Partnership:
    partnership = upsert(
        Partnership,
        {"name": spec.name},
        {
            "short_name": spec.short_name,
            "purpose": spec.purpose,
            "lead_organisation": orgs[spec.lead_org],
            "lead_link_officer": people[spec.lead],
            "is_demo": True,
        },
    )
    for username, role, org in spec.members:
        upsert(
            Membership,
            {"partnership": partnership, "person": people[username]},
            {"role": role, "organisation": orgs[org]},
        )
    return partnership
