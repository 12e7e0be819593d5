"""Shared test world: two partnerships and a named person for every role, as in
healthchecks' BaseTestCase. Tests read like the permission model."""

import csv
import dataclasses
import datetime
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from goldenthread.core.analysis import indicator_analysis
from goldenthread.core.models import (
    Action,
    AnnualReport,
    AnnualUpdateForm,
    Attendee,
    Budget,
    ComparatorGroup,
    CorrectiveAction,
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
    ProcessChange,
    ReportingRound,
    Result,
    Return,
    ReviewMeeting,
    Risk,
    Role,
    Spend,
    StrategicPlan,
    SuccessStory,
    Target,
    User,
)
from goldenthread.core.performance import indicator_history
from goldenthread.core.services import annual_reports
from goldenthread.core.services.benchmarking import import_comparator_group
from goldenthread.core.services.improvement import start_improvement_plan
from goldenthread.core.services.lessons import record_lesson
from goldenthread.core.services.reviews import record_review
from goldenthread.documents import comparators
from goldenthread.documents.annual_report import annual_report_files
from goldenthread.rules import ActionState, Period, parse_published_period

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

    def fresh(self) -> "World":
        """The same world with every object fetched again from the database (one query a
        model), each foreign key to another world object pointing at that object, as
        build_world leaves them."""
        objects = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        by_model: dict[type, list] = {}
        for obj in objects.values():
            by_model.setdefault(type(obj), []).append(obj.pk)
        fetched = {
            (model, pk): obj
            for model, pks in by_model.items()
            for pk, obj in model._base_manager.in_bulk(pks).items()
        }
        for obj in fetched.values():
            for field in obj._meta.concrete_fields:
                if field.many_to_one or field.one_to_one:
                    target = fetched.get((field.related_model, getattr(obj, field.attname)))
                    if target is not None:
                        field.set_cached_value(obj, target)
        return World(**{name: fetched[type(obj), obj.pk] for name, obj in objects.items()})

    def person(self, role: str) -> User:
        return getattr(self, role)

    @property
    def identity_provider(self):
        """The police's own sign-in (an identity provider on this machine's loopback);
        made when a test first asks for it."""
        from goldenthread.core.models import IdentityProvider
        from goldenthread.core.services.sign_in import add_provider

        found = IdentityProvider.objects.filter(organisation=self.police).first()
        return found or add_provider(
            by=self.performance,
            name="Test Police",
            organisation=self.police,
            issuer="http://127.0.0.1:9/police",
            client_id="golden-thread",
            secret="s3cret",
            domains="police.example",
        )

    @property
    def job(self):
        """A finished export of the partnership the lead started, with its file; made
        when a test first asks for it."""
        from goldenthread.core.models import Job
        from goldenthread.core.services.jobs import attach_file

        job = Job.objects.filter(partnership=self.partnership, kind="export").first()
        if job is None:
            job = Job.objects.create(
                kind="export",
                title=f"Exporting the data of {self.partnership.name}",
                status=Job.Status.SUCCEEDED,
                started_by=self.lead,
                partnership=self.partnership,
                progress_done=1,
                progress_total=1,
            )
            attach_file(job, name="export.zip", content=b"PK")
            job.save()
        return job

    @property
    def corrective_action(self) -> CorrectiveAction:
        """A corrective action the member owns, asked for in the Q3 return; made when a
        test first asks for it, so other tests' returns have none."""
        ca, _ = CorrectiveAction.objects.get_or_create(
            ret=self.ret,
            indicator=self.indicator,
            period=self.ret.period,
            defaults={
                "description": "Extra patrols in the two hotspots.",
                "owner": self.member,
                "due_date": datetime.date(2026, 3, 31),
            },
        )
        return ca

    @property
    def success_story(self) -> SuccessStory:
        """A 2025/26 success story the member wrote, not published; made when a test
        first asks for it."""
        story, created = SuccessStory.objects.get_or_create(
            partnership=self.partnership,
            title="Burglaries down on the Old Trafford estate",
            defaults={
                "year": 2025,
                "story": "Door-to-door visits with the fire service reached 400 homes.",
                "created_by": self.member,
            },
        )
        if created:
            story.indicators.add(self.indicator)
        return story

    @property
    def membership(self) -> Membership:
        """The member's place in the partnership."""
        return Membership.objects.get(partnership=self.partnership, person=self.member)

    @property
    def invitation(self):
        """A pending invitation to the partnership, sent by the lead; made when a test
        first asks for it."""
        from goldenthread.core.models import Invitation
        from goldenthread.core.services.invitations import invite

        found = Invitation.objects.filter(partnership=self.partnership).first()
        if found is None:
            found, _token = invite(
                self.lead,
                email="invited@example.org",
                partnership=self.partnership,
                organisation=self.police,
                role=Role.MEMBER,
            )
        return found

    @property
    def health_check(self):
        """The partnership's 2025/26 health check, open for four weeks from today, opened by
        the lead, with no answers yet; made when a test first asks for it."""
        from goldenthread.core.models import HealthCheck

        today = timezone.localdate()
        found, _ = HealthCheck.objects.get_or_create(
            partnership=self.partnership,
            year=2025,
            defaults={
                "opens_on": today,
                "closes_on": today + datetime.timedelta(days=28),
                "opened_by": self.lead,
            },
        )
        return found

    @property
    def process_change(self) -> ProcessChange:
        """A process change on the member's indicator from 2025/26 Q2, marked by the
        member; made when a test first asks for it, so other tests' charts have none."""
        change, _ = ProcessChange.objects.get_or_create(
            indicator=self.indicator,
            period=Period.parse("2025/26 Q2"),
            defaults={"reason": "New triage service started", "created_by": self.member},
        )
        return change

    @property
    def library_indicator(self):
        """A council library indicator (issue 16) the member owns, quarterly, lower is
        better, used by no plan yet; made when a test first asks for it."""
        from goldenthread.core.models import LibraryIndicator

        found, _ = LibraryIndicator.objects.get_or_create(
            code="NEET1",
            defaults={
                "title": "16–17 year olds not in education, employment or training",
                "source": "Department for Education, NCCIS",
                "metric_reference": "LG Inform metric 3356",
                "unit": "%",
                "decimals": 1,
                "polarity": "lower",
                "frequency": "quarterly",
                "owner": self.member,
                "owner_organisation": self.police,
                "created_by": self.performance,
            },
        )
        return found

    @property
    def contribution(self):
        """A 2025/26 contribution of money to the approved plan's O1 from an organisation
        outside the partnership, recorded by the member; made when a test first asks for
        it (issue 17)."""
        from goldenthread.core.models import OutsideContribution

        found, _ = OutsideContribution.objects.get_or_create(
            objective=self.objective,
            organisation_name="Trafford Rotary Club",
            defaults={
                "kind": "money",
                "description": "Grant for door locks",
                "amount": Decimal("5000"),
                "year": 2025,
                "recorded_by": self.member,
            },
        )
        return found


