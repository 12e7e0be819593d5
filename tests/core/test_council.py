"""The council-wide view's read, without HTTP: RAG counts like the home page's, what changed
since last quarter, the latest round and what is overdue, and the objectives at risk, for
every partnership. The page, its filters, who may open it and its query count:
tests/web/test_council.py."""

import datetime

import pytest
import time_machine

from goldenthread.core.council import council_overview
from goldenthread.core.models import ReportingRound, Return
from goldenthread.core.performance import compared_periods, partnership_summaries
from goldenthread.rules import Frequency, ObjectiveStatus, Period, Rag
from tests.conftest import make_indicator, make_partnership, row_for

TODAY = datetime.date(2026, 2, 10)  # in 2025/26 Q4: the latest ended quarter is Q3


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 2, 10, 12, 0), tick=False):
        yield


def test_it_compares_the_latest_ended_periods_of_each_frequency():
    pairs = compared_periods(TODAY)
    assert pairs[Frequency.QUARTERLY] == (Period.parse("2025/26 Q3"), Period.parse("2025/26 Q2"))
    assert pairs[Frequency.MONTHLY] == (Period.parse("Jan 2026"), Period.parse("Dec 2025"))
    assert pairs[Frequency.ANNUAL] == (Period.parse("2024/25"), Period.parse("2023/24"))


def test_it_counts_rag_like_the_home_page(council):
    overview = council_overview(today=TODAY)
    assert [row.partnership.name for row in overview.rows] == [
        "Changes Partnership",
        "Other Partnership",
        "Safer Streets Partnership",
    ]
    row = row_for(overview, council.changes)
    assert row.rag_items == [(Rag.RED, 2), (Rag.AMBER, 2), (Rag.GREEN, 4), (Rag.GREY, 0)]
    home = {s.partnership.pk: s for s in partnership_summaries(council.performance, TODAY)}
    for row in overview.rows:
        assert row.rag_items == home[row.partnership.pk].rag_items, row.partnership


def test_an_indicator_not_reported_for_a_while_counts_by_its_own_latest_result(world):
    """Its latest result is neither of the periods compared, so it is read separately."""
    stale = make_partnership("Stale Partnership", world.council)
    make_indicator(stale, "S1", {"2024/25 Q4": ("100", "80"), "2025/26 Q1": ("100", None)})
    make_indicator(stale, "S2", {"2025/26 Q1": ("100", "99"), "2025/26 Q2": ("100", None)})
    make_indicator(stale, "S3", {"2025/26 Q3": ("100", None)})  # never reported
    row = row_for(council_overview(today=TODAY), stale)
    assert row.rag_items == [(Rag.RED, 1), (Rag.AMBER, 1), (Rag.GREEN, 0), (Rag.GREY, 1)]
    home = next(
        s for s in partnership_summaries(world.performance, TODAY) if s.partnership == stale
    )
    assert home.rag_items == row.rag_items
    assert row.changes.not_reported == 3
    assert not row.changes.moved


def test_it_counts_what_changed_since_last_quarter(council):
    overview = council_overview(today=TODAY)
    changes = row_for(overview, council.changes).changes
    assert (changes.improved, changes.worsened) == (2, 3)  # C1, C6 / C2, C7, C8
    assert (changes.newly_red, changes.newly_green) == (3, 2)  # C2, C4, C8 / C1, C6
    assert changes.not_reported == 1  # C5
    # SS01 was green in Q2 and Q3; OT01 has nothing for Q3.
    safer = row_for(overview, council.partnership).changes
    assert not safer.moved and safer.not_reported == 0
    other = row_for(overview, council.other).changes
    assert not other.moved and other.not_reported == 1
    assert overview.totals["improved"] == 2 and overview.totals["newly_red"] == 3


