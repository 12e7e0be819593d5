"""The annual report is as at the year end (issue 12, judgement 1): a year's report, its
compliance evidence and every year-end figure read the plan version, indicators, targets
and action states as they stood at the end of the year (the end of 31 March in
Europe/London), from the audit history; later changes are shown as corrections beside the
year-end figure. The world here is recorded in February 2026, inside 2025/26, and the
later changes happen in December 2026, when the 2025/26 report is written."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goldenthread.core.annual_report import annual_report_content, year_plan
from goldenthread.core.compliance import partnership_row
from goldenthread.core.models import Action, Plan, ReportingRound, Result, Return, Target
from goldenthread.core.services import save_audited
from goldenthread.rules import ActionState, Period
from tests.conftest import at, aware, make_indicator, make_partnership, make_plan

YEAR = 2025  # 2025/26
REPORTED = datetime.date(2026, 12, 3)


@pytest.fixture(autouse=True)
def during_the_year():
    """Everything the world fixture records is recorded inside 2025/26."""
    with at(2026, 2, 10):
        yield


def report(world, **kwargs):
    with at(2026, 12, 3):
        return annual_report_content(world.partnership, YEAR, today=REPORTED, **kwargs)


def ss01(content):
    return next(i for i in content.indicators if i.code == "SS01")


def test_the_year_ends_at_the_end_of_31_march_in_london():
    from goldenthread.core.annual_report import year_end_moment

    end = year_end_moment(YEAR)
    assert timezone.localtime(end).date() == datetime.date(2026, 3, 31)
    # British Summer Time began on 29 March 2026, so 31 March ends at 22:59:59 UTC.
    assert end < datetime.datetime(2026, 3, 31, 23, 0, tzinfo=datetime.UTC)
    assert end > datetime.datetime(2026, 3, 31, 22, 59, 59, tzinfo=datetime.UTC)


def test_an_indicator_added_after_the_year_end_is_not_counted(world):
    with at(2026, 12, 3):
        # A new measure, with a result back-filled for the year that had ended.
        make_indicator(world.partnership, "SS09", {"2025/26 Q4": ("10", "12")})
    content = report(world)
    assert [i.code for i in content.indicators] == ["SS01"]
    assert content.indicator_count == 1
    assert "1 measure" in content.headline
    # Added inside the year (even on its last day), it counts.
    with at(2026, 3, 31):
        make_indicator(world.partnership, "SS08", {"2025/26 Q4": ("10", "12")})
    assert report(world).indicator_count == 2


def test_an_action_cancelled_after_the_year_end_shows_its_year_end_state(world):
    action = world.action
    with at(2026, 12, 3):
        action.state, action.closed_reason = ActionState.CANCELLED, "No longer needed."
        save_audited(action, by=world.lead, reason="Closed on revising the plan")
    content = report(world)
    (line,) = content.objectives[0].actions
    assert line.outcome == "carried_forward"
    assert line.text.startswith("Carried forward into 2026/27")
    assert "Cancelled" not in line.text
    # ... and the action stays cancelled now.
    assert Action.objects.get(pk=action.pk).state == ActionState.CANCELLED


def test_the_top_risks_are_those_open_at_the_year_end(world):
    with at(2026, 12, 3):
        world.risk.is_open = False
        save_audited(world.risk, by=world.lead, reason="Closed")
    content = report(world)
    assert [(r.ref, r.score, r.organisation) for r in content.risks] == [("R1", 8, "Test Police")]
    assert content.risks_as_at == "31 March 2026"


def test_a_target_changed_after_the_year_end_shows_the_year_end_target_and_the_change(world):
    # SS01's year end is 2025/26 Q3: 101 against a target of 100, green.
    target = Target.objects.get(indicator=world.indicator, period=Period.parse("2025/26 Q3"))
    with at(2026, 12, 3):
        target.value = Decimal("110")
        save_audited(target, by=world.lead, reason="Raised")
    line = ss01(report(world))
    assert (line.result, line.target, line.rag) == ("101", "100", "green")
    assert line.corrections == ["Target changed on 3 December 2026 to 110."]


def test_a_result_corrected_after_sign_off_shows_the_signed_off_figure_and_the_correction(
    world,
):
    q4 = Period.parse("2025/26 Q4")
    Target.objects.create(indicator=world.indicator, period=q4, value=Decimal("100"))
    round_ = ReportingRound.objects.create(period=q4, deadline=datetime.date(2026, 4, 30))
    ret = Return.objects.create(
        round=round_, partnership=world.partnership, deadline=round_.deadline
    )
    with at(2026, 4, 20):  # Q4's result comes in after the year end, as results do
        result = Result.objects.create(indicator=world.indicator, period=q4, value=Decimal("104"))
    with at(2026, 5, 20):
        ret.status, ret.submitted_at = Return.Status.SIGNED_OFF, aware(2026, 5, 1)
        ret.decided_at = timezone.now()
        ret.save()
    with at(2026, 12, 3):
        result.value = Decimal("90")
        save_audited(result, by=world.lead, reason="Data provider revised the figure")
    for content in (report(world), report(world, published_on=REPORTED)):
        line = ss01(content)
        assert (line.period, line.result, line.rag) == ("2025/26 Q4", "104", "green")
        assert line.corrections == ["Result corrected on 3 December 2026 to 90."]


def test_a_result_not_yet_signed_off_is_shown_as_it_is_with_no_correction(world):
    line = ss01(report(world))
    assert (line.result, line.corrections) == ("101", [])


def test_the_plan_in_force_at_the_year_end_is_used_after_a_revision_is_approved(world):
    """The case of the issue: the plan revised in December 2026, an unfinished action
    closed, a measure added to the new version, and the new version approved."""
    Plan.objects.filter(pk=world.plan.pk).update(approved_at=aware(2025, 3, 1))
    world.plan.refresh_from_db()
    with at(2026, 12, 3):
        world.action.state = ActionState.CANCELLED
        world.action.closed_reason = "Replaced by the new plan."
        save_audited(world.action, by=world.lead)
        new = make_indicator(world.partnership, "SS10", {"2026/27 Q2": ("5", "6")})
        world.draft_objective.indicators.add(new)
        world.plan.status = Plan.Status.SUPERSEDED
        save_audited(world.plan, by=world.lead)
        world.draft_plan.status, world.draft_plan.approved_at = Plan.Status.APPROVED, timezone.now()
        save_audited(world.draft_plan, by=world.lead)
    assert year_plan(world.partnership, YEAR) == world.plan
    content = report(world)
    assert dict((r.label, r.value) for r in content.about)["Plan"].endswith(
        "version 1 (2024/25 to 2026/27)"
    )
    assert content.indicator_count == 1
    assert [a.outcome for o in content.objectives for a in o.actions] == ["carried_forward"]


def test_a_year_recorded_after_its_end_reads_the_record_as_it_is(world):
    """A partnership that started using Golden Thread after the year (its plan recorded
    later) has no year-end state in the history: what it loaded stands for the year."""
    with at(2026, 12, 3):
        late = make_partnership("Late Starters", world.council)
        plan = make_plan(late)
        make_indicator(late, "LS01", {"2025/26 Q4": ("10", "12")})
        make_indicator(late, "LS02", {"2025/26 Q3": ("10", "8")})
        content = annual_report_content(late, YEAR, today=REPORTED)
    assert year_plan(late, YEAR) == plan
    assert content.indicator_count == 2
    assert dict((r.label, r.value) for r in content.about)["Figures as at"].startswith(
        "As recorded on 3 December 2026"
    )


def test_the_about_table_says_the_figures_are_as_at_the_year_end(world):
    about = dict((r.label, r.value) for r in report(world).about)
    assert about["Figures as at"].startswith("The end of the year, 31 March 2026")


def test_compliance_evidence_counts_the_indicators_of_the_year_end(world):
    with at(2026, 12, 3):
        make_indicator(world.partnership, "SS09", {"2025/26 Q4": ("10", "12")})
        row = partnership_row(world.partnership, YEAR, today=REPORTED)
    # SS01 has 2025/26 results; SS09, added in December 2026, is not a measure of 2025/26.
    assert row.indicators_with_results == 1


def test_the_query_count_does_not_grow_with_the_history(world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            report(world)
        return len(captured)

    small = queries()
    with at(2026, 3, 1):
        for n in range(3):
            indicator = make_indicator(
                world.partnership, f"SX{n}", {"2025/26 Q3": ("1", "2"), "2025/26 Q4": ("1", "2")}
            )
            world.objective.indicators.add(indicator)
            Action.objects.create(
                objective=world.objective, ref=f"A{n + 2}", title="More", state="on_track"
            )
    with at(2026, 12, 3):
        for target in Target.objects.filter(indicator__code__startswith="SX"):
            target.value += 1
            target.save()
        for action in Action.objects.filter(ref__in=["A2", "A3", "A4"]):
            action.state = ActionState.CANCELLED
            action.save()
    assert queries() == small