# The world is built once per test module, in a transaction rolled back after the module's
# last test, instead of once per test (about 0.1 s on SQLite and 0.15 s on PostgreSQL,
# thousands of times a run). It is built when the module's first test asks for it, under
# whatever clock that test has set (time_machine), and a later test whose clock is more than
# a few minutes from it, or on another day, gets a world of its own, as every test did
# before. Each test's own writes roll back at its end (pytest-django's per-test transaction
# nests inside the module's), and each test gets the world's objects fetched afresh
# (World.fresh), so a test changing one in memory changes nothing for the next. A module
# builds a world per test when sharing could change what a test sees:
# - one of its tests needs real commits (transactional_db, live_server, a transaction=True
#   mark): they cannot run inside the module's transaction;
# - one of its tests uses the database without the world: it expects no world in it;
# - it is in SHARED_WORLD_NEVER (module-scoped database fixtures of its own).
SHARED_WORLD_NEVER = ("tests.browser", "tests.service", "tests.tasks", "tests.demo")
_REAL_COMMITS = {"transactional_db", "live_server", "django_db_serialized_rollback"}
_SAME_CLOCK = datetime.timedelta(minutes=5)


def _needs_real_commits(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    return bool(transactional) or bool(_REAL_COMMITS & set(item.fixturenames))


def _may_share_world(module_items: list[pytest.Item], module) -> bool:
    if module.__name__.startswith(SHARED_WORLD_NEVER):
        return False
    uses_world = [item for item in module_items if "world" in item.fixturenames]
    return bool(uses_world) and not any(
        _needs_real_commits(item) or ("db" in item.fixturenames and item not in uses_world)
        for item in module_items
    )


class ModuleWorld:
    """A module's world, built on first use inside the module's transaction."""

    def __init__(self, depth: int):
        self.depth = depth  # the module's transaction: atomic blocks open outside any test
        self.world: World | None = None
        self.built_at: datetime.datetime | None = None

    def get(self) -> World | None:
        from django.db import connection

        if len(connection.atomic_blocks) != self.depth:
            return None  # inside a test's transaction already: it would not outlive the test
        now = timezone.now()
        if self.world is None:
            self.world, self.built_at = build_world(), now
        elif abs(now - self.built_at) > _SAME_CLOCK or (
            timezone.localdate(now) != timezone.localdate(self.built_at)
        ):
            return None
        try:
            return self.world.fresh()
        except KeyError:  # a world object is gone (a test committed its deletion)
            return None


@pytest.fixture(scope="module")
def shared_world(request) -> Iterator[ModuleWorld | None]:
    """The world of a module that may share one (above), in a transaction rolled back after
    the module's last test (as in tests/demo/test_load_demo.py); None otherwise."""
    module_items = [i for i in request.session.items if i.module is request.module]
    if not _may_share_world(module_items, request.module):
        yield None
        return
    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    from django.db import connection

    with blocker.unblock(), transaction.atomic():
        try:
            yield ModuleWorld(depth=len(connection.atomic_blocks))
        finally:
            transaction.set_rollback(True)


@pytest.fixture
def module_world(shared_world) -> World | None:
    """The module's world for this test, asked before the test's own transaction opens."""
    if shared_world is None:
        return None
    # The hasher fast_password_hashing sets, so the world's passwords check.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        return shared_world.get()


@pytest.fixture
def world(module_world, db) -> World:
    return module_world if module_world is not None else build_world()


def build_world() -> World:
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


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    # Files (published reports, exports, uploads) go to Django's storage: a folder of the
    # test's own, never the project's media/.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": tmp_path / "media",
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        },
    }


