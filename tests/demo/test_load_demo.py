"""The demo loader: what it loads, that it loads published values unchanged, and that it
is safe to run again.

Loading takes a second or two, so the module loads once (with ``--if-empty`` on the empty
test database) inside a transaction that is rolled back when the module is done; each test
runs in its own savepoint inside it, as usual, so what one test changes the next never sees.
"""

import csv
import datetime
import io
from collections import Counter
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from goldenthread.core.models import (
    Action,
    Indicator,
    Membership,
    Objective,
    Outcome,
    Partnership,
    Plan,
    ReportingRound,
    Result,
    Return,
    Risk,
    Role,
    StrategicPlan,
    User,
    default_deadline,
)
from goldenthread.demo.published import DATA_DIR, Series, Skipped, read_series
from goldenthread.rules import (
    ActionState,
    Frequency,
    Period,
    Rag,
    latest_ended,
    periods_in_years,
)

USERNAMES = ["performance", "lead", "member", "viewer", "outsider"]
PASSWORD = "demo-password-1"


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The output of ``load_demo --if-empty`` on the empty test database."""
    # The hasher tests/conftest.py sets for each test, so the passwords check in the tests.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        assert not Partnership.objects.exists()
        with transaction.atomic():
            out = io.StringIO()
            call_command("load_demo", "--if-empty", stdout=out)
            try:
                yield out.getvalue()
            finally:
                transaction.set_rollback(True)


@pytest.fixture
def demo(loaded, db) -> str:
    return loaded


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def months_between(first: Period, last: Period) -> int:
    return (last.start.year - first.start.year) * 12 + last.start.month - first.start.month


def published(file: str, indicator: str, period: str, **match: str) -> Decimal:
    """A value read straight from the project's copy of a published file."""
    with (DATA_DIR / file).open(encoding="utf-8-sig", newline="") as handle:
        rows = [
            row
            for row in csv.DictReader(handle)
            if row["indicator"] == indicator
            and row["period"] == period
            and all(row[k] == v for k, v in match.items())
        ]
    assert len(rows) == 1, rows
    return Decimal(rows[0]["value"])


def latest_rags() -> dict[str, Counter]:
    rags: dict[str, Counter] = {}
    for indicator in Indicator.objects.select_related("partnership"):
        result = indicator.results.exclude(value=None).order_by("-period").first()
        target = indicator.targets.filter(period=result.period).first()
        rag = indicator.rag(result.value, target.value if target else None)
        rags.setdefault(indicator.partnership.name, Counter())[rag] += 1
    return rags


def test_it_prints_the_sign_ins_and_what_it_skipped(demo):
    for username in USERNAMES:
        assert f"  {username} " in demo
    assert PASSWORD in demo
    assert "sees nothing of the others" in demo
    assert "10 whose period spans several years" in demo
    assert "2020/21 - 24/25" in demo
    assert "admin" not in [u.username for u in User.objects.all()]


def test_it_loads_five_demo_partnerships_each_with_one_approved_plan(demo):
    names = set(Partnership.objects.values_list("name", flat=True))
    assert {
        "Community Safety Partnership",
        "Health and Wellbeing Board",
        "Children and Young People's Partnership",
        "Climate Emergency Partnership",
        "Economic Growth Partnership",
    } <= names
    for partnership in Partnership.objects.all():
        assert partnership.is_demo
        assert partnership.purpose
        plans = Plan.objects.filter(partnership=partnership, status=Plan.Status.APPROVED)
        assert plans.count() == 1
        plan = plans.get()
        assert plan.version == 1
        assert plan.approved_by == partnership.lead_link_officer
        assert plan.approved_at is not None
        assert (plan.first_year, plan.last_year) == (2024, 2026)
        assert 2 <= plan.objectives.count() <= 4
        # The lead link officer is a lead member; members come from several organisations.
        memberships = partnership.memberships.all()
        assert memberships.get(person=partnership.lead_link_officer).role == Role.LEAD
        assert memberships.values("organisation").distinct().count() >= 3
    assert Membership.objects.filter(role=Role.VIEWER).exists()


