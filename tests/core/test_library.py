"""The council indicator library (issue 16): one indicator, defined once, used by two
partnerships' plans; one result entered once seen by both, each measured against its own
targets."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from goldenthread.core.library import library_indicators, library_page
from goldenthread.core.models import (
    Indicator,
    LibraryIndicator,
    LibraryResult,
    Objective,
    Result,
    Return,
    Target,
)
from goldenthread.core.planning import smart_report
from goldenthread.core.services.history import PastResult, record_past_results
from goldenthread.core.services.library import (
    LibraryResultInput,
    create_library_indicator,
    record_library_results,
    update_library_indicator,
    use_library_indicator,
)
from goldenthread.core.services.plans import approve_plan, set_plan_targets, update_indicator
from goldenthread.core.services.returns import ResultInput, record_results, save_return
from goldenthread.rules import Period, Rag
from tests.conftest import make_plan

Q1 = Period.parse("2025/26 Q1")
Q2 = Period.parse("2025/26 Q2")
Q3 = Period.parse("2025/26 Q3")
TODAY = datetime.date(2026, 1, 5)


def other_draft(world):
    """A draft plan of the other partnership, the outsider leading it."""
    from goldenthread.core.models import Membership, Role

    Membership.objects.filter(partnership=world.other, person=world.outsider).update(role=Role.LEAD)
    plan = make_plan(world.other, status="draft", version=2)
    objective = Objective.objects.create(plan=plan, ref="O2", title="Young people in work")
    return plan, objective


def used_by_both(world):
    """The library indicator used by both partnerships: the Safer Streets draft and the
    other partnership's draft. Returns (ours, theirs)."""
    library = world.library_indicator
    ours = use_library_indicator(
        plan=world.draft_plan,
        objective=world.draft_objective,
        library_indicator=library,
        by=world.lead,
        owner=world.member,
    )
    plan, objective = other_draft(world)
    theirs = use_library_indicator(
        plan=plan, objective=objective, library_indicator=library, by=world.outsider, code="YP1"
    )
    return ours, theirs


def enter(world, period, value, by=None, **more):
    return record_library_results(
        library_indicator=world.library_indicator,
        by=by or world.member,
        results={period: LibraryResultInput(value=Decimal(value), **more)},
    )


def approve_with_targets(plan, indicator, by, targets):
    set_plan_targets(
        plan=plan,
        indicator=indicator,
        by=by,
        targets={Period.parse(p): (Decimal(v), None) for p, v in targets.items()},
    )
    reasons = {item.key: "Accepted for the test" for item in smart_report(plan, TODAY).failures}
    approve_plan(plan=plan, by=by, reasons=reasons, today=TODAY)


def test_it_creates_a_library_indicator_with_history(world):
    made = create_library_indicator(
        by=world.performance,
        code="SMK1",
        title="Smoking prevalence in adults",
        source="Office for Health Improvement and Disparities",
        metric_reference="Fingertips 92443",
        unit="%",
        decimals=1,
        polarity="lower",
        frequency="annual",
        roll_up="latest",
        owner=world.member,
        owner_organisation=world.police,
    )
    made.refresh_from_db()
    assert made.created_by == world.performance
    assert made.data_source == "Office for Health Improvement and Disparities; Fingertips 92443"
    entry = made.history.get()
    assert entry.history_user == world.performance
    assert entry.history_change_reason == "Added to the council library"


def test_a_library_indicator_code_is_unique(world):
    assert world.library_indicator.code == "NEET1"
    with pytest.raises(ValidationError) as error:
        create_library_indicator(by=world.performance, code="NEET1", title="Another")
    assert "code" in error.value.message_dict


def test_two_partnerships_use_it_with_the_librarys_definition(world):
    ours, theirs = used_by_both(world)
    for indicator in (ours, theirs):
        indicator.refresh_from_db()
        assert indicator.library_indicator == world.library_indicator
        assert indicator.title == "16–17 year olds not in education, employment or training"
        assert (indicator.unit, indicator.decimals, indicator.polarity) == ("%", 1, "lower")
        assert indicator.data_source == "Department for Education, NCCIS; LG Inform metric 3356"
    assert (ours.partnership, ours.code) == (world.partnership, "NEET1")
    assert (theirs.partnership, theirs.code) == (world.other, "YP1")
    assert ours in world.draft_objective.indicators.all()
    assert ours.history.get().history_change_reason == (
        "Added to the plan from the council library (NEET1)"
    )