# --- Shared by a page test in tests/web and a service or read test in tests/core --------------
# Each helper and fixture below is used by the tests of one area in both folders, so it is
# written once, here.

# Improvement plans. Higher is better, target 100, 5% tolerance: 96 is amber, 90 is red.
RED, AMBER, GREEN = "90", "96", "100"


def quarterly(world, code: str, results: dict[str, str | None], target: str | None = "100", **kw):
    """An indicator the member owns, higher is better, with `target` for every period of
    {period label: result}."""
    return make_indicator(
        world.partnership,
        code,
        {label: (target, value) for label, value in results.items()},
        polarity="higher",
        owner=world.member,
        **kw,
    )


def start(world, indicator, **changes) -> ImprovementPlan:
    """Start an improvement plan for `indicator` through the service, as the member."""
    fields = {
        "summary": "Extra patrols in the two hotspots.",
        "owner": world.member,
        "review_date": datetime.date(2026, 3, 31),
        "actions": [world.action],
    }
    fields.update(changes)
    return start_improvement_plan(indicator=indicator, by=world.member, **fields)


# Analysis: what the numbers say on an indicator page.
def quarters(first: str, values, target: str | None = "20"):
    """{period label: (target, value)} for consecutive quarters from `first`."""
    periods = Period.parse(first).periods_until(Period.parse("2030/31 Q4"))
    return {
        p.label: (target, None if v is None else str(v))
        for p, v in zip(periods, values, strict=False)
    }


@pytest.fixture
def steady(world):
    """Twelve quarters alternating 10 and 12 (mean 11, limits 5.68 to 16.32) against a
    target of 20, and a target for the year end."""
    series = quarters("2022/23 Q4", [10, 12] * 6)
    series["2025/26 Q4"] = ("20", None)
    indicator = make_indicator(world.partnership, "SPC1", series, polarity="higher")
    Result.objects.filter(indicator=indicator, period=Period.parse("2025/26 Q2")).update(
        note="Two weeks of data missing"
    )
    Result.objects.filter(indicator=indicator, period=Period.parse("2025/26 Q3")).update(
        commentary="Patrols were moved to the town centre."
    )
    return indicator