def test_it_gives_every_role_a_named_person(demo):
    performance = User.objects.get(username="performance")
    assert performance.is_performance_team and performance.is_staff
    assert not performance.is_superuser
    group = Group.objects.get(name="Performance team")
    assert performance.groups.filter(pk=group.pk).exists()
    core_permissions = Permission.objects.filter(content_type__app_label="core")
    assert set(group.permissions.all()) == set(core_permissions)
    assert {p.codename.split("_")[0] for p in group.permissions.all()} == {
        "add",
        "change",
        "delete",
        "view",
    }

    safety = Partnership.objects.get(name="Community Safety Partnership")
    lead = User.objects.get(username="lead")
    assert safety.lead_link_officer == lead
    assert Membership.objects.get(person=lead, partnership=safety).role == Role.LEAD

    member = User.objects.get(username="member")
    assert set(member.memberships.values_list("partnership__name", "role")) == {
        ("Community Safety Partnership", "member"),
        ("Climate Emergency Partnership", "member"),
    }
    assert member.owned_actions.exists() and member.owned_indicators.exists()

    viewer = User.objects.get(username="viewer")
    assert list(viewer.memberships.values_list("partnership__name", "role")) == [
        ("Health and Wellbeing Board", "viewer")
    ]
    outsider = User.objects.get(username="outsider")
    assert list(outsider.memberships.values_list("partnership__name", flat=True)) == [
        "Economic Growth Partnership"
    ]
    for username in USERNAMES:
        user = User.objects.get(username=username)
        assert user.check_password(PASSWORD)
        assert user.first_name and user.last_name and user.organisation
    assert not User.objects.filter(is_superuser=True).exists()


def test_it_traces_objectives_to_two_strategic_plans_with_breaks_in_the_thread(demo):
    kinds = set(StrategicPlan.objects.values_list("kind", flat=True))
    assert {"corporate_plan", "community_strategy"} <= kinds
    corporate = StrategicPlan.objects.get(kind="corporate_plan")
    themes = corporate.outcomes.filter(parent=None)
    assert sorted(themes.values_list("code", flat=True)) == ["T1", "T2", "T3", "T4", "T5"]
    assert all(theme.children.exists() for theme in themes)
    # Outcomes that no objective serves, and exactly one objective serving no outcome.
    assert Outcome.objects.filter(parent__isnull=False, objectives=None).exists()
    assert Objective.objects.filter(outcomes=None).count() == 1
    community = StrategicPlan.objects.get(kind="community_strategy")
    assert Objective.objects.filter(outcomes__strategic_plan=community).exists()
    for objective in Objective.objects.all():
        assert objective.owner and objective.lead_organisation and objective.deadline
        assert objective.indicators.exists()


def test_it_loads_indicators_with_long_histories(demo):
    indicators = Indicator.objects.all()
    assert indicators.count() >= 40
    for partnership in Partnership.objects.all():
        assert partnership.indicators.count() >= 5
    long_histories = 0
    for indicator in indicators:
        periods = sorted(indicator.results.values_list("period", flat=True))
        assert periods, indicator.code
        assert all(p.frequency == indicator.frequency for p in periods)
        assert indicator.baseline_period == periods[0]
        assert indicator.baseline == indicator.results.get(period=periods[0]).value
        assert "Open Government Licence v3.0" in indicator.data_source
        assert "Trafford Data Lab" in indicator.data_source
        assert indicator.owner and indicator.owner_organisation
        if months_between(periods[0], periods[-1]) >= 60:
            long_histories += 1
    assert long_histories >= 30


