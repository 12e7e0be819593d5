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
    differing_results,
    link_to_library,
    measured_differently,
    record_library_results,
    stop_using_library,
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


def test_a_result_entered_by_mistake_is_removed_from_the_library_and_both_plans(world):
    from goldenthread.core.services.library import remove_library_result

    ours, theirs = used_by_both(world)
    enter(world, Q3, "5.5")
    enter(world, Q2, "6.1")
    record_results(
        ret=world.ret,
        by=world.lead,
        results=[
            ResultInput(indicator_id=ours.pk, period=Q3, value=Decimal("5.5"), commentary="Up")
        ],
    )
    assert (
        remove_library_result(library_indicator=world.library_indicator, period=Q3, by=world.member)
        == 2
    )
    assert list(LibraryResult.objects.values_list("period", flat=True)) == [Q2]
    assert not Result.objects.filter(indicator__in=[ours, theirs], period=Q3).exists()
    assert Result.objects.filter(indicator__in=[ours, theirs], period=Q2).count() == 2
    # The histories keep what was removed, the partnership's commentary with it.
    gone = Result.history.filter(indicator_id=ours.pk, period=Q3).first()
    assert (gone.history_type, gone.history_user) == ("-", world.member)
    assert gone.history_change_reason == "Removed from the council library (NEET1)"
    assert gone.commentary == "Up"
    assert LibraryResult.history.filter(period=Q3).first().history_type == "-"
    with pytest.raises(ValidationError) as error:
        remove_library_result(library_indicator=world.library_indicator, period=Q3, by=world.member)
    assert error.value.message_dict["period"] == ["NEET1 has no result for 2025/26 Q3."]


@pytest.mark.parametrize(
    "status, says",
    [
        (Return.Status.SIGNED_OFF, "the signed-off return of Safer Streets Partnership"),
        (Return.Status.SUBMITTED, "the return awaiting sign-off of Safer Streets Partnership"),
    ],
)
def test_a_result_a_signed_off_or_submitted_return_reports_is_not_removed(world, status, says):
    from goldenthread.core.services.library import remove_library_result

    ours, _ = used_by_both(world)
    enter(world, Q3, "5.5")
    Return.objects.filter(pk=world.ret.pk).update(status=status)
    with pytest.raises(ValidationError) as error:
        remove_library_result(
            library_indicator=world.library_indicator, period=Q3, by=world.performance
        )
    assert says in error.value.message_dict["period"][0]
    assert LibraryResult.objects.filter(period=Q3).exists()
    assert Result.objects.filter(indicator=ours, period=Q3).exists()


def test_a_return_awaiting_sign_off_holds_the_librarys_result_for_its_period(world):
    """Its partnership can no longer change what it submitted, nor can the library; the
    performance team returns it first (or signs it off, and reopens it)."""
    ours, _ = used_by_both(world)
    enter(world, Q3, "5.5")
    Return.objects.filter(pk=world.ret.pk).update(status=Return.Status.SUBMITTED)
    with pytest.raises(ValidationError) as error:
        enter(world, Q3, "6.5")
    assert error.value.message_dict["period"] == [
        "2025/26 Q3: the return awaiting sign-off of Safer Streets Partnership reports it, "
        "so its result cannot change while it awaits sign-off. The performance team can "
        "return it first."
    ]
    assert LibraryResult.objects.get(period=Q3).value == Decimal("5.5")
    assert Result.objects.get(indicator=ours, period=Q3).value == Decimal("5.5")
    # Another period is entered as ever.
    assert enter(world, Q2, "6.1") == 1


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


# --- linking a partnership's own copy to the library, and stopping ----------------------

LAST_YEAR_Q3 = Period.parse("2024/25 Q3")


def own_copy(world):
    """SS01, the partnership's own copy of the measure, set to be measured as NEET1 is
    (%, one decimal place, lower is better, quarterly). It is in the draft and the approved
    plan, owned by the member, with results 98 (2024/25 Q3), 103 (Q2) and 101 (Q3)."""
    Indicator.objects.filter(pk=world.indicator.pk).update(
        unit="%",
        decimals=1,
        polarity="lower",
        baseline=Decimal("99"),
        tolerance=Decimal("7"),
        definition="Our own words",
    )
    return Indicator.objects.get(pk=world.indicator.pk)