def analyse(indicator):
    """The indicator's analysis on 15 January 2026, while 2025/26 Q4 is running."""
    return indicator_analysis(indicator, indicator_history(indicator), datetime.date(2026, 1, 15))


# The council-wide view.
@pytest.fixture
def council(world):
    """A third partnership whose indicators move in every way between 2025/26 Q2 and Q3
    (and, for monthly and annual ones, between their own latest two periods)."""
    changes = make_partnership("Changes Partnership", world.council)
    q = {"polarity": "higher"}
    made = {
        # Red (10% short, beyond the 5% tolerance) to green: improved and newly green.
        "C1": make_indicator(
            changes, "C1", {"2025/26 Q2": ("100", "90"), "2025/26 Q3": ("100", "100")}, **q
        ),
        # Green to red: worsened and newly red.
        "C2": make_indicator(
            changes, "C2", {"2025/26 Q2": ("100", "100"), "2025/26 Q3": ("100", "80")}, **q
        ),
        # Amber to amber: no change.
        "C3": make_indicator(
            changes, "C3", {"2025/26 Q2": ("100", "97"), "2025/26 Q3": ("100", "96")}, **q
        ),
        # Nothing reported in Q2, red in Q3 (lower is better): newly red, not "worsened".
        "C4": make_indicator(changes, "C4", {"2025/26 Q3": ("100", "120")}, polarity="lower"),
        # Green in Q2, no Q3 result yet: not yet reported; its latest RAG is Q2's.
        "C5": make_indicator(
            changes, "C5", {"2025/26 Q2": ("100", "101"), "2025/26 Q3": ("100", None)}, **q
        ),
        # Monthly: Dec 2025 amber, Jan 2026 green (Feb 2026 has not ended): improved.
        "C6": make_indicator(
            changes,
            "C6",
            {"Dec 2025": ("100", "97"), "Jan 2026": ("100", "100")},
            frequency="monthly",
            **q,
        ),
        # Annual: 2023/24 green, 2024/25 amber (2025/26 has not ended): worsened.
        "C7": make_indicator(
            changes,
            "C7",
            {"2023/24": ("100", "100"), "2024/25": ("100", "96")},
            frequency="annual",
            **q,
        ),
        # Green to red between Q2 and Q3, and an early Q4 result back to green: the
        # change is Q3's, the RAG count is Q4's (its latest).
        "C8": make_indicator(
            changes,
            "C8",
            {
                "2025/26 Q2": ("100", "100"),
                "2025/26 Q3": ("100", "80"),
                "2025/26 Q4": ("100", "100"),
            },
            **q,
        ),
    }
    plan = make_plan(changes)
    on_track = Objective.objects.create(plan=plan, ref="O1", title="All good", order=1)
    on_track.indicators.add(made["C1"])
    Action.objects.create(
        objective=on_track,
        ref="A1",
        title="Keep going",
        due_date=datetime.date(2026, 6, 30),
        state=ActionState.ON_TRACK,
    )
    at_risk = Objective.objects.create(plan=plan, ref="O2", title="Slipping", order=2)
    at_risk.indicators.add(made["C3"])
    off_track = Objective.objects.create(plan=plan, ref="O3", title="Needs help", order=3)
    off_track.indicators.add(made["C2"])
    finished = Objective.objects.create(plan=plan, ref="O4", title="Done late", order=4)
    Action.objects.create(
        objective=finished,
        ref="A1",
        title="Finished after its due date",
        due_date=datetime.date(2025, 6, 30),
        state=ActionState.COMPLETED,
    )
    # A draft revision's objective counts for nothing here.
    draft = make_plan(changes, status="draft", version=2)
    Objective.objects.create(plan=draft, ref="O9", title="Draft only").indicators.add(made["C2"])

    # Themes hold outcomes: T1 (the world's) has T1.1 under it, served by O2 here.
    child = Outcome.objects.create(
        strategic_plan=world.strategy, parent=world.outcome, code="T1.1", title="Safe homes"
    )
    at_risk.outcomes.add(child)
    drafted = Outcome.objects.create(strategic_plan=world.strategy, code="T2", title="Drafted")
    Objective.objects.get(plan=draft).outcomes.add(drafted)

    Risk.objects.create(
        partnership=changes,
        ref="R1",
        title="Late review",
        inherent_likelihood=3,
        inherent_impact=3,
        residual_likelihood=2,
        residual_impact=2,
        review_date=datetime.date(2026, 1, 1),
    )
    Risk.objects.create(
        partnership=changes,
        ref="R2",
        title="Closed, review date passed",
        inherent_likelihood=3,
        inherent_impact=3,
        residual_likelihood=2,
        residual_impact=2,
        review_date=datetime.date(2026, 1, 1),
        is_open=False,
    )
    # An older round, signed off; the latest round (2025/26 Q3) is the world's.
    older = ReportingRound.objects.create(
        period=Period.parse("2025/26 Q2"), deadline=datetime.date(2025, 10, 31)
    )
    Return.objects.create(
        round=older, partnership=changes, deadline=older.deadline, status="signed_off"
    )
    submitted = Return.objects.create(
        round=world.ret.round, partnership=changes, deadline=world.ret.deadline, status="submitted"
    )
    world.changes = changes
    world.changes_return = submitted
    world.changes_indicators = made
    world.child_outcome = child
    world.drafted_outcome = drafted
    return world


