"""The five minimum requirements at the year's edges: each met, due, overdue and not met."""

from datetime import date

import pytest

from goldenthread.rules import Compliance, Requirement
from goldenthread.rules.compliance import (
    PlanFacts,
    QuarterFacts,
    YearFacts,
    assess,
    assess_monitoring,
    assess_plan,
    assess_report,
    assess_system,
    assess_update_form,
    closing_date,
    status_for,
    year_end,
    year_start,
)

Y = 2025
MET, MET_LATE, DUE, OVERDUE, NOT_MET = (
    Compliance.MET,
    Compliance.MET_LATE,
    Compliance.DUE,
    Compliance.OVERDUE,
    Compliance.NOT_MET,
)
DEFAULT_DEADLINES = [date(2025, 7, 31), date(2025, 10, 31), date(2026, 1, 31), date(2026, 4, 30)]


def quarters(*submitted: bool, deadlines=DEFAULT_DEADLINES) -> tuple[QuarterFacts, ...]:
    return tuple(QuarterFacts(d, s) for d, s in zip(deadlines, submitted, strict=True))


def approved(first=2024, last=2026, on=date(2025, 3, 1), status="approved") -> PlanFacts:
    return PlanFacts(first, last, status, on)


def test_labels_are_words() -> None:
    assert Compliance.choices() == [
        ("met", "Met"),
        ("met_late", "Met late"),
        ("due", "Due"),
        ("overdue", "Overdue"),
        ("not_met", "Not met"),
    ]
    assert Requirement.PLAN.label == "Written plan"
    assert len(Requirement) == 5


def test_the_year_and_its_closing_date() -> None:
    assert year_start(Y) == date(2025, 4, 1)
    assert year_end(Y) == date(2026, 3, 31)
    # The last deadline (30 June Y+1) plus a quarter.
    assert closing_date(Y) == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 4, 29), DUE),
        (date(2025, 4, 30), DUE),  # the deadline day is still due
        (date(2025, 5, 1), OVERDUE),
        (date(2026, 12, 31), OVERDUE),  # the closing date
        (date(2027, 1, 1), NOT_MET),
    ],
)
def test_the_common_rule(today, expected) -> None:
    assert status_for(met=False, deadline=date(2025, 4, 30), year=Y, today=today) is expected
    assert status_for(met=True, deadline=date(2025, 4, 30), year=Y, today=today) is MET


# --- 1. the written plan -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 3, 31), DUE),  # before the year starts
        (date(2025, 4, 1), DUE),
        (date(2025, 4, 30), DUE),
        (date(2025, 5, 1), OVERDUE),
        (date(2026, 12, 31), OVERDUE),
        (date(2027, 1, 1), NOT_MET),
    ],
)
def test_plan_without_an_approved_plan(today, expected) -> None:
    draft = PlanFacts(2024, 2026, "draft", None)
    assert assess_plan([draft], Y, today).status is expected


def test_plan_met_when_approved_plan_covers_the_year() -> None:
    result = assess_plan([approved()], Y, date(2025, 4, 1))
    assert result.status is MET
    assert result.deadline == date(2025, 4, 30)
    # Superseded later still counts: it was the approved plan for the year.
    assert assess_plan([approved(status="superseded")], Y, date(2027, 6, 1)).status is MET


def test_plan_approved_late_in_the_year_still_meets_it_but_not_after_31_march() -> None:
    # After the 30 April deadline but within the year: met, late.
    assert assess_plan([approved(on=date(2026, 3, 31))], Y, date(2026, 6, 1)).status is MET_LATE
    late = assess_plan([approved(on=date(2026, 4, 1))], Y, date(2026, 6, 1))
    assert late.status is OVERDUE


def test_plan_that_does_not_cover_the_year_does_not_count() -> None:
    assert assess_plan([approved(2022, 2024)], Y, date(2025, 6, 1)).status is OVERDUE
    assert assess_plan([approved(2026, 2028)], Y, date(2027, 1, 1)).status is NOT_MET
    # Approved status with no approval date recorded is not evidence.
    assert assess_plan([approved(on=None)], Y, date(2025, 4, 2)).status is DUE


# --- 2. quarterly monitoring ----------------------------------------------------------------


def test_monitoring_met_with_four_submitted_returns() -> None:
    result = assess_monitoring(quarters(True, True, True, True), Y, date(2027, 6, 1))
    assert result.status is MET
    assert result.deadline == date(2026, 4, 30)


@pytest.mark.parametrize(
    ("today", "submitted", "expected"),
    [
        (date(2025, 4, 1), (False, False, False, False), DUE),
        (date(2025, 7, 31), (False, False, False, False), DUE),  # Q1 deadline day
        (date(2025, 8, 1), (False, False, False, False), OVERDUE),  # Q1 missed
        (date(2025, 8, 1), (True, False, False, False), DUE),  # Q1 in on time
        (date(2025, 11, 1), (True, False, False, False), OVERDUE),  # Q2 missed
        (date(2026, 3, 31), (True, True, True, False), DUE),
        (date(2026, 4, 1), (True, True, True, False), DUE),
        (date(2026, 4, 30), (True, True, True, False), DUE),  # Q4 deadline day
        (date(2026, 5, 1), (True, True, True, False), OVERDUE),
        (date(2026, 12, 31), (True, True, True, False), OVERDUE),
        (date(2027, 1, 1), (True, True, True, False), NOT_MET),
        (date(2027, 1, 1), (False, True, True, True), NOT_MET),
    ],
)
def test_monitoring_quarter_by_quarter(today, submitted, expected) -> None:
    assert assess_monitoring(quarters(*submitted), Y, today).status is expected


