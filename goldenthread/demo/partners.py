"""The demo's shared direction (issue 17), kept small: the Community Safety Partnership's
partner profiles (one partner over capacity, one asked to deliver before its own decision
date), two partners signed up to its plan (the others, the demo "member"'s housing
provider among them, still to answer) and two contributions from outside the partnership.
Everything goes through core.services.partners as the person who would do it; loading
again writes nothing new. All made up, like the rest of the demo's plans."""

from __future__ import annotations

import datetime
from decimal import Decimal

from goldenthread.core.models import Organisation, OutsideContribution, Partnership, Plan, User
from goldenthread.core.services.partners import (
    add_contribution,
    add_decision_date,
    save_partner_profile,
    sign_up_to_plan,
)
from goldenthread.rules import Frequency, financial_year_of, latest_ended

PARTNERSHIP = "Community Safety Partnership"

# organisation name: (who keeps it, profile fields, [(days from loading, what is decided)])
PROFILES = {
    "Trafford Council": (
        "lead",
        {
            "statutory_duties": "Crime and Disorder Act 1998, section 17; the Children Act "
            "2004 duty to cooperate.",
            "own_plans": "Corporate Plan priority: safer, stronger communities.",
            "planning_cycle": "Service plans in January; the budget is set by full council "
            "in February.",
            "capacity_people": Decimal("2.0"),
            "capacity_money": Decimal("60000"),
            "max_actions": 3,
            "board_decisions": "Executive approval for the restorative justice contract.",
        },
        [(200, "Full council sets the budget")],
    ),
    "Greater Manchester Police": (
        "claire.robinson",
        {
            "statutory_duties": "Crime and Disorder Act 1998, section 17.",
            "own_plans": "Police and Crime Plan: keeping children out of the justice system.",
            "planning_cycle": "The Police and Crime Panel sets the precept each February.",
            "capacity_people": Decimal("1.5"),
            "max_actions": 2,
            "board_decisions": "Funding for the out-of-court panel's second year.",
        },
        [(150, "Police and Crime Panel agrees the precept")],
    ),
    "Greater Manchester Fire and Rescue Service": (
        "andrew.kerr",
        {
            "statutory_duties": "Fire and Rescue Services Act 2004: prevention work.",
            "planning_cycle": "Annual delivery plan agreed each March.",
            "capacity_people": Decimal("0.5"),
            "max_actions": 0,
            "board_decisions": "Whether station staff can run courses beyond this year.",
        },
        [],
    ),
}
# organisation name: (who signs, state, comment)
SIGN_UPS = {
    "Trafford Council": ("lead", "agreed", ""),
    "Greater Manchester Police": (
        "claire.robinson",
        "agreed_with_comments",
        "Agreed. The panel's second year depends on the precept decision in February.",
    ),
}
# (objective ref, organisation, kind, description, amount, which year: "ended" or "current")
CONTRIBUTIONS = [
    (
        "O1",
        "Stretford Rotary Club",
        "money",
        "A grant for mentoring sessions for children referred by the panel.",
        Decimal("5000"),
        "ended",
    ),
    (
        "O3",
        "Greater Manchester Combined Authority",
        "data",
        "Anonymised antisocial behaviour data for mapping hotspots.",
        None,
        "current",
    ),
]


def load_partners(people: dict[str, User], today: datetime.date) -> None:
    partnership = Partnership.objects.filter(name=PARTNERSHIP).first()
    plan = partnership and partnership.plans.filter(status=Plan.Status.APPROVED).first()
    if plan is None:
        return
    orgs = {o.name: o for o in Organisation.objects.filter(name__in=PROFILES | SIGN_UPS)}
    for name, (keeper, fields, dates) in PROFILES.items():
        by = people[keeper]
        existing = partnership.partner_profiles.filter(organisation=orgs[name]).first()
        if existing is not None:
            continue  # the partner's own since the first load
        profile = save_partner_profile(
            partnership=partnership,
            organisation=orgs[name],
            by=by,
            capacity_year=financial_year_of(today),
            **fields,
        )
        for days, what in dates:
            add_decision_date(
                profile=profile, by=by, date=today + datetime.timedelta(days=days), what=what
            )
    for name, (signer, state, comment) in SIGN_UPS.items():
        if not plan.sign_ups.filter(organisation=orgs[name]).exists():
            sign_up_to_plan(
                plan=plan, organisation=orgs[name], state=state, comment=comment, by=people[signer]
            )
    years = {
        "ended": latest_ended(Frequency.ANNUAL, today).year,
        "current": financial_year_of(today),
    }
    for ref, organisation, kind, description, amount, when in CONTRIBUTIONS:
        objective = plan.objectives.get(ref=ref)
        if OutsideContribution.objects.filter(
            objective__plan__partnership=partnership, organisation_name=organisation
        ).exists():
            continue
        add_contribution(
            objective=objective,
            by=people["lead"],
            organisation_name=organisation,
            kind=kind,
            description=description,
            amount=amount,
            year=years[when],
        )