def row_for(overview, partnership):
    """The council-wide view's row for `partnership`."""
    return next(row for row in overview.rows if row.partnership == partnership)


# The risk register.
def add_risk(world, ref, inherent, residual, *, is_open=True, **fields) -> Risk:
    """A risk of the partnership with (likelihood, impact) scores, written directly."""
    fields.setdefault("owner", world.member)
    fields.setdefault("review_date", datetime.date(2026, 6, 30))
    return Risk.objects.create(
        partnership=world.partnership,
        ref=ref,
        title=f"Risk {ref}",
        inherent_likelihood=inherent[0],
        inherent_impact=inherent[1],
        residual_likelihood=residual[0],
        residual_impact=residual[1],
        is_open=is_open,
        **fields,
    )


# Lessons learned.
def add_lesson(partnership, by, title, **fields) -> Lesson:
    """A lesson recorded through the service."""
    fields.setdefault("what_happened", f"What happened with {title}.")
    return record_lesson(partnership=partnership, by=by, title=title, **fields)


# Review meetings.
def make_meeting(world, by=None, **fields) -> ReviewMeeting:
    """A review meeting of 2025/26 Q3, held on 10 January 2026, recorded through the
    service (by the member unless `by` says otherwise)."""
    return record_review(
        partnership=world.partnership,
        by=by or world.member,
        period=fields.pop("period", Period.parse("2025/26 Q3")),
        held_on=fields.pop("held_on", datetime.date(2026, 1, 10)),
        **fields,
    )


def snapshot() -> tuple[int, int, int]:
    """How many review meetings, attendees and actions there are: a refused meeting
    changes none of them."""
    return ReviewMeeting.objects.count(), Attendee.objects.count(), Action.objects.count()


# Benchmarking against real published figures: the demo's data files.
DATA = Path(__file__).resolve().parents[1] / "goldenthread" / "demo" / "data"
EMPLOYMENT = DATA / "economy" / "employment_rate.csv"
HOME = "E08000009"  # Trafford, our own area


def cipfa_group(by) -> ComparatorGroup:
    """The CIPFA 2021 nearest neighbours, imported through the service."""
    areas, problems = comparators.read_group((DATA / "cipfa2021.csv").read_bytes())
    assert not problems
    return import_comparator_group(name="CIPFA 2021", areas=areas, by=by)[0]


def published_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def employment(world):
    """An indicator of the employment rate with Trafford's published results, the real
    file's figures for the other areas, and the CIPFA 2021 group as its usual group."""
    indicator = make_indicator(
        world.partnership,
        "EMP",
        frequency="quarterly",
        polarity="higher",
        unit="%",
        decimals=1,
        title="Employment rate",
    )
    for row in published_rows(EMPLOYMENT):
        if row["area_code"] == HOME:
            Result.objects.create(
                indicator=indicator,
                period=parse_published_period(row["period"], "quarterly"),
                value=Decimal(row["value"]),
            )
    group = cipfa_group(world.performance)
    indicator.comparator_group = group
    indicator.save()
    return indicator, group


