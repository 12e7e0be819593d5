"""The Cabinet report's read, without HTTP: for 2025/26 Q3, the Changes Partnership (signed
off) with exceptions, their commentary and corrective actions, what changed since Q2 and
highlights; the Safer Streets Partnership (its return still open) listed as not signed off
with no figures; the Other Partnership (no return for the quarter) not listed. The page and
its files: tests/web/test_cabinet_report.py and tests/documents/test_cabinet_report.py."""

import datetime

import pytest

from goldenthread.core.cabinet_report import cabinet_report, default_round, report_rounds
from goldenthread.core.models import ReportingRound, Result, Return
from goldenthread.rules import ObjectiveStatus, Rag
from tests.cabinet import Q2, Q3, sign_off_a_quarter

TODAY = datetime.date(2026, 2, 20)


@pytest.fixture
def quarter(council):
    return sign_off_a_quarter(council)


def section(report, name):
    return next(s for s in report.signed_off + report.not_signed_off if s.name == name)


def test_it_lists_signed_off_partnerships_with_figures_and_the_others_without(quarter):
    report = cabinet_report(ReportingRound.objects.get(period=Q3), today=TODAY)
    assert report.quarter == Q3 and report.previous == Q2
    assert [s.name for s in report.signed_off] == ["Changes Partnership"]
    # The Other Partnership has no Q3 return: it is not listed at all.
    assert [s.name for s in report.not_signed_off] == ["Safer Streets Partnership"]

    waiting = section(report, "Safer Streets Partnership")
    assert waiting.return_status == "Open"
    assert waiting.status is None
    assert not waiting.rag_counts and not waiting.exceptions and not waiting.action_exceptions
    assert not waiting.changed and not waiting.highlights_text

    changes = section(report, "Changes Partnership")
    # C1 green; C2, C4, C8 red in Q3 (C8's early Q4 result is not this quarter's);
    # C3 amber; C6 amber in Dec 2025; C7 amber in 2024/25; C5 not reported.
    assert changes.rag_items == [(Rag.RED, 3), (Rag.AMBER, 3), (Rag.GREEN, 1), (Rag.GREY, 1)]
    assert changes.status is ObjectiveStatus.OFF_TRACK
    assert report.rag_totals == changes.rag_items
    assert report.summary.startswith("1 of 2 partnerships had their 2025/26 Q3 return signed off")
    assert "4 exceptions (3 indicators off target, 1 action off track or overdue)" in (
        report.summary
    )


def test_each_exception_has_its_commentary_and_corrective_actions(quarter):
    report = cabinet_report(ReportingRound.objects.get(period=Q3), today=TODAY)
    changes = section(report, "Changes Partnership")
    assert [(e.code, e.period, e.result, e.target, e.new) for e in changes.exceptions] == [
        ("C2", "2025/26 Q3", "80", "100", True),
        ("C4", "2025/26 Q3", "120", "100", True),
        ("C8", "2025/26 Q3", "80", "100", True),
    ]
    c2, c4, c8 = changes.exceptions
    assert c2.commentary == "Staff shortages over the winter."
    assert [(c.description, c.organisation, c.due, c.new) for c in c2.corrective] == [
        ("Borrow two officers from the county team", "Test Police", "31 March 2026", True)
    ]
    assert c4.commentary == "" and c4.corrective == []
    assert [(c.description, c.set_in, c.status, c.progress, c.new) for c in c8.corrective] == [
        (
            "Weekly review of the backlog",
            "2025/26 Q2",
            "In progress",
            "Half the backlog cleared.",
            False,
        )
    ]
    assert c8.corrective[0].who_and_when == "Test Council, by 15 January 2026"

    assert [(a.name, a.state, a.commentary, a.new) for a in changes.action_exceptions] == [
        ("A1 Keep going", "Off track", "The contractor pulled out.", True)
    ]
    assert changes.exceptions_text == "Two measures slipped after the contractor left."


def test_it_says_what_changed_since_last_quarter_and_the_highlights(quarter):
    report = cabinet_report(ReportingRound.objects.get(period=Q3), today=TODAY)
    changes = section(report, "Changes Partnership")
    assert [m.text for m in changes.improved] == ["C1 Indicator C1: Red to Green"]
    assert [m.code for m in changes.worsened] == ["C2", "C8"]
    # C4 had nothing to judge in Q2: newly red, not worsened.
    assert [(m.code, m.before) for m in changes.newly_red] == [
        ("C2", Rag.GREEN),
        ("C4", Rag.GREY),
        ("C8", Rag.GREEN),
    ]
    assert [m.code for m in changes.resolved] == ["C1"]
    assert changes.resolved_actions == ["A2 Recruit volunteers"]
    assert changes.new_exceptions == 4  # three indicators and one action
    assert changes.resolved_count == 2
    assert [m.code for m in changes.turned_green] == ["C1"]
    assert changes.highlights_text == "Record turnout at the community safety fair."


def test_an_exception_red_last_quarter_too_is_not_new(quarter):
    made = quarter.changes_indicators
    Result.objects.filter(indicator=made["C2"], period=Q2).update(value=70)
    report = cabinet_report(ReportingRound.objects.get(period=Q3), today=TODAY)
    changes = section(report, "Changes Partnership")
    assert {e.code: e.new for e in changes.exceptions} == {"C2": False, "C4": True, "C8": True}
    assert "C2" not in [m.code for m in changes.worsened + changes.newly_red]


def test_a_quarter_with_nothing_signed_off_reports_no_figures(council):
    report = cabinet_report(council.ret.round, today=TODAY)
    assert report.signed_off == []
    assert [(s.name, s.return_status) for s in report.not_signed_off] == [
        ("Changes Partnership", "Submitted"),
        ("Safer Streets Partnership", "Open"),
    ]
    assert report.exception_count == 0


def test_the_default_quarter_is_the_newest_with_a_signed_off_return(council):
    rounds = report_rounds()
    assert [r.period for r in rounds] == [Q3, Q2]
    assert default_round(rounds).period == Q2  # Q3 has none signed off yet
    Return.objects.filter(pk=council.changes_return.pk).update(status=Return.Status.SIGNED_OFF)
    assert default_round(report_rounds()).period == Q3


def test_the_read_takes_a_fixed_number_of_queries(quarter, django_assert_max_num_queries):
    round_ = ReportingRound.objects.get(period=Q3)
    with django_assert_max_num_queries(10):
        cabinet_report(round_, today=TODAY)