def test_it_shows_the_latest_round_and_what_is_overdue(council):
    overview = council_overview(today=TODAY)
    assert overview.round == council.ret.round
    safer = row_for(overview, council.partnership)
    # The world's return is open past its 31 January deadline; A1 was due in June 2025.
    assert safer.ret == council.ret and safer.return_overdue
    assert safer.overdue_actions == 1
    assert safer.overdue_reviews == 0  # R1 is due for review on 31 March
    changes = row_for(overview, council.changes)
    assert changes.ret == council.changes_return and not changes.return_overdue
    assert changes.overdue_actions == 0  # completed late is not overdue
    assert changes.overdue_reviews == 1  # R1 open and past; R2 closed
    other = row_for(overview, council.other)
    assert other.ret is None and other.overdue_count == 0


@pytest.mark.parametrize(
    ("status", "deadline", "overdue"),
    [
        ("open", datetime.date(2026, 2, 10), False),  # due today is not late
        ("open", datetime.date(2026, 2, 9), True),
        ("returned", datetime.date(2026, 2, 9), True),
        ("submitted", datetime.date(2026, 2, 9), False),
        ("signed_off", datetime.date(2026, 2, 9), False),
    ],
)
def test_it_says_when_a_return_is_overdue(world, status, deadline, overdue):
    Return.objects.filter(pk=world.ret.pk).update(status=status, deadline=deadline)
    assert row_for(council_overview(today=TODAY), world.partnership).return_overdue is overdue


def test_it_lists_objectives_at_risk_of_approved_plans_only(council):
    overview = council_overview(today=TODAY)
    changes = row_for(overview, council.changes)
    assert [(o.ref, o.status) for o in changes.objectives_at_risk] == [
        ("O2", ObjectiveStatus.AT_RISK),
        ("O3", ObjectiveStatus.OFF_TRACK),
    ]
    assert [(g.status, g.refs) for g in changes.objectives_by_status] == [
        (ObjectiveStatus.OFF_TRACK, "O3"),
        (ObjectiveStatus.AT_RISK, "O2"),
    ]
    # O1 is off track by its overdue action although SS01 is green.
    safer = row_for(overview, council.partnership)
    assert [(o.ref, o.status) for o in safer.objectives_at_risk] == [
        ("O1", ObjectiveStatus.OFF_TRACK)
    ]
    assert safer.objectives_at_risk[0].pk == council.objective.pk


# --- the quarter shown (issue 12, judgement 7) ------------------------------------------------


def open_early(world, label: str, deadline: datetime.date) -> Return:
    """A quarter opened before the last one was signed off."""
    round_ = ReportingRound.objects.create(period=Period.parse(label), deadline=deadline)
    return Return.objects.create(round=round_, partnership=world.partnership, deadline=deadline)


def test_it_shows_the_latest_quarter_whose_deadline_has_passed(world):
    """Opening Q4 (due 30 April) on 10 February does not hide Q3, due 31 January."""
    q4 = open_early(world, "2025/26 Q4", datetime.date(2026, 4, 30))
    overview = council_overview(today=TODAY)
    assert overview.round == world.ret.round
    assert row_for(overview, world.partnership).ret == world.ret
    assert [r.period.label for r in overview.rounds] == ["2025/26 Q4", "2025/26 Q3"]
    chosen = council_overview(today=TODAY, quarter=Period.parse("2025/26 Q4"))
    assert chosen.round == q4.round
    assert row_for(chosen, world.partnership).ret == q4


def test_before_any_deadline_has_passed_it_shows_the_quarter_due_soonest(world):
    """Q3 due on 1 March, Q4 opened early: Q3 still shows, not the quarter opened early."""
    ReportingRound.objects.filter(pk=world.ret.round_id).update(deadline=datetime.date(2026, 3, 1))
    assert council_overview(today=TODAY).round == world.ret.round
    open_early(world, "2025/26 Q4", datetime.date(2026, 4, 30))
    assert council_overview(today=TODAY).round == world.ret.round


def test_a_quarter_never_opened_falls_back_to_the_default(world):
    overview = council_overview(today=TODAY, quarter=Period.parse("2019/20 Q1"))
    assert overview.round == world.ret.round
