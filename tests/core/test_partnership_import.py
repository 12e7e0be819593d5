"""Bringing a partnership's plan and history in from one workbook (issue 16): all or
nothing, through the plan and history services, with the history kept."""

import dataclasses
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from goldenthread.core.models import (
    Indicator,
    Objective,
    Plan,
    PlanTarget,
    ReportingRound,
    Result,
    Return,
)
from goldenthread.core.services.partnership_import import (
    ImportRefused,
    SheetProblem,
    import_partnership_plan,
)
from goldenthread.documents.partnership_import import Example, read_workbook, template_workbook
from goldenthread.rules import Frequency, Period, financial_year_of, latest_ended


def example(world):
    read = read_workbook(
        template_workbook(Example("lead@example.org", "Test Council", "Corporate Plan: T1"))
    )
    assert read.ok, read.problems
    return read.plan


def run(world, partnership, parsed, by=None, **kw):
    year = financial_year_of(timezone.localdate())
    return import_partnership_plan(
        partnership=partnership,
        parsed=parsed,
        by=by or world.lead,
        file_name="youth plan.xlsx",
        title="Youth justice plan",
        first_year=kw.pop("first_year", year),
        last_year=kw.pop("last_year", year + 2),
        **kw,
    )


def counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count() for m in apps.get_app_config("core").get_models()
    }


def test_it_creates_the_plan_with_everything_and_its_history(world, new_partnership):
    parsed = example(world)
    imported = run(world, new_partnership, parsed)

    plan = Plan.objects.get(partnership=new_partnership)
    assert imported.plan == plan and plan.is_draft and plan.title == "Youth justice plan"
    assert (imported.objectives, imported.indicators, imported.targets) == (2, 3, 15)
    assert (imported.results, imported.not_available) == (18, 1)

    o1, o2 = plan.objectives.order_by("ref")
    assert (o1.ref, o1.title, o1.owner, o1.lead_organisation) == (
        "O1",
        "Fewer burglaries",
        world.lead,
        world.council,
    )
    assert list(o1.outcomes.all()) == [world.outcome]
    assert {i.code for i in o1.indicators.all()} == {"CS01", "CS02"}
    assert {i.code for i in o2.indicators.all()} == {"CS02", "CS03"}

    cs01 = Indicator.objects.get(partnership=new_partnership, code="CS01")
    assert (cs01.polarity, cs01.frequency, cs01.decimals, cs01.unit) == (
        "lower",
        "quarterly",
        1,
        "rate per 1,000",
    )
    assert cs01.baseline == Decimal("2.6")
    assert PlanTarget.objects.filter(plan=plan).count() == 15
    assert PlanTarget.objects.get(
        plan=plan, indicator=cs01, period=Period(Frequency.QUARTERLY, plan.first_year, 1)
    ).value == Decimal("2.4")
    latest = latest_ended(Frequency.QUARTERLY, timezone.localdate())
    assert cs01.results.get(period=latest).value == Decimal("2.39")
    gap = Result.objects.get(
        indicator__code="CS03", indicator__partnership=new_partnership, not_available=True
    )
    assert gap.not_available_reason == "The council's records were being moved"

    # The history: who, and why.
    reasons = set(
        Result.history.filter(indicator__partnership=new_partnership).values_list(
            "history_change_reason", flat=True
        )
    )
    assert reasons == {"Imported from youth plan.xlsx"}
    assert Result.history.filter(history_user=world.lead).count() == 19
    assert Indicator.history.filter(code="CS01", history_user=world.lead).exists()
    assert Objective.history.filter(plan_id=plan.pk).count() >= 2
    assert PlanTarget.history.filter(plan_id=plan.pk).count() == 15
    assert Plan.history.filter(id=plan.pk, history_change_reason="Plan started").exists()


def test_one_bad_row_writes_nothing_and_every_problem_is_listed(world, new_partnership):
    parsed = example(world)
    parsed.objectives[1] = dataclasses.replace(parsed.objectives[1], owner_email="who@nowhere.org")
    year = financial_year_of(timezone.localdate())
    parsed.targets[0] = dataclasses.replace(
        parsed.targets[0], period=Period(Frequency.QUARTERLY, year + 5, 1)
    )
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        run(world, new_partnership, parsed)
    assert counts() == before
    assert not new_partnership.plans.exists()
    problems = refused.value.problems
    assert (
        SheetProblem(
            "Objectives",
            3,
            "Owner e-mail",
            "who@nowhere.org is not the e-mail address of anyone in Youth Justice Partnership: "
            "add them to the partnership first, or leave the owner blank",
        )
        in problems
    )
    outside = [p for p in problems if p.sheet == "Targets"]
    assert [(p.row, p.column) for p in outside] == [(2, "Period")]
    assert "is outside the plan" in outside[0].message


def test_a_service_refusal_is_put_against_its_row(world, new_partnership):
    """The model's own limits (a code of more than 20 characters) come back on the row."""
    parsed = example(world)
    parsed.indicators[2] = dataclasses.replace(parsed.indicators[2], code="X" * 25)
    parsed.targets[:] = [t for t in parsed.targets if t.indicator != "CS03"]
    parsed.results[:] = [r for r in parsed.results if r.indicator != "CS03"]
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        run(world, new_partnership, parsed)
    assert counts() == before
    assert [(p.sheet, p.row, p.column) for p in refused.value.problems] == [
        ("Indicators", 4, "Ref")
    ]


def test_results_a_return_reports_or_not_ended_are_refused(world, new_partnership):
    parsed = example(world)
    latest = latest_ended(Frequency.QUARTERLY, timezone.localdate())
    round_ = ReportingRound.objects.create(period=latest, deadline=latest.end)
    Return.objects.create(round=round_, partnership=new_partnership, deadline=latest.end)
    current = latest.next()
    parsed.results.append(dataclasses.replace(parsed.results[0], row=99, period=current))
    with pytest.raises(ImportRefused) as refused:
        run(world, new_partnership, parsed)
    messages = {(p.row, p.message) for p in refused.value.problems}
    row = next(r.row for r in parsed.results if r.indicator == "CS01" and r.period == latest)
    assert (
        row,
        f"a quarterly return of Youth Justice Partnership reports {latest.label}, so its "
        "result is entered there",
    ) in messages
    assert (
        99,
        f"{current.label} has not ended yet: its result is entered in the quarterly return",
    ) in messages
    assert not new_partnership.plans.exists()


def test_the_check_is_a_dry_run(world, new_partnership):
    before = counts()
    imported = run(world, new_partnership, example(world), dry_run=True)
    assert (imported.objectives, imported.indicators, imported.targets) == (2, 3, 15)
    assert counts() == before


def test_it_fills_an_empty_draft_with_the_years_given(world, new_partnership):
    draft = Plan.objects.create(
        partnership=new_partnership, title="Draft", first_year=2020, last_year=2020
    )
    run(world, new_partnership, example(world))
    draft.refresh_from_db()
    assert draft.title == "Youth justice plan"
    assert draft.objectives.count() == 2
    assert new_partnership.plans.count() == 1


def test_a_partnership_with_a_plan_is_refused(world):
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        run(world, world.partnership, example(world))
    assert "already has an approved plan" in str(refused.value.problems[0])
    assert counts() == before


@pytest.mark.parametrize("who", ["member", "performance"])
def test_only_the_partnerships_leads_import(world, new_partnership, who):
    new_partnership.memberships.create(
        person=world.viewer, role="viewer", organisation=world.council
    )
    before = counts()
    with pytest.raises(PermissionDenied):
        run(world, new_partnership, example(world), by=world.person(who))
    assert counts() == before
