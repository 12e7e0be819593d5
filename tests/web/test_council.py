"""The council-wide view: RAG counts, what changed since last quarter, returns, overdue
items and objectives at risk for every partnership; the filters; who may see it; and a
query count that does not grow with partnerships, indicators or history."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goldenthread.core.council import council_overview
from goldenthread.core.models import (
    Action,
    Indicator,
    Objective,
    Outcome,
    Plan,
    ReportingRound,
    Result,
    Return,
    Risk,
    Role,
    Target,
)
from goldenthread.core.performance import compared_periods, partnership_summaries
from goldenthread.rules import ActionState, Frequency, ObjectiveStatus, Period, Rag
from tests.conftest import add_member, make_indicator, make_partnership, make_plan

TODAY = datetime.date(2026, 2, 10)  # in 2025/26 Q4: the latest ended quarter is Q3
URL = "/council/"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 2, 10, 12, 0), tick=False):
        yield


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
    return next(row for row in overview.rows if row.partnership == partnership)


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


def test_a_partnership_without_an_approved_plan_says_so(client, council):
    Plan.objects.filter(partnership=council.other).delete()
    client.force_login(council.performance)
    response = client.get(URL)
    row = row_for(response.context["overview"], council.other)
    assert not row.has_plan and row.objectives_at_risk == []
    assert "No approved plan" in cell(response, council.other, "data-objectives")


def cell(response, partnership, attribute: str) -> str:
    html = response.content.decode()
    row = re.search(
        rf'<tr class="govuk-table__row" data-partnership="{partnership.pk}">(.*?)</tr>', html, re.S
    )
    assert row, f"no row for {partnership}"
    found = re.search(rf"<td [^>]*{attribute}[^>]*>(.*?)</td>", row[1], re.S)
    assert found, f"no {attribute} cell for {partnership}"
    return found[1]


def test_it_renders_every_count_as_a_link_to_the_detail(client, council):
    client.force_login(council.performance)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    changes_url = reverse("partnership", args=[council.changes.pk])
    safer_url = reverse("partnership", args=[council.partnership.pk])
    assert f'<a class="govuk-link" href="{changes_url}">Changes Partnership</a>' in html
    red = cell(response, council.changes, 'data-rag="red"')
    assert f'href="{changes_url}">2<span class="govuk-visually-hidden"> red</span></a>' in red
    changes = cell(response, council.changes, "data-changes")
    for text in ("2 improved", "3 worsened", "3 newly red", "2 newly green", "1 not yet reported"):
        assert f'href="{changes_url}">{text}</a>' in changes
    assert "No change" in cell(response, council.partnership, "data-changes")

    safer_return = cell(response, council.partnership, "data-return")
    assert "Overdue" in safer_return
    assert f'href="{reverse("return_detail", args=[council.ret.pk])}"' in safer_return
    assert "Submitted" in cell(response, council.changes, "data-return")
    assert "No return" in cell(response, council.other, "data-return")

    overdue = cell(response, council.partnership, "data-overdue")
    assert f'href="{safer_url}">1 action</a>' in overdue
    assert f'href="{reverse("return_detail", args=[council.ret.pk])}">Return' in overdue
    risk_url = reverse("risk_register", args=[council.changes.pk])
    assert f'href="{risk_url}#overdue-reviews">1 risk review</a>' in cell(
        response, council.changes, "data-overdue"
    )
    assert "None" in cell(response, council.other, "data-overdue")

    objectives = cell(response, council.partnership, "data-objectives")
    assert f'href="{safer_url}#objective-{council.objective.pk}">1 off track</a> (O1)' in objectives
    o3 = Objective.objects.get(plan__partnership=council.changes, plan__status="approved", ref="O3")
    assert f'#objective-{o3.pk}">1 off track</a> (O3)</li><li>' in cell(
        response, council.changes, "data-objectives"
    )
    assert "2025/26 Q3 return" in html  # the column names the round


def test_it_says_when_no_quarter_has_been_opened(client, world):
    ReportingRound.objects.all().delete()
    client.force_login(world.performance)
    response = client.get(URL)
    assert response.context["overview"].round is None
    assert "No quarter opened" in cell(response, world.partnership, "data-return")


def names(response) -> list[str]:
    return [row.partnership.name for row in response.context["overview"].rows]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # T1 serves Safer Streets' O1; T1.1, beneath it, Changes' O2.
        ({"outcome": "T1"}, ["Changes Partnership", "Safer Streets Partnership"]),
        ({"outcome": "T1.1"}, ["Changes Partnership"]),
        # Only a draft objective serves T2.
        ({"outcome": "T2"}, []),
        # The police lead Other and are members of Safer Streets.
        ({"organisation": "police"}, ["Other Partnership", "Safer Streets Partnership"]),
        ({"organisation": "council"}, ["Changes Partnership", "Safer Streets Partnership"]),
        ({"outcome": "T1", "organisation": "police"}, ["Safer Streets Partnership"]),
    ],
)
def test_it_filters_by_outcome_and_organisation(client, council, query, expected):
    values = {}
    if "outcome" in query:
        values["outcome"] = Outcome.objects.get(code=query["outcome"]).pk
    if "organisation" in query:
        values["organisation"] = getattr(council, query["organisation"]).pk
    client.force_login(council.performance)
    response = client.get(URL, values)
    assert response.status_code == 200
    assert names(response) == expected
    html = response.content.decode()
    assert f'Showing <span class="gt-count">{len(expected)}</span> of 3 partnerships' in html
    assert f'href="{reverse("council_view")}">Show every partnership</a>' in html
    # The form keeps what was chosen.
    for name, value in values.items():
        assert re.search(rf'<option value="{value}"[^>]*selected', html), name
    if not expected:
        assert 'id="no-partnerships"' in html


def test_the_filter_form_works_without_javascript(client, council):
    client.force_login(council.performance)
    html = client.get(URL).content.decode()
    form = re.search(r'<form method="get" action="/council/"[^>]*>(.*?)</form>', html, re.S)[1]
    assert '<select name="outcome"' in form and '<select name="organisation"' in form
    assert '<optgroup label="Corporate Plan">' in form
    assert '<button type="submit"' in form
    assert "Showing" not in html  # unfiltered: nothing to say


@pytest.mark.parametrize("query", ["outcome=nonsense", "organisation=999999", "outcome="])
def test_an_unknown_filter_shows_every_partnership(client, council, query):
    client.force_login(council.performance)
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert len(names(response)) == 3
    assert "govuk-error-message" not in response.content.decode()


# --- Access --------------------------------------------------------------------------------


def test_only_the_performance_team_may_open_it(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    for person in (world.lead, world.member, world.viewer, world.outsider, world.nobody):
        client.force_login(person)
        assert client.get(URL).status_code == 403, person
    client.force_login(world.performance)
    assert client.get(URL).status_code == 200


def test_it_answers_get_only(client, world):
    client.force_login(world.performance)
    assert client.post(URL).status_code == 405


def test_the_url_name_is_council_view():
    assert reverse("council_view") == URL


# --- Queries -------------------------------------------------------------------------------


def grow(world, partnerships: int, tag: str) -> None:
    """Partnerships with an approved plan, four indicators each (quarterly, monthly and
    annual) with two years of history, objectives, actions, risks and returns."""
    quarters = Period.parse("2024/25 Q1").periods_until(Period.parse("2025/26 Q4"))
    months = Period.parse("Apr 2025").periods_until(Period.parse("Jan 2026"))
    years = [Period.parse("2023/24"), Period.parse("2024/25")]
    for n in range(partnerships):
        partnership = make_partnership(f"Grown {tag}{n}", world.police)
        add_member(partnership, world.member, Role.MEMBER, world.police)
        plan = make_plan(partnership)
        Return.objects.create(
            round=world.ret.round,
            partnership=partnership,
            deadline=world.ret.deadline,
            status=["open", "submitted", "returned"][n % 3],
        )
        Risk.objects.create(
            partnership=partnership,
            ref="R1",
            title="Risk",
            inherent_likelihood=2,
            inherent_impact=2,
            residual_likelihood=1,
            residual_impact=1,
            review_date=datetime.date(2026, 1, 1),
        )
        indicators = Indicator.objects.bulk_create(
            Indicator(
                partnership=partnership,
                code=f"G{i}",
                title=f"Grown {i}",
                frequency=frequency,
                polarity=["higher", "lower", "band"][i % 3],
            )
            for i, frequency in enumerate(["quarterly", "quarterly", "monthly", "annual"])
        )
        series = {"quarterly": quarters, "monthly": months, "annual": years}
        for i, indicator in enumerate(indicators):
            periods = series[indicator.frequency]
            Target.objects.bulk_create(
                Target(indicator=indicator, period=p, value=Decimal(100), upper=Decimal(110))
                for p in periods
            )
            Result.objects.bulk_create(
                Result(indicator=indicator, period=p, value=Decimal(90 + (i * 7 + k * 3) % 25))
                for k, p in enumerate(periods)
            )
        for o in range(2):
            objective = Objective.objects.create(plan=plan, ref=f"O{o}", title=f"Aim {o}")
            objective.outcomes.add(world.outcome)
            objective.indicators.add(*indicators[o * 2 : o * 2 + 2])
            Action.objects.create(
                objective=objective,
                ref="A1",
                title="Act",
                due_date=datetime.date(2025, 12, 31 - o),
                state=ActionState.ON_TRACK,
            )


@pytest.mark.parametrize("query", ["", "?outcome={outcome}&organisation={police}"])
def test_query_count_does_not_grow(client, world, query, django_assert_num_queries):
    client.force_login(world.performance)
    url = URL + query.format(outcome=world.outcome.pk, police=world.police.pk)
    grow(world, 2, "s")
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert len(response.context["overview"].rows) >= 2
    grow(world, 6, "l")  # 8 grown partnerships now
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    rows = response.context["overview"].rows
    assert len([r for r in rows if r.partnership.name.startswith("Grown")]) == 8
    assert all(sum(r.rag_counts.values()) == 4 for r in rows if r.partnership.name[:5] == "Grown")


def test_names_are_escaped_in_every_cell(client, council):
    """The table's cells are drawn by tags that escape with the standard library: a
    partnership or objective named with markup shows as text."""
    council.changes.name = 'Safer <script>alert("x")</script> & Co'
    council.changes.save()
    Objective.objects.filter(plan__partnership=council.changes, ref="O3").update(ref="<b>O3</b>")
    client.force_login(council.performance)
    response = client.get(URL)
    html = response.content.decode()
    assert "<script>alert" not in html and "<b>O3</b>" not in html
    assert "Safer &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in html
    assert "(&lt;b&gt;O3&lt;/b&gt;)" in cell(response, council.changes, "data-objectives")