def test_one_result_entered_once_appears_in_both_plans(world):
    ours, theirs = used_by_both(world)
    assert enter(world, Q1, "5.5", note="Provisional") == 1
    stored = LibraryResult.objects.get(library_indicator=world.library_indicator, period=Q1)
    assert (stored.value, stored.note, stored.entered_by) == (
        Decimal("5.5"),
        "Provisional",
        world.member,
    )
    rows = Result.objects.filter(period=Q1, indicator__in=[ours, theirs])
    assert sorted((r.indicator_id, r.value, r.note) for r in rows) == sorted(
        [(ours.pk, Decimal("5.5"), "Provisional"), (theirs.pk, Decimal("5.5"), "Provisional")]
    )
    assert {r.entered_by for r in rows} == {world.member}
    for result in rows:
        entry = result.history.get()
        assert entry.history_user == world.member
        assert entry.history_change_reason == "Entered in the council library (NEET1)"
    assert stored.history.get().history_user == world.member
    # The same input again changes nothing.
    assert enter(world, Q1, "5.5", note="Provisional") == 0
    assert Result.history.filter(period=Q1, indicator_id__in=[ours.pk, theirs.pk]).count() == 2


def test_a_correction_reaches_both_and_keeps_each_commentary(world):
    ours, theirs = used_by_both(world)
    enter(world, Q1, "5.5")
    Result.objects.filter(indicator=ours, period=Q1).update(commentary="Our reasons")
    enter(world, Q1, "5.1", by=world.performance)
    ours_now = Result.objects.get(indicator=ours, period=Q1)
    theirs_now = Result.objects.get(indicator=theirs, period=Q1)
    assert (ours_now.value, theirs_now.value) == (Decimal("5.1"), Decimal("5.1"))
    assert ours_now.commentary == "Our reasons"
    assert ours_now.entered_by == world.performance
    assert ours_now.history.count() == 2


def test_each_plan_has_its_own_target_and_rag(world):
    ours, theirs = used_by_both(world)
    enter(world, Q1, "5.5")
    # Lower is better: 5.5 beats our target of 6.0 and misses theirs of 4.0 by far.
    approve_with_targets(world.draft_plan, ours, world.lead, {"2025/26 Q1": "6.0"})
    their_plan = world.other.plans.get(status="draft")
    approve_with_targets(their_plan, theirs, world.outsider, {"2025/26 Q1": "4.0"})
    assert Target.objects.get(indicator=ours, period=Q1).value == Decimal("6.0")
    assert Target.objects.get(indicator=theirs, period=Q1).value == Decimal("4.0")
    page = library_page(world.library_indicator, world.performance)
    assert page.latest == Q1
    rags = {use.indicator.partnership.name: use.rag for use in page.uses}
    assert rags == {"Safer Streets Partnership": Rag.GREEN, "Other Partnership": Rag.RED}
    plans = {use.indicator.pk: [p.pk for p in use.plans] for use in page.uses}
    assert plans == {ours.pk: [world.draft_plan.pk], theirs.pk: [their_plan.pk]}
    assert page.hidden == 0


def test_the_used_by_list_names_only_partnerships_the_person_sees(world):
    ours, _ = used_by_both(world)
    page = library_page(world.library_indicator, world.viewer)
    assert [use.indicator for use in page.uses] == [ours]
    assert page.hidden == 1
    assert library_page(world.library_indicator, world.nobody).hidden == 2


def test_starting_to_use_it_copies_its_results_in(world):
    enter(world, Q1, "5.5")
    enter(world, Q2, "5.0", note="Revised")
    ours = use_library_indicator(
        plan=world.draft_plan,
        objective=None,
        library_indicator=world.library_indicator,
        by=world.lead,
    )
    copied = {r.period: (r.value, r.note) for r in ours.results.all()}
    assert copied == {Q1: (Decimal("5.5"), ""), Q2: (Decimal("5.0"), "Revised")}
    assert {h.history_change_reason for h in Result.history.filter(indicator_id=ours.pk)} == {
        "Copied from the council library (NEET1)"
    }


def test_a_partnership_uses_it_once(world):
    used_by_both(world)
    with pytest.raises(ValidationError) as error:
        use_library_indicator(
            plan=world.draft_plan,
            objective=None,
            library_indicator=world.library_indicator,
            by=world.lead,
            code="NEET2",
        )
    assert error.value.message_dict["library_indicator"] == [
        "Safer Streets Partnership already uses this library indicator, as NEET1: "
        "link NEET1 to the objective instead."
    ]