def in_library(world, results):
    record_library_results(
        library_indicator=world.library_indicator,
        by=world.member,
        results={period: LibraryResultInput(value=Decimal(v)) for period, v in results.items()},
    )


def test_linking_keeps_the_copy_and_takes_the_librarys_definition(world):
    ours = own_copy(world)
    targets = sorted(ours.targets.values_list("period", "value"))
    # The library agrees on two periods, has Q1 that the copy lacks, and lacks Q3.
    in_library(world, {LAST_YEAR_Q3: "98", Q1: "5.5", Q2: "103"})
    assert differing_results(ours, world.library_indicator) == []
    linked = link_to_library(
        indicator=ours, library_indicator=world.library_indicator, by=world.member
    )
    linked.refresh_from_db()
    assert linked.library_indicator == world.library_indicator
    assert linked.title == "16–17 year olds not in education, employment or training"
    assert linked.definition == ""  # the library's, which has none yet
    assert linked.data_source == "Department for Education, NCCIS; LG Inform metric 3356"
    assert (linked.code, linked.owner, linked.baseline, linked.tolerance) == (
        "SS01",
        world.member,
        Decimal("99"),
        Decimal("7"),
    )
    assert sorted(linked.targets.values_list("period", "value")) == targets
    entry = linked.history.first()
    assert (entry.history_user, entry.history_change_reason) == (
        world.member,
        "Linked to the council library (NEET1)",
    )
    values = {r.period: r.value for r in linked.results.all()}
    assert values == {
        LAST_YEAR_Q3: Decimal("98"),
        Q1: Decimal("5.5"),
        Q2: Decimal("103"),
        Q3: Decimal("101"),  # the library has none: the copy keeps its own
    }
    copied = Result.objects.get(indicator=linked, period=Q1)
    assert copied.entered_by == world.member
    assert [h.history_change_reason for h in copied.history.all()] == [
        "Copied from the council library (NEET1)"
    ]
    assert Result.objects.get(indicator=linked, period=Q2).history.count() == 1  # untouched
    # From now on the library writes its results, and the return may not.
    in_library(world, {Q3: "4.5"})
    assert Result.objects.get(indicator=linked, period=Q3).value == Decimal("4.5")
    with pytest.raises(ValidationError, match="entered once in the library"):
        record_results(
            ret=world.ret,
            by=world.lead,
            results=[ResultInput(indicator_id=linked.pk, period=Q3, value=Decimal("3"))],
        )


def test_linking_needs_the_same_measurement(world):
    ours = world.indicator  # a count, no decimal places, higher is better
    with pytest.raises(ValidationError) as error:
        link_to_library(indicator=ours, library_indicator=world.library_indicator, by=world.lead)
    assert error.value.message_dict["library_indicator"] == [
        "NEET1 is measured in %, SS01 in plain numbers.",
        "NEET1 is shown to 1 decimal place, SS01 to 0.",
        "For NEET1: lower is better; for SS01: higher is better.",
        "Only an indicator measured the same way as NEET1 can be linked to it.",
    ]
    annual = Indicator(code="A1", unit="%", decimals=1, polarity="lower", frequency="annual")
    assert measured_differently(annual, world.library_indicator) == [
        "NEET1 is measured quarterly, A1 annually."
    ]
    ours.refresh_from_db()
    assert ours.library_indicator is None
    assert ours.history.count() == 1  # its creation alone


def test_differing_results_are_refused_then_replaced_on_confirmation(world):
    ours = own_copy(world)
    Result.objects.filter(indicator=ours, period=Q2).update(commentary="Our reasons")
    record_library_results(
        library_indicator=world.library_indicator,
        by=world.member,
        results={Q2: LibraryResultInput(value=Decimal("5.5"), note="Provisional")},
    )
    with pytest.raises(ValidationError) as error:
        link_to_library(indicator=ours, library_indicator=world.library_indicator, by=world.lead)
    assert error.value.message_dict["replace_differing"] == [
        "1 result of SS01 differs from NEET1's in the library: 2025/26 Q2 (SS01 103.0%, "
        "NEET1 5.5%, note “Provisional”). Confirm that the library's replace them, or link "
        "another indicator."
    ]
    ours.refresh_from_db()
    assert ours.library_indicator is None
    assert Result.objects.get(indicator=ours, period=Q2).value == Decimal("103")
    assert [
        (d.period, d.ours, d.library) for d in differing_results(ours, world.library_indicator)
    ] == [(Q2, "103.0%", "5.5%, note “Provisional”")]

    link_to_library(
        indicator=ours,
        library_indicator=world.library_indicator,
        by=world.lead,
        replace_differing=True,
    )
    result = Result.objects.get(indicator=ours, period=Q2)
    assert (result.value, result.note, result.commentary) == (
        Decimal("5.5"),
        "Provisional",
        "Our reasons",
    )
    entry = result.history.first()
    assert (entry.history_user, entry.history_change_reason) == (
        world.lead,
        "Replaced by the council library's result on linking (NEET1)",
    )
    assert entry.prev_record.value == Decimal("103")
    assert Result.objects.get(indicator=ours, period=Q3).value == Decimal("101")