def test_monitoring_uses_each_quarters_own_deadline() -> None:
    later = [date(2025, 8, 15), *DEFAULT_DEADLINES[1:3], date(2026, 5, 15)]
    facts = quarters(False, False, False, False, deadlines=later)
    assert assess_monitoring(facts, Y, date(2025, 8, 1)).status is DUE
    assert assess_monitoring(facts, Y, date(2025, 8, 16)).status is OVERDUE
    # While due, the deadline shown is the next return's; once met, the year's last.
    assert assess_monitoring(facts, Y, date(2025, 8, 1)).deadline == date(2025, 8, 15)
    on_time = tuple(QuarterFacts(d, True, d) for d in later)
    assert assess_monitoring(on_time, Y, date(2026, 6, 1)).deadline == date(2026, 5, 15)


def test_monitoring_needs_four_quarters() -> None:
    with pytest.raises(ValueError):
        assess_monitoring((QuarterFacts(date(2025, 7, 31), True),), Y, date(2025, 8, 1))


# --- 3. the performance system used ---------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "results", "expected"),
    [
        (date(2025, 3, 31), 0, DUE),
        (date(2025, 4, 1), 0, DUE),
        (date(2025, 7, 31), 0, DUE),
        (date(2025, 8, 1), 0, OVERDUE),
        (date(2026, 12, 31), 0, OVERDUE),
        (date(2027, 1, 1), 0, NOT_MET),
        (date(2025, 4, 1), 1, MET),
        (date(2027, 1, 1), 3, MET),
    ],
)
def test_system_used(today, results, expected) -> None:
    result = assess_system(results, date(2025, 7, 31), Y, today)
    assert result.status is expected
    assert result.deadline == date(2025, 7, 31)


# --- 4. the annual report and 5. the annual update form --------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 4, 1), DUE),
        (date(2026, 3, 31), DUE),
        (date(2026, 6, 29), DUE),
        (date(2026, 6, 30), DUE),
        (date(2026, 7, 1), OVERDUE),
        (date(2026, 12, 31), OVERDUE),
        (date(2027, 1, 1), NOT_MET),
    ],
)
def test_report_and_form_deadlines(today, expected) -> None:
    assert assess_report(False, Y, today).status is expected
    assert assess_update_form(None, Y, today).status is expected
    assert assess_update_form("draft", Y, today).status is expected
    assert assess_update_form("returned", Y, today).status is expected


def test_report_met_when_published() -> None:
    assert assess_report(True, Y, date(2027, 1, 1)).status is MET
    assert assess_report(True, Y, date(2027, 1, 1)).deadline == date(2026, 6, 30)


@pytest.mark.parametrize("status", ["submitted", "accepted"])
def test_form_met_when_submitted_or_accepted(status) -> None:
    assert assess_update_form(status, Y, date(2026, 7, 1)).status is MET
    assert assess_update_form(status, Y, date(2027, 1, 1)).status is MET


# --- all five together ------------------------------------------------------------------------


def test_assess_gives_the_five_in_order() -> None:
    facts = YearFacts(
        year=Y,
        plans=(approved(),),
        quarters=quarters(True, True, False, False),
        results_in_year=2,
        report_published=False,
        update_form_status="draft",
    )
    found = assess(facts, date(2026, 2, 1))
    assert list(found) == list(Requirement)
    assert {r: a.status for r, a in found.items()} == {
        Requirement.PLAN: MET,
        Requirement.MONITORING: OVERDUE,  # Q3 was due on 31 January
        Requirement.SYSTEM: MET,
        Requirement.REPORT: DUE,
        Requirement.UPDATE_FORM: DUE,
    }
    assert found[Requirement.SYSTEM].deadline == date(2025, 7, 31)


# --- why, and when (issue 12, judgement 2) ----------------------------------------------------

Y2 = 2026
DEADLINES_2026 = [date(2026, 7, 31), date(2026, 11, 30), date(2027, 1, 31), date(2027, 4, 30)]


def labelled(*submitted_on: date | None) -> tuple[QuarterFacts, ...]:
    return tuple(
        QuarterFacts(deadline, on is not None, on, f"2026/27 Q{n}")
        for n, (deadline, on) in enumerate(zip(DEADLINES_2026, submitted_on, strict=True), 1)
    )