# Bringing a partnership in (issue 16).
@pytest.fixture
def new_partnership(world) -> Partnership:
    """A partnership starting to use Golden Thread: no plan, no indicators; the world's lead
    leads it (lead@example.org) and its member is a member."""
    partnership = make_partnership("Youth Justice Partnership", world.council)
    add_member(partnership, world.lead, Role.LEAD, world.council)
    add_member(partnership, world.member, Role.MEMBER, world.police)
    world.lead.email = "lead@example.org"
    world.lead.save()
    return partnership


# Finance.
@pytest.fixture
def money_world(world) -> World:
    """The partnership's 2025/26 budget is £400,000, £60,000 of it for A1; it spent
    £100,000 in Q1 (£10,000 of it on A1) and £106,000 in Q2."""
    p = world.partnership
    q1, q2 = Period.parse("2025/26 Q1"), Period.parse("2025/26 Q2")
    Budget.objects.create(partnership=p, year=2025, amount=Decimal("400000"))
    Budget.objects.create(partnership=p, year=2025, action=world.action, amount=Decimal("60000"))
    Spend.objects.create(partnership=p, period=q1, amount=Decimal("100000"))
    Spend.objects.create(partnership=p, period=q2, amount=Decimal("106000"))
    Spend.objects.create(partnership=p, period=q1, action=world.action, amount=Decimal("10000"))
    return world


# The annual report.
def published(world, commentary: str = "A good year.") -> AnnualReport:
    """The 2025/26 annual report, with `commentary`, published by the lead."""
    annual_reports.save_commentary(
        partnership=world.partnership, year=2025, commentary=commentary, by=world.lead
    )
    return annual_reports.publish_report(
        partnership=world.partnership, year=2025, by=world.lead, render=annual_report_files
    )


# The minimum requirements (compliance).
def at(year: int, month: int, day: int):
    """The clock at noon on that day."""
    return time_machine.travel(datetime.datetime(year, month, day, 12, 0), tick=False)


def aware(year: int, month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


def submitted_quarter(partnership, period: str, when: datetime.datetime, status="submitted"):
    period = Period.parse(period)
    round_, _ = ReportingRound.objects.get_or_create(
        period=period, defaults={"deadline": period.end + datetime.timedelta(days=31)}
    )
    ret, _ = Return.objects.get_or_create(
        round=round_, partnership=partnership, defaults={"deadline": round_.deadline}
    )
    ret.status, ret.submitted_at = status, when
    ret.save()
    return ret


def meet_everything(world, year: int = 2025) -> None:
    """Approved plan, four submitted returns, results, a published report, a form: each
    by its deadline (a return the day after its quarter ends), so every one is met on
    time, not met late."""
    Plan.objects.filter(pk=world.plan.pk).update(approved_at=aware(2025, 3, 1))
    for quarter in range(1, 5):
        period = Period.parse(f"{year}/{(year + 1) % 100} Q{quarter}")
        day = period.end + datetime.timedelta(days=1)
        submitted_quarter(world.partnership, period.label, aware(day.year, day.month, day.day))
    AnnualReport.objects.create(
        partnership=world.partnership,
        year=year,
        status="published",
        published_at=aware(2026, 6, 1),
    )
    AnnualUpdateForm.objects.create(
        partnership=world.partnership, year=year, status="submitted", submitted_at=aware(2026, 6, 2)
    )


# --- real processes (tests/live.py) ------------------------------------------------------------


@pytest.fixture(scope="session")
def live_template(django_db_setup, django_db_blocker, tmp_path_factory):
    """A backup of the migrated test database, for processes of their own: made once."""
    from tests.live import make_template

    with django_db_blocker.unblock():
        return make_template(tmp_path_factory.mktemp("live"))


@pytest.fixture
def live_database(live_template, tmp_path):
    """A migrated database of this test's own (a file, or a PostgreSQL database), which
    app servers and workers the test starts share."""
    from tests.live import copy_of

    with copy_of(live_template, tmp_path) as url:
        yield url