def test_using_it_needs_a_free_code_and_a_draft(world):
    with pytest.raises(ValidationError) as error:
        use_library_indicator(
            plan=world.draft_plan,
            objective=None,
            library_indicator=world.library_indicator,
            by=world.lead,
            code="SS01",
        )
    assert "already has an indicator SS01" in error.value.message_dict["code"][0]
    with pytest.raises(ValidationError, match="cannot be changed"):
        use_library_indicator(
            plan=world.plan,
            objective=None,
            library_indicator=world.library_indicator,
            by=world.lead,
        )
    assert not Indicator.objects.filter(library_indicator=world.library_indicator).exists()


def test_editing_the_library_updates_both(world):
    ours, theirs = used_by_both(world)
    update_library_indicator(
        library_indicator=world.library_indicator,
        by=world.performance,
        title="16–17 year olds NEET or whose activity is not known",
        decimals=2,
    )
    for indicator in (ours, theirs):
        indicator.refresh_from_db()
        assert indicator.title == "16–17 year olds NEET or whose activity is not known"
        assert indicator.decimals == 2
        latest = indicator.history.first()
        assert latest.history_change_reason == "Changed in the council library (NEET1)"
        assert latest.history_user == world.performance
    assert world.library_indicator.history.first().history_change_reason == (
        "Changed in the council library"
    )
    # Each plan's own code is its own.
    assert {ours.code, theirs.code} == {"NEET1", "YP1"}


def test_a_closed_partnership_keeps_its_copy_as_it_was(world):
    ours, theirs = used_by_both(world)
    world.other.closed_on, world.other.closed_reason = datetime.date(2025, 12, 1), "Merged"
    world.other.save()
    update_library_indicator(
        library_indicator=world.library_indicator, by=world.performance, title="Renamed"
    )
    enter(world, Q1, "5.5")
    theirs.refresh_from_db()
    assert theirs.title != "Renamed"
    assert not theirs.results.exists()
    assert ours.results.get().value == Decimal("5.5")


def test_frequency_stays_once_there_are_results(world):
    used_by_both(world)
    enter(world, Q1, "5.5")
    with pytest.raises(ValidationError) as error:
        update_library_indicator(
            library_indicator=world.library_indicator, by=world.performance, frequency="annual"
        )
    assert "cannot change" in error.value.message_dict["frequency"][0]
    world.library_indicator.refresh_from_db()
    assert world.library_indicator.frequency == "quarterly"


def test_editing_a_linked_indicators_definition_is_refused(world):
    ours, _ = used_by_both(world)
    with pytest.raises(ValidationError) as error:
        update_indicator(indicator=ours, by=world.lead, title="Our own title", unit="count")
    assert error.value.message_dict["title"] == [
        "Title is kept in the council library (NEET1) for every plan that uses it: "
        "the performance team changes it there."
    ]
    assert "unit" in error.value.message_dict
    ours.refresh_from_db()
    assert ours.title.startswith("16–17")
    # What is the plan's own may change, and the same definition may be sent back.
    update_indicator(
        indicator=ours,
        by=world.lead,
        title=ours.title,
        tolerance=Decimal("10"),
        baseline=Decimal("6.2"),
    )
    ours.refresh_from_db()
    assert (ours.tolerance, ours.baseline) == (Decimal("10"), Decimal("6.2"))


def test_a_result_through_the_return_is_refused_with_the_reason(world):
    ours, _ = used_by_both(world)
    Target.objects.create(indicator=ours, period=Q3, value=Decimal("6"))
    message = (
        "NEET1 is the council library indicator NEET1 “16–17 year olds not in education, "
        "employment or training”: its results are entered once in the library, by its "
        "owner, Member Tester, or the council performance team, and every plan that uses "
        "it sees them."
    )
    with pytest.raises(ValidationError) as error:
        record_results(
            ret=world.ret,
            by=world.lead,
            results=[ResultInput(indicator_id=ours.pk, period=Q3, value=Decimal("4"))],
        )
    assert error.value.messages == [message]
    with pytest.raises(ValidationError) as error:
        save_return(
            ret=world.ret,
            by=world.lead,
            version=world.ret.version,
            results=[ResultInput(indicator_id=ours.pk, period=Q3, value=Decimal("4"))],
        )
    assert error.value.messages == [message]
    assert not Result.objects.filter(indicator=ours).exists()