def test_overdue_monitoring_names_the_quarter_missed_and_its_deadline() -> None:
    """Not the year's last deadline (30 April 2027), which is still in the future."""
    found = assess_monitoring(labelled(date(2026, 7, 20), None, None, None), Y2, date(2026, 12, 3))
    assert found.status is OVERDUE
    assert found.deadline == date(2026, 11, 30)
    assert found.reason == "2026/27 Q2 return, due 30 November 2026, not submitted"


def test_every_missed_quarter_is_named() -> None:
    found = assess_monitoring(labelled(None, None, None, None), Y2, date(2027, 2, 1))
    assert found.deadline == date(2026, 7, 31)
    assert found.reason == (
        "2026/27 Q1 return, due 31 July 2026, not submitted; "
        "2026/27 Q2 return, due 30 November 2026, not submitted; "
        "2026/27 Q3 return, due 31 January 2027, not submitted"
    )


def test_due_monitoring_names_the_next_return() -> None:
    found = assess_monitoring(labelled(date(2026, 7, 20), None, None, None), Y2, date(2026, 9, 1))
    assert found.status is DUE
    assert found.deadline == date(2026, 11, 30)
    assert found.reason == "2026/27 Q2 return, due 30 November 2026, not submitted yet"


def test_monitoring_with_a_late_return_is_met_late_with_both_dates() -> None:
    on = [date(2026, 7, 20), date(2026, 12, 3), date(2027, 1, 10), date(2027, 4, 2)]
    found = assess_monitoring(labelled(*on), Y2, date(2027, 5, 1))
    assert found.status is MET_LATE
    assert (found.deadline, found.delivered_on) == (date(2026, 11, 30), date(2026, 12, 3))
    assert found.reason == "2026/27 Q2 return, due 30 November 2026, submitted 3 December 2026"


def test_monitoring_on_the_deadline_day_is_on_time() -> None:
    found = assess_monitoring(labelled(*DEADLINES_2026), Y2, date(2027, 5, 1))
    assert found.status is MET
    assert found.delivered_on == date(2027, 4, 30)


def test_a_report_published_after_its_deadline_is_met_late() -> None:
    """The 2025/26 report published on 3 December 2026, against 30 June 2026."""
    found = assess_report(True, Y, date(2026, 12, 4), published_on=date(2026, 12, 3))
    assert found.status is MET_LATE
    assert (found.deadline, found.delivered_on) == (date(2026, 6, 30), date(2026, 12, 3))
    assert found.reason == "2025/26 annual report, due 30 June 2026, published 3 December 2026"
    # Still met late after the year closes: late evidence meets it, and stays late.
    assert assess_report(True, Y, date(2028, 1, 1), published_on=date(2026, 12, 3)).status is (
        MET_LATE
    )
    on_time = assess_report(True, Y, date(2026, 12, 4), published_on=date(2026, 6, 30))
    assert on_time.status is MET


def test_an_update_form_submitted_late_is_met_late() -> None:
    found = assess_update_form("accepted", Y, date(2026, 9, 1), submitted_on=date(2026, 7, 1))
    assert found.status is MET_LATE
    assert found.reason == ("2025/26 annual update form, due 30 June 2026, submitted 1 July 2026")
    assert (
        assess_update_form("submitted", Y, date(2026, 9, 1), submitted_on=date(2026, 6, 30)).status
        is MET
    )


def test_a_plan_approved_after_its_deadline_is_met_late_with_both_dates() -> None:
    found = assess_plan([approved(on=date(2025, 9, 1))], Y, date(2025, 10, 1))
    assert found.status is MET_LATE
    assert (found.deadline, found.delivered_on) == (date(2025, 4, 30), date(2025, 9, 1))
    assert found.reason == "Plan covering 2025/26, due 30 April 2025, approved 1 September 2025"
    # Any version approved in time meets it on time, whatever was approved later.
    both = [approved(on=date(2025, 9, 1)), approved(on=date(2025, 3, 1), status="superseded")]
    assert assess_plan(both, Y, date(2025, 10, 1)).status is MET


def test_overdue_and_not_met_say_what_is_missing() -> None:
    assert assess_report(False, Y, date(2026, 7, 1)).reason == (
        "2025/26 annual report, due 30 June 2026, not published"
    )
    assert assess_update_form("draft", Y, date(2027, 1, 1)).reason == (
        "2025/26 annual update form, due 30 June 2026, not submitted by the year's close "
        "on 31 December 2026"
    )
    assert assess_system(0, date(2025, 7, 31), Y, date(2025, 8, 1)).reason == (
        "Results for 2025/26, due 31 July 2025, not recorded"
    )


def test_the_common_rule_knows_late_delivery() -> None:
    deadline = date(2025, 4, 30)
    late = status_for(
        met=True, deadline=deadline, year=Y, today=date(2025, 6, 1), delivered_on=date(2025, 5, 1)
    )
    assert late is MET_LATE
    assert (
        status_for(
            met=True, deadline=deadline, year=Y, today=date(2025, 6, 1), delivered_on=deadline
        )
        is MET
    )
    # Evidence with no known date counts as met: lateness is never guessed.
    assert status_for(met=True, deadline=deadline, year=Y, today=date(2025, 6, 1)) is MET