@pytest.mark.parametrize(
    "code, period, file, indicator, label, match",
    [
        (
            "CS01",
            "2024/25",
            "children/children_offending.csv",
            "Children cautioned or sentenced",
            "2024/25",
            {"area_code": "E08000009", "measure": "Count"},
        ),
        (
            "CS03",
            "2019/20",
            "children/neet.csv",
            "Not in education, employment or training (NEET)(16-17 years old)",
            "2019",
            {"area_code": "E08000009"},
        ),
        (
            "HW04",
            "2024/25",
            "children/vaccination_mmr.csv",
            "Population vaccination coverage: MMR for one dose (2 years old)",
            "2024/25",
            {"area_code": "E08000009"},
        ),
        (
            "EG01",
            "2025/26 Q3",
            "economy/employment_rate.csv",
            "Employment rate - aged 16-64",
            "Jan 2025-Dec 2025",
            {"area_code": "E08000009"},
        ),
        (
            "EG03",
            "Mar 2026",
            "economy/claimant_count.csv",
            "Claimant count",
            "March 2026",
            {"area_code": "E08000009", "measure": "Count"},
        ),
        (
            "CL08",
            "2025/26 Q4",
            "climate/no2_concentration.csv",
            "Nitrogen Dioxide (NO2)",
            "2026-03-31",
            {"station_code": "TRF2"},
        ),
    ],
)
def test_results_are_the_published_values(demo, code, period, file, indicator, label, match):
    result = Result.objects.get(indicator__code=code, period=Period.parse(period))
    assert result.value == published(file, indicator, label, **match)
    assert result.entered_by == result.indicator.owner
    assert result.note == ""


def test_targets_cover_reported_periods_from_2017_and_the_plan_years(demo):
    first = {f: Period(f, 2017, 1) for f in Frequency}
    for indicator in Indicator.objects.all():
        targets = set(indicator.targets.values_list("period", flat=True))
        frequency = Frequency(indicator.frequency)
        reported = {
            p for p in indicator.results.values_list("period", flat=True) if p >= first[frequency]
        }
        assert reported <= targets, indicator.code
        assert set(periods_in_years(frequency, 2024, 2026)) <= targets, indicator.code


def test_the_latest_results_are_a_mix_of_green_amber_and_red(demo):
    rags = latest_rags()
    overall = sum(rags.values(), Counter())
    assert overall[Rag.GREEN] >= 3 and overall[Rag.AMBER] >= 3 and overall[Rag.RED] >= 3
    for name, counts in rags.items():
        assert counts[Rag.GREEN] >= 1, name
        assert counts[Rag.RED] + counts[Rag.AMBER] >= 1, name
    # Commentary explains some of the misses, and never sits on a green.
    commented = Result.objects.exclude(commentary="")
    assert commented.exists()
    for result in commented.select_related("indicator"):
        target = result.indicator.targets.get(period=result.period)
        assert result.indicator.rag(result.value, target.value) in (Rag.RED, Rag.AMBER)


def test_actions_cover_every_state_and_some_are_overdue(demo):
    today = timezone.localdate()
    assert set(Action.objects.values_list("state", flat=True)) == {s.value for s in ActionState}
    assert Action.objects.overdue(today).count() >= 2
    for partnership in Partnership.objects.all():
        actions = Action.objects.filter(objective__plan__partnership=partnership)
        assert 3 <= actions.count() <= 5
        assert actions.values("lead_organisation").distinct().count() >= 2
    for action in Action.objects.filter(state=ActionState.COMPLETED):
        assert action.percent_complete == 100 and action.completed_on
    for action in Action.objects.exclude(state=ActionState.COMPLETED):
        assert action.percent_complete < 100 and action.completed_on is None
    for action in Action.objects.filter(state=ActionState.NOT_STARTED):
        assert action.percent_complete == 0
    assert all(Action.objects.filter(state=ActionState.CANCELLED).values_list("closed_reason"))
    assert Action.objects.filter(owner=None).exists() or Action.objects.filter(due_date=None)


def test_risks_are_scored_and_one_is_overdue_for_review(demo):
    today = timezone.localdate()
    for partnership in Partnership.objects.all():
        assert 2 <= partnership.risks.count() <= 3
    for risk in Risk.objects.all():
        assert risk.residual_likelihood <= risk.inherent_likelihood
        assert risk.residual_impact <= risk.inherent_impact
        assert risk.owner and risk.cause and risk.consequence and risk.mitigation
    assert Risk.objects.filter(review_date__lt=today).exists()
    assert Risk.objects.exclude(objective=None).exists()


