"""A partnership's minimum requirements without HTTP: the compliance tracker's row, drawn
from compliance_context. The tracker through real data, the evidence, the exports and who
sees which partnerships: tests/web/test_compliance.py."""

import datetime

from django.template.loader import render_to_string
from django.urls import reverse

from goldenthread.core.compliance import compliance_context, partnership_row
from goldenthread.core.models import (
    AnnualReport,
    AnnualUpdateForm,
    Plan,
    ReportingRound,
    Return,
)
from goldenthread.rules import Compliance, Period, Requirement
from tests.conftest import at, aware, meet_everything, submitted_quarter


def test_the_partnership_row_partial(world):
    meet_everything(world)
    with at(2026, 7, 1):
        html = render_to_string("web/compliance/_row.html", compliance_context(world.partnership))
    # The current financial year on 1 July 2026 is 2026/27.
    assert "Minimum requirements, 2026/27" in html
    assert reverse("compliance_evidence", args=[world.partnership.pk, 2026]) in html
    assert html.count("govuk-tag--") == 5


# --- why, and when (issue 12, judgement 2) ----------------------------------------------------


def test_a_late_report_is_met_late_with_both_dates(world):
    """The 2025/26 report published on 3 December 2026 against a 30 June 2026 deadline; a
    correction published later does not move the date it was first delivered."""
    for edition, day in [(1, 3), (2, 20)]:
        AnnualReport.objects.create(
            partnership=world.partnership,
            year=2025,
            edition=edition,
            status="published",
            published_at=aware(2026, 12, day),
        )
    with at(2026, 12, 21):
        cell = partnership_row(world.partnership, 2025).cell(Requirement.REPORT)
    assert cell.status is Compliance.MET_LATE
    assert cell.colour != "green"
    assert (cell.deadline, cell.delivered_on) == (
        datetime.date(2026, 6, 30),
        datetime.date(2026, 12, 3),
    )
    assert cell.reason == "2025/26 annual report, due 30 June 2026, published 3 December 2026"
    # The update form's self-assessment saves the summary: it carries the reason too.
    assert cell.summary.startswith(cell.reason)
    assert "Edition 2, published 20 December 2026" in cell.summary


def test_overdue_monitoring_shows_the_quarter_missed_not_the_years_last_deadline(world):
    for quarter, deadline in [("Q1", (2026, 7, 31)), ("Q2", (2026, 11, 30))]:
        ReportingRound.objects.create(
            period=Period.parse(f"2026/27 {quarter}"), deadline=datetime.date(*deadline)
        )
    submitted_quarter(world.partnership, "2026/27 Q1", aware(2026, 7, 20))
    with at(2026, 12, 3):
        row = partnership_row(world.partnership, 2026)
        html = render_to_string("web/compliance/_row.html", {"compliance_row": row})
    cell = row.cell(Requirement.MONITORING)
    assert cell.status is Compliance.OVERDUE
    assert cell.deadline == datetime.date(2026, 11, 30)
    assert cell.reason == "2026/27 Q2 return, due 30 November 2026, not submitted"
    assert "2026/27 Q2 return, due 30 November 2026, not submitted" in html
    # The year's last deadline, still in the future, is not shown beside "Overdue".
    assert "30 April 2027" not in html


def test_a_late_return_update_form_and_plan_are_met_late(world):
    meet_everything(world)
    Plan.objects.filter(pk=world.plan.pk).update(approved_at=aware(2025, 5, 2))
    Return.objects.filter(round__period=Period.parse("2025/26 Q2")).update(
        submitted_at=aware(2025, 11, 4)
    )
    AnnualUpdateForm.objects.filter(partnership=world.partnership).update(
        submitted_at=aware(2026, 7, 1)
    )
    with at(2026, 12, 1):
        row = partnership_row(world.partnership, 2025)
    assert {c.requirement: c.status for c in row.cells} == {
        Requirement.PLAN: Compliance.MET_LATE,
        Requirement.MONITORING: Compliance.MET_LATE,
        Requirement.SYSTEM: Compliance.MET,
        Requirement.REPORT: Compliance.MET,
        Requirement.UPDATE_FORM: Compliance.MET_LATE,
    }
    assert row.cell(Requirement.MONITORING).reason == (
        "2025/26 Q2 return, due 31 October 2025, submitted 4 November 2025"
    )
    assert row.cell(Requirement.PLAN).reason == (
        "Plan covering 2025/26, due 30 April 2025, approved 2 May 2025"
    )