def test_a_result_not_available_differs_from_a_figure(world):
    ours = own_copy(world)
    record_library_results(
        library_indicator=world.library_indicator,
        by=world.member,
        results={Q3: LibraryResultInput(None, True, "Survey not run")},
    )
    assert [(d.ours, d.library) for d in differing_results(ours, world.library_indicator)] == [
        ("101.0%", "not available (Survey not run)")
    ]


def test_a_signed_off_period_never_changes(world):
    ours = own_copy(world)
    in_library(world, {Q3: "5.5"})
    Return.objects.filter(pk=world.ret.pk).update(status=Return.Status.SIGNED_OFF)
    with pytest.raises(ValidationError) as error:
        link_to_library(
            indicator=ours,
            library_indicator=world.library_indicator,
            by=world.lead,
            replace_differing=True,
        )
    assert error.value.message_dict["period"] == [
        "2025/26 Q3: the signed-off return of Safer Streets Partnership reports SS01 "
        "101.0%, and NEET1's is 5.5%, so linking would change a result that is locked. The "
        "performance team can reopen that return."
    ]
    # Nor is a result the return reported without added.
    Result.objects.filter(indicator=ours, period=Q3).delete()
    with pytest.raises(ValidationError) as error:
        link_to_library(indicator=ours, library_indicator=world.library_indicator, by=world.lead)
    assert "reports no result of SS01, and NEET1 has 5.5%" in error.value.message_dict["period"][0]
    ours.refresh_from_db()
    assert ours.library_indicator is None
    assert not ours.results.filter(period=Q3).exists()
    # A signed-off period where both agree changes nothing, so linking goes ahead.
    Result.objects.create(indicator=ours, period=Q3, value=Decimal("5.5"))
    link_to_library(indicator=ours, library_indicator=world.library_indicator, by=world.lead)
    assert Result.objects.get(indicator=ours, period=Q3).history.count() == 1  # its creation


def test_an_indicator_already_linked_or_a_library_indicator_already_used_is_refused(world):
    ours = own_copy(world)
    used = use_library_indicator(
        plan=world.draft_plan,
        objective=world.draft_objective,
        library_indicator=world.library_indicator,
        by=world.lead,
        code="NEET1",
    )
    with pytest.raises(ValidationError) as error:
        link_to_library(indicator=ours, library_indicator=world.library_indicator, by=world.lead)
    assert error.value.message_dict["library_indicator"] == [
        "Safer Streets Partnership already uses NEET1, as NEET1: a partnership uses each "
        "library indicator once. Use NEET1 in the plan instead of SS01."
    ]
    with pytest.raises(ValidationError) as error:
        link_to_library(indicator=used, library_indicator=world.library_indicator, by=world.lead)
    assert error.value.message_dict["library_indicator"] == [
        "NEET1 already uses the council library indicator NEET1."
    ]
    other = create_library_indicator(
        by=world.performance, code="NEET2", title="Another", unit="%", decimals=1, polarity="lower"
    )
    with pytest.raises(ValidationError) as error:
        link_to_library(indicator=used, library_indicator=other, by=world.lead)
    assert error.value.message_dict["library_indicator"] == [
        "NEET1 already uses the council library indicator NEET1. Stop using NEET1 first to "
        "link NEET1 to NEET2."
    ]
    ours.refresh_from_db()
    assert ours.library_indicator is None