def test_every_partnership_has_budgets_and_spend_for_the_quarters_ended(demo):
    from goldenthread.core.models import Budget, Spend

    today = timezone.localdate()
    ended = [q for q in periods_in_years(Frequency.QUARTERLY, 2024, 2026) if q.end < today]
    for partnership in Partnership.objects.all():
        years = set(
            Budget.objects.filter(partnership=partnership, action=None).values_list(
                "year", flat=True
            )
        )
        assert years == {2024, 2025, 2026}, partnership.name
        assert Budget.objects.filter(partnership=partnership, action__isnull=False).exists()
        spent = set(
            Spend.objects.filter(partnership=partnership, action=None).values_list(
                "period", flat=True
            )
        )
        assert spent == set(ended), partnership.name
        for budget in Budget.objects.filter(partnership=partnership):
            assert budget.amount > 0
        # The actions' spend fits within the partnership's total each quarter.
        for quarter in ended:
            total = Spend.objects.get(partnership=partnership, period=quarter, action=None)
            on_actions = Spend.objects.filter(
                partnership=partnership, period=quarter, action__isnull=False
            )
            assert sum(s.amount for s in on_actions) <= total.amount


def test_the_latest_ended_quarter_is_open_with_returns_still_to_write(demo):
    today = timezone.localdate()
    round_ = ReportingRound.objects.get()
    assert round_.period == latest_ended(Frequency.QUARTERLY, today)
    assert round_.deadline >= today + datetime.timedelta(days=14)
    assert round_.deadline >= default_deadline(round_.period)
    statuses = set(Return.objects.filter(round=round_).values_list("status", flat=True))
    assert statuses == {"open"}
    assert Return.objects.filter(round=round_).count() == 5


def test_running_it_again_changes_nothing(demo):
    before = row_counts()
    call_command("load_demo", stdout=io.StringIO())
    assert row_counts() == before
    # Natural keys without a database constraint of their own are still unique.
    assert StrategicPlan.objects.values("title").distinct().count() == StrategicPlan.objects.count()
    assert Group.objects.filter(name="Performance team").count() == 1


def test_running_it_again_puts_back_what_was_changed(demo):
    Result.objects.filter(indicator__code="CS01").update(value=Decimal("1"))
    User.objects.filter(username="lead").update(first_name="Changed")
    call_command("load_demo", stdout=io.StringIO())
    assert Result.objects.get(indicator__code="CS01", period=Period.parse("2024/25")).value == 38
    assert User.objects.get(username="lead").first_name == "Sarah"


def test_if_empty_leaves_a_loaded_database_alone(demo):
    Partnership.objects.filter(name="Community Safety Partnership").update(purpose="Changed")
    before = row_counts()
    out = io.StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert row_counts() == before
    assert Partnership.objects.get(name="Community Safety Partnership").purpose == "Changed"
    assert "left as it is" in out.getvalue()
    for username in USERNAMES:
        assert username in out.getvalue()
    assert PASSWORD in out.getvalue()


def test_reading_a_series_skips_what_cannot_be_stored_and_keeps_the_later_duplicate(tmp_path):
    path = tmp_path / "series.csv"
    path.write_text(
        "area_code,period,indicator,measure,value,inequality\n"
        "E08000009,2018/19,Rate,Percentage,10.5,NA\n"
        "E08000009,2019/20,Rate,Percentage,NA,NA\n"
        "E08000009,2018-20,Rate,Percentage,11,NA\n"
        "E08000009,2020/21,Rate,Percentage,9,Most deprived quintile\n"
        "E08000009,2020/21,Rate,Percentage,12,NA\n"
        "E08000009,2020-21,Rate,Percentage,12.25,NA\n"
        "E08000009,2021/22,Rate,Percentage,1.12345678,NA\n"
        "E08000009,2021/22,Rate,Count,400,NA\n"
        "E06000001,2021/22,Rate,Percentage,99,NA\n",
        encoding="utf-8",
    )
    skipped = Skipped()
    series = Series(str(path), "Rate", Frequency.ANNUAL, measure="Percentage")
    values = read_series(series, skipped)
    assert values == {
        Period.parse("2018/19"): Decimal("10.5"),
        Period.parse("2020/21"): Decimal("12.25"),
        Period.parse("2021/22"): Decimal("1.123457"),
    }
    assert skipped.bad_period == Counter({"2018-20": 1})
    assert (skipped.not_available, skipped.inequality, skipped.replaced) == (1, 1, 1)
    assert skipped.rounded == 1
