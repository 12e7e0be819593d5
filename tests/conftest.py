"""Shared test world: two partnerships and a named person for every role, as in
healthchecks' BaseTestCase. Tests read like the permission model."""

import datetime
import html
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest

from goldenthread.core.models import (
    Action,
    Feedback,
    ImprovementPlan,
    Indicator,
    Lesson,
    Membership,
    Objective,
    Organisation,
    Outcome,
    Partnership,
    Plan,
    ReportingRound,
    Result,
    Return,
    ReviewMeeting,
    Risk,
    Role,
    StrategicPlan,
    Target,
    User,
)
from goldenthread.rules import ActionState, Period

PASSWORD = "test-password-1"

_CELL = re.compile(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", re.S)
_TAG = re.compile(r"<[^>]+>")


def cell_texts(page: str) -> list[str]:
    """The text of every table cell in a page's <main>, tags stripped and spaces
    collapsed. Checking a number against cells, not the whole page, means a CSRF token
    or an id that happens to hold the same digits cannot pass or fail the test."""
    main = page[page.index("<main") : page.index("</main>")]
    return [" ".join(html.unescape(_TAG.sub(" ", cell)).split()) for cell in _CELL.findall(main)]


def make_user(username: str, **fields) -> User:
    user = User(username=username, first_name=username.title(), last_name="Tester", **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_partnership(name: str, lead_org: Organisation, **fields) -> Partnership:
    return Partnership.objects.create(name=name, lead_organisation=lead_org, **fields)


def add_member(partnership: Partnership, user: User, role: Role, org: Organisation) -> Membership:
    return Membership.objects.create(
        partnership=partnership, person=user, role=role, organisation=org
    )


def make_indicator(
    partnership: Partnership,
    code: str,
    series: dict[str, tuple[str | None, str | None]] | None = None,
    **fields,
) -> Indicator:
    """An indicator with {period label: (target, result)} rows."""
    fields.setdefault("title", f"Indicator {code}")
    fields.setdefault("frequency", "quarterly")
    indicator = Indicator.objects.create(partnership=partnership, code=code, **fields)
    for label, (target, result) in (series or {}).items():
        period = Period.parse(label)
        if target is not None:
            Target.objects.create(indicator=indicator, period=period, value=Decimal(target))
        if result is not None:
            Result.objects.create(indicator=indicator, period=period, value=Decimal(result))
    return indicator


def make_plan(partnership: Partnership, *, status: str = "approved", version: int = 1) -> Plan:
    return Plan.objects.create(
        partnership=partnership,
        title=f"{partnership.name} plan",
        first_year=2024,
        last_year=2026,
        status=status,
        version=version,
    )


@dataclass
class World:
    council: Organisation
    police: Organisation
    performance: User
    lead: User
    member: User
    other_member: User
    viewer: User
    outsider: User
    nobody: User
    partnership: Partnership
    other: Partnership
    plan: Plan
    objective: Objective
    outcome: Outcome
    indicator: Indicator
    action: Action
    other_indicator: Indicator
    strategy: StrategicPlan
    draft_plan: Plan
    draft_objective: Objective
    draft_action: Action
    risk: Risk
    ret: Return
    lesson: Lesson
    meeting: ReviewMeeting
    feedback: Feedback
    improvement: ImprovementPlan

    def person(self, role: str) -> User:
        return getattr(self, role)


@pytest.fixture
def world(db) -> World:
    council = Organisation.objects.create(name="Test Council", kind="council")
    police = Organisation.objects.create(name="Test Police", kind="police")
    performance = make_user("performance", is_performance_team=True, organisation=council)
    lead = make_user("lead", organisation=council)
    member = make_user("member", organisation=police)
    other_member = make_user("other_member", organisation=police)
    viewer = make_user("viewer")
    outsider = make_user("outsider", organisation=police)
    nobody = make_user("nobody")

    partnership = make_partnership("Safer Streets Partnership", council, lead_link_officer=lead)
    add_member(partnership, lead, Role.LEAD, council)
    add_member(partnership, member, Role.MEMBER, police)
    add_member(partnership, other_member, Role.MEMBER, police)
    add_member(partnership, viewer, Role.VIEWER, council)
    other = make_partnership("Other Partnership", police)
    add_member(other, outsider, Role.MEMBER, police)

    strategy = StrategicPlan.objects.create(title="Corporate Plan", first_year=2024, last_year=2028)
    outcome = Outcome.objects.create(strategic_plan=strategy, code="T1", title="Safe places")
    plan = make_plan(partnership)
    objective = Objective.objects.create(plan=plan, ref="O1", title="Fewer burglaries", owner=lead)
    objective.outcomes.add(outcome)
    indicator = make_indicator(
        partnership,
        "SS01",
        {
            "2024/25 Q3": ("100", "98"),
            "2025/26 Q2": ("100", "103"),
            "2025/26 Q3": ("100", "101"),
        },
        polarity="higher",
        owner=member,
    )
    objective.indicators.add(indicator)
    action = Action.objects.create(
        objective=objective,
        ref="A1",
        title="Door-to-door visits",
        owner=member,
        lead_organisation=police,
        start_date=datetime.date(2025, 4, 1),
        due_date=datetime.date(2025, 6, 30),
        state=ActionState.ON_TRACK,
    )
    other_plan = make_plan(other)
    other_objective = Objective.objects.create(plan=other_plan, ref="O1", title="Other aim")
    other_indicator = make_indicator(other, "OT01", {"2025/26 Q1": ("5", "4")})
    other_objective.indicators.add(other_indicator)

    # A revision in progress: version 2, a draft, whose items the member owns.
    draft_plan = make_plan(partnership, status="draft", version=2)
    draft_plan.previous = plan
    draft_plan.save()
    draft_objective = Objective.objects.create(
        plan=draft_plan, ref="O1", title="Fewer burglaries", owner=member
    )
    draft_objective.outcomes.add(outcome)
    draft_objective.indicators.add(indicator)
    draft_action = Action.objects.create(
        objective=draft_objective,
        ref="A1",
        title="Door-to-door visits",
        owner=member,
        lead_organisation=police,
        start_date=datetime.date(2025, 4, 1),
        due_date=datetime.date(2026, 6, 30),
        state=ActionState.ON_TRACK,
    )
    risk = Risk.objects.create(
        partnership=partnership,
        objective=objective,
        ref="R1",
        title="Police funding cut",
        inherent_likelihood=4,
        inherent_impact=4,
        residual_likelihood=2,
        residual_impact=4,
        owner=member,
        review_date=datetime.date(2026, 3, 31),
    )
    # The 2025/26 Q3 quarter is open: the partnership's return is waiting to be filled in.
    round_ = ReportingRound.objects.create(
        period=Period.parse("2025/26 Q3"), deadline=datetime.date(2026, 1, 31)
    )
    ret = Return.objects.create(round=round_, partnership=partnership, deadline=round_.deadline)
    lesson = Lesson.objects.create(
        partnership=partnership,
        title="Door-knocking with the fire service",
        what_happened="Joint visits reached more homes.",
        tags="burglary, prevention",
        created_by=member,
    )
    improvement = ImprovementPlan.objects.create(
        indicator=indicator,
        triggered_by=Period.parse("2025/26 Q3"),
        summary="Extra patrols in the hotspots.",
        owner=member,
        review_date=datetime.date(2026, 3, 31),
        created_by=member,
    )
    meeting = ReviewMeeting.objects.create(
        partnership=partnership,
        period=Period.parse("2025/26 Q2"),
        held_on=datetime.date(2025, 10, 20),
        went_well="More homes visited than planned.",
        created_by=member,
    )
    feedback = Feedback.objects.create(
        partnership=partnership, author=viewer, body="Could results be published sooner?"
    )
    return World(
        meeting=meeting,
        feedback=feedback,
        lesson=lesson,
        improvement=improvement,
        council=council,
        police=police,
        performance=performance,
        lead=lead,
        member=member,
        viewer=viewer,
        outsider=outsider,
        nobody=nobody,
        partnership=partnership,
        other=other,
        plan=plan,
        objective=objective,
        outcome=outcome,
        indicator=indicator,
        action=action,
        other_indicator=other_indicator,
        strategy=strategy,
        draft_plan=draft_plan,
        draft_objective=draft_objective,
        draft_action=draft_action,
        risk=risk,
        other_member=other_member,
        ret=ret,
    )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher is deliberately slow; tests sign in many named users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