def test_linking_and_stopping_need_a_draft_that_uses_it(world):
    ours = own_copy(world)
    world.draft_objective.indicators.remove(ours)  # only the approved version uses it now
    with pytest.raises(ValidationError, match="SS01 is in no draft of Safer Streets"):
        link_to_library(indicator=ours, library_indicator=world.library_indicator, by=world.lead)
    outside = use_library_indicator(
        plan=world.draft_plan,
        objective=None,
        library_indicator=world.library_indicator,
        by=world.lead,
    )
    with pytest.raises(ValidationError, match="NEET1 is in no draft"):
        stop_using_library(indicator=outside, by=world.lead)
    outside.refresh_from_db()
    assert outside.library_indicator == world.library_indicator
    with pytest.raises(ValidationError, match="does not use a council library indicator"):
        stop_using_library(indicator=world.indicator, by=world.lead)


def test_a_closed_partnership_neither_links_nor_stops(world):
    ours = own_copy(world)
    used = use_library_indicator(
        plan=world.draft_plan,
        objective=world.draft_objective,
        library_indicator=world.library_indicator,
        by=world.lead,
    )
    world.partnership.closed_on, world.partnership.closed_reason = TODAY, "Merged"
    world.partnership.save()
    with pytest.raises(PermissionDenied, match="closed on"):
        link_to_library(indicator=ours, library_indicator=world.library_indicator, by=world.lead)
    with pytest.raises(PermissionDenied, match="closed on"):
        stop_using_library(indicator=used, by=world.lead)
    used.refresh_from_db()
    assert used.library_indicator == world.library_indicator


@pytest.mark.parametrize("who", ["viewer", "other_member", "outsider", "performance"])
def test_only_a_lead_or_the_owner_links_or_stops(world, who):
    ours = own_copy(world)  # owned by the member
    with pytest.raises(PermissionDenied):
        link_to_library(
            indicator=ours, library_indicator=world.library_indicator, by=world.person(who)
        )
    ours.refresh_from_db()
    assert ours.library_indicator is None


def test_stopping_keeps_the_results_and_the_partnership_enters_its_own(world):
    ours, theirs = used_by_both(world)  # ours owned by the member
    enter(world, Q1, "5.5", note="Provisional")
    stopped = stop_using_library(indicator=ours, by=world.member)
    stopped.refresh_from_db()
    assert stopped.library_indicator is None
    assert stopped.title == "16–17 year olds not in education, employment or training"
    assert (stopped.unit, stopped.decimals, stopped.polarity) == ("%", 1, "lower")
    assert [(r.period, r.value, r.note) for r in stopped.results.all()] == [
        (Q1, Decimal("5.5"), "Provisional")
    ]
    entry = stopped.history.first()
    assert (entry.history_user, entry.history_change_reason) == (
        world.member,
        "Stopped using the council library (NEET1)",
    )
    assert entry.prev_record.library_indicator_id == world.library_indicator.pk
    # The library no longer reaches it: neither its definition nor its results.
    update_library_indicator(
        library_indicator=world.library_indicator, by=world.performance, title="Renamed"
    )
    enter(world, Q2, "5.0")
    stopped.refresh_from_db()
    assert stopped.title.startswith("16–17")
    assert not stopped.results.filter(period=Q2).exists()
    assert theirs.results.get(period=Q2).value == Decimal("5.0")
    # The partnership enters its results itself, and changes its definition.
    assert (
        record_results(
            ret=world.ret,
            by=world.member,
            results=[ResultInput(indicator_id=stopped.pk, period=Q3, value=Decimal("4.2"))],
        )
        == 1
    )
    enter(world, Q3, "5.5")
    assert Result.objects.get(indicator=stopped, period=Q3).value == Decimal("4.2")
    update_indicator(indicator=stopped, by=world.lead, title="Our own title")
    stopped.refresh_from_db()
    assert stopped.title == "Our own title"
    # It may be linked again, with the library's results for what it lacks.
    link_to_library(
        indicator=stopped,
        library_indicator=world.library_indicator,
        by=world.member,
        replace_differing=True,
    )
    stopped.refresh_from_db()
    assert stopped.title == "Renamed"
    assert {r.period: r.value for r in stopped.results.all()} == {
        Q1: Decimal("5.5"),
        Q2: Decimal("5.0"),
        Q3: Decimal("5.5"),
    }