def test_the_return_keeps_the_library_result_and_takes_the_commentary(world):
    ours, _ = used_by_both(world)
    enter(world, Q3, "5.5")
    same = ResultInput(
        indicator_id=ours.pk, period=Q3, value=Decimal("5.5"), commentary="Up since the summer"
    )
    assert record_results(ret=world.ret, by=world.lead, results=[same]) == 1
    result = Result.objects.get(indicator=ours, period=Q3)
    assert (result.value, result.commentary) == (Decimal("5.5"), "Up since the summer")
    changed = ResultInput(indicator_id=ours.pk, period=Q3, value=Decimal("3"))
    with pytest.raises(ValidationError, match="entered once in the library"):
        record_results(ret=world.ret, by=world.lead, results=[changed])


def test_the_history_import_is_refused_too(world):
    ours, _ = used_by_both(world)
    with pytest.raises(ValidationError, match="entered once in the library"):
        record_past_results(
            indicator=ours,
            by=world.lead,
            results={Period.parse("2023/24 Q1"): PastResult(value=Decimal("7"))},
        )
    assert not ours.results.exists()


def test_a_signed_off_return_locks_the_librarys_result_for_its_period(world):
    used_by_both(world)
    Return.objects.filter(pk=world.ret.pk).update(status=Return.Status.SIGNED_OFF)
    with pytest.raises(ValidationError) as error:
        enter(world, Q3, "5.5")
    assert error.value.message_dict["period"] == [
        "2025/26 Q3: the signed-off return of Safer Streets Partnership reports it, so its "
        "result is locked. The performance team can reopen that return."
    ]
    assert not LibraryResult.objects.exists()
    assert not Result.objects.filter(indicator__library_indicator__isnull=False).exists()


def test_results_are_checked_before_anything_is_written(world):
    used_by_both(world)
    library = world.library_indicator
    bad = {
        Period.parse("2025/26"): LibraryResultInput(value=Decimal("1")),
        Q1: LibraryResultInput(value=None, not_available=True),
        Q2: LibraryResultInput(value=None),
        Period.parse("2030/31 Q1"): LibraryResultInput(value=Decimal("1")),
    }
    with pytest.raises(ValidationError) as error:
        record_library_results(library_indicator=library, by=world.member, results=bad)
    problems = error.value.message_dict
    assert "NEET1 2025/26: NEET1 is measured quarterly" in problems["period"][0]
    assert (
        problems["period"][1] == "NEET1 2030/31 Q1 has not ended yet: enter its result once it has."
    )
    assert problems["not_available_reason"] == [
        "NEET1 2025/26 Q1: say why the result is not available."
    ]
    assert problems["value"] == ["NEET1 2025/26 Q2: enter a value, or mark it not available."]
    assert not LibraryResult.objects.exists()


def test_a_result_not_available_reaches_both(world):
    ours, theirs = used_by_both(world)
    record_library_results(
        library_indicator=world.library_indicator,
        by=world.member,
        results={Q1: LibraryResultInput(None, True, "Survey not run")},
    )
    for indicator in (ours, theirs):
        result = indicator.results.get()
        assert (result.value, result.not_available, result.not_available_reason) == (
            None,
            True,
            "Survey not run",
        )


@pytest.mark.parametrize("who", ["lead", "viewer", "outsider", "other_member"])
def test_only_the_owner_or_the_performance_team_enter_results(world, who):
    used_by_both(world)
    with pytest.raises(PermissionDenied, match="Only the owner of NEET1"):
        enter(world, Q1, "5.5", by=world.person(who))
    assert not LibraryResult.objects.exists()


@pytest.mark.parametrize("who", ["lead", "member"])
def test_only_the_performance_team_keeps_the_library(world, who):
    with pytest.raises(PermissionDenied):
        create_library_indicator(by=world.person(who), code="X1", title="X")
    with pytest.raises(PermissionDenied):
        update_library_indicator(
            library_indicator=world.library_indicator, by=world.person(who), title="X"
        )
    assert LibraryIndicator.objects.get().title.startswith("16–17")


def test_viewers_and_outsiders_do_not_use_it_in_a_plan(world):
    for who in ("viewer", "outsider", "performance"):
        with pytest.raises(PermissionDenied):
            use_library_indicator(
                plan=world.draft_plan,
                objective=None,
                library_indicator=world.library_indicator,
                by=world.person(who),
            )
    assert not world.library_indicator.uses.exists()


def test_the_list_searches_and_counts_partnerships(world):
    used_by_both(world)
    create_library_indicator(by=world.performance, code="SMK1", title="Smoking prevalence")
    assert [(li.code, li.partnerships) for li in library_indicators()] == [
        ("NEET1", 2),
        ("SMK1", 0),
    ]
    assert [li.code for li in library_indicators("smoking")] == ["SMK1"]
    assert [li.code for li in library_indicators("3356")] == ["NEET1"]
