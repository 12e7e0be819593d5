"""The compliance tracker through real data: each requirement met, due, overdue and not met,
the evidence behind it, who sees which partnerships, the exports and the query count. The
tracker's row partial: tests/core/test_compliance.py."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from goldenthread.core.models import (
    AnnualReport,
    AnnualUpdateForm,
    Plan,
    ReportingRound,
    Return,
)
from goldenthread.rules import Compliance, Period, Requirement
from tests.conftest import (
    at,
    aware,
    make_indicator,
    make_partnership,
    make_plan,
    meet_everything,
    submitted_quarter,
)

MET, DUE, OVERDUE, NOT_MET = "met", "due", "overdue", "not_met"
KEYS = [r.value for r in Requirement]


def statuses(client, year: int, name: str = "Safer Streets Partnership") -> dict[str, str]:
    # Signed in again at the travelled-to time, as sessions expire.
    client.force_login(client.person)
    response = client.get(reverse("compliance_tracker"), {"year": year})
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r.partnership.name == name)
    return {cell.requirement.value: cell.status.value for cell in row.cells}


# --- each requirement through the year ------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # 2026/27: the plan covers it but was never approved; no returns, no results.
        ((2026, 3, 31), [DUE, DUE, DUE, DUE, DUE]),
        ((2026, 4, 1), [DUE, DUE, DUE, DUE, DUE]),
        ((2026, 4, 30), [DUE, DUE, DUE, DUE, DUE]),
        ((2026, 5, 1), [OVERDUE, DUE, DUE, DUE, DUE]),
        ((2026, 7, 31), [OVERDUE, DUE, DUE, DUE, DUE]),
        ((2026, 8, 1), [OVERDUE, OVERDUE, OVERDUE, DUE, DUE]),  # Q1 deadline missed
        ((2027, 6, 30), [OVERDUE, OVERDUE, OVERDUE, DUE, DUE]),
        ((2027, 7, 1), [OVERDUE, OVERDUE, OVERDUE, OVERDUE, OVERDUE]),
        ((2027, 12, 31), [OVERDUE] * 5),
        ((2028, 1, 1), [NOT_MET] * 5),
    ],
)
def test_nothing_recorded_moves_from_due_to_overdue_to_not_met(client, world, today, expected):
    client.person = world.performance
    with at(*today):
        assert statuses(client, 2026) == dict(zip(KEYS, expected, strict=True))


def test_everything_recorded_is_met_even_after_the_year_closes(client, world):
    meet_everything(world)
    client.person = world.performance
    with at(2028, 1, 1):
        assert statuses(client, 2025) == dict.fromkeys(KEYS, MET)


def test_monitoring_is_overdue_as_soon_as_a_quarter_is_missed(client, world):
    Return.objects.all().delete()
    round_ = ReportingRound.objects.create(
        period=Period.parse("2025/26 Q1"), deadline=datetime.date(2025, 8, 15)
    )
    Return.objects.create(round=round_, partnership=world.partnership, deadline=round_.deadline)
    client.person = world.lead
    with at(2025, 8, 15):  # the round's own deadline, not the default 31 July
        assert statuses(client, 2025)["monitoring"] == DUE
    with at(2025, 8, 16):
        assert statuses(client, 2025)["monitoring"] == OVERDUE
    submitted_quarter(world.partnership, "2025/26 Q1", aware(2025, 8, 10))
    with at(2025, 8, 16):
        assert statuses(client, 2025)["monitoring"] == DUE
    with at(2026, 5, 1):  # Q2 to Q4 never came in
        assert statuses(client, 2025)["monitoring"] == OVERDUE


def test_a_returned_or_reopened_return_does_not_count(client, world):
    meet_everything(world)
    Return.objects.filter(round__period=Period.parse("2025/26 Q2")).update(status="returned")
    client.person = world.performance
    with at(2026, 6, 1):
        assert statuses(client, 2025)["monitoring"] == OVERDUE


def test_plan_approved_after_the_year_ends_does_not_meet_it(client, world):
    Plan.objects.filter(pk=world.plan.pk).update(approved_at=aware(2026, 4, 1))
    client.person = world.performance
    with at(2026, 5, 1):
        assert statuses(client, 2025)["plan"] == OVERDUE
    Plan.objects.filter(pk=world.plan.pk).update(
        approved_at=aware(2026, 3, 31), status="superseded"
    )
    with at(2026, 5, 1):  # within the year, but after its 30 April 2025 deadline
        assert statuses(client, 2025)["plan"] == "met_late"


@pytest.mark.parametrize(
    ("status", "expected"), [("draft", DUE), ("returned", DUE), ("accepted", MET)]
)
def test_update_form_counts_once_submitted(client, world, status, expected):
    AnnualUpdateForm.objects.create(partnership=world.partnership, year=2025, status=status)
    client.person = world.performance
    with at(2026, 6, 30):
        assert statuses(client, 2025)["update_form"] == expected


def test_a_draft_report_is_not_a_published_one(client, world):
    AnnualReport.objects.create(partnership=world.partnership, year=2025)
    client.person = world.performance
    with at(2026, 7, 1):
        assert statuses(client, 2025)["report"] == OVERDUE


# --- the evidence ---------------------------------------------------------------------------


def test_the_evidence_page_links_to_each_piece_of_evidence(client, world):
    meet_everything(world)
    with at(2026, 7, 1):
        client.force_login(world.viewer)
        tracker = client.get(reverse("compliance_tracker"), {"year": 2025}).content.decode()
        evidence_url = reverse("compliance_evidence", args=[world.partnership.pk, 2025])
        assert f'href="{evidence_url}#plan"' in tracker
        response = client.get(evidence_url)
    page = response.content.decode()
    assert response.status_code == 200
    assert world.plan.get_absolute_url() in page
    assert "approved 1 March 2025" in page
    for ret in Return.objects.filter(partnership=world.partnership):
        assert ret.get_absolute_url() in page
    assert "submitted 1 January 2026" in page
    assert "1 indicator has results recorded for 2025/26" in page
    assert reverse("annual_report", args=[world.partnership.pk, 2025]) in page
    assert "Edition 1, published 1 June 2026" in page
    assert reverse("update_form", args=[world.partnership.pk, 2025]) in page
    assert page.count("govuk-tag--green") == 5


# --- filters and visibility -----------------------------------------------------------------


def test_filter_by_status(client, world):
    meet_everything(world)
    with at(2026, 7, 1):
        client.force_login(world.performance)
        met = client.get(reverse("compliance_tracker"), {"year": 2025, "status": "met"})
        overdue = client.get(reverse("compliance_tracker"), {"year": 2025, "status": "overdue"})
        odd = client.get(reverse("compliance_tracker"), {"year": "x", "status": "nonsense"})
    # The other partnership has results recorded (met) but is late with the rest.
    assert [r.partnership for r in met.context["rows"]] == [world.other, world.partnership]
    assert [r.partnership for r in overdue.context["rows"]] == [world.other]
    assert "Showing 1 of 2 partnerships" in overdue.content.decode()
    assert odd.status_code == 200
    assert len(odd.context["rows"]) == 2
    assert odd.context["year"] == 2026


def test_each_person_sees_only_their_partnerships(client, world):
    for person, expected in [
        (world.performance, {world.other, world.partnership}),
        (world.viewer, {world.partnership}),
        (world.outsider, {world.other}),
        (world.nobody, set()),
    ]:
        client.force_login(person)
        response = client.get(reverse("compliance_tracker"))
        assert {r.partnership for r in response.context["rows"]} == expected
        text = client.get(reverse("compliance_export_csv")).content.decode("utf-8-sig")
        assert ("Safer Streets" in text) == (world.partnership in expected)


def test_evidence_page_refuses_outsiders_and_odd_years(client, world):
    client.force_login(world.outsider)
    url = reverse("compliance_evidence", args=[world.partnership.pk, 2025])
    assert client.get(url).status_code == 404
    client.force_login(world.performance)
    odd = reverse("compliance_evidence", args=[world.partnership.pk, 99999])
    assert client.get(odd).status_code == 404


# --- exports --------------------------------------------------------------------------------


def test_exports_have_the_table_and_neutralise_formulas(client, world):
    world.other.name = '=HYPERLINK("http://evil")'
    world.other.save()
    meet_everything(world)
    with at(2026, 7, 1):
        client.force_login(world.performance)
        csv_response = client.get(reverse("compliance_export_csv"), {"year": 2025})
        xlsx_response = client.get(reverse("compliance_export_xlsx"), {"year": 2025})
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "Minimum requirements 2025-26.csv" in csv_response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["Partnership", *[r.label for r in Requirement]]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Safer Streets Partnership"][1:6] == ["Met"] * 5
    assert '\'=HYPERLINK("http://evil")' in by_name
    assert by_name['\'=HYPERLINK("http://evil")'][1] == Compliance.OVERDUE.label

    book = load_workbook(io.BytesIO(xlsx_response.content), read_only=True)
    values = [[c for c in row] for row in book.active.iter_rows(values_only=True)]
    assert values[0][0] == "Partnership"
    names = {row[0] for row in values[1:]}
    assert names == {"Safer Streets Partnership", '\'=HYPERLINK("http://evil")'}
    safer = next(row for row in values[1:] if row[0] == "Safer Streets Partnership")
    assert list(safer[1:6]) == ["Met"] * 5
    assert "Written plan: " in safer[6]


def test_export_follows_the_status_filter(client, world):
    meet_everything(world)
    with at(2026, 7, 1):
        client.force_login(world.performance)
        response = client.get(reverse("compliance_export_csv"), {"year": 2025, "status": "overdue"})
    text = response.content.decode("utf-8-sig")
    assert "Other Partnership" in text and "Safer Streets" not in text


# --- query count ----------------------------------------------------------------------------


def grow(world, count: int, tag: str) -> None:
    for n in range(count):
        partnership = make_partnership(f"Extra {tag}{n}", world.council)
        plan = make_plan(partnership)
        plan.approved_at = aware(2025, 3, 1)
        plan.save()
        make_indicator(partnership, f"E{tag}{n}", {"2025/26 Q1": ("10", "9")})
        Return.objects.create(
            round=world.ret.round,
            partnership=partnership,
            deadline=world.ret.deadline,
            status="submitted",
            submitted_at=aware(2026, 1, 2),
        )
        AnnualReport.objects.create(
            partnership=partnership, year=2025, status="published", published_at=aware(2026, 6, 1)
        )
        AnnualUpdateForm.objects.create(partnership=partnership, year=2025, status="submitted")


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "name", ["compliance_tracker", "compliance_export_csv", "compliance_export_xlsx"]
)
def test_query_count_does_not_grow(client, world, name, django_assert_num_queries):
    client.force_login(world.performance)
    url = reverse(name) + "?year=2025"
    grow(world, 1, "s")
    small = count(client, url)
    grow(world, 6, "l")
    with django_assert_num_queries(small):
        assert client.get(url).status_code == 200


# --- met late (issue 12, judgement 2) -------------------------------------------------------


def late_report(world) -> None:
    """Everything on time but the 2025/26 report, published on 3 December 2026."""
    meet_everything(world)
    AnnualReport.objects.filter(partnership=world.partnership, year=2025).update(
        published_at=aware(2026, 12, 3)
    )


def test_filter_by_met_late_and_the_reason_shown(client, world):
    late_report(world)
    with at(2026, 12, 4):
        client.force_login(world.performance)
        response = client.get(reverse("compliance_tracker"), {"year": 2025, "status": "met_late"})
        met = client.get(reverse("compliance_tracker"), {"year": 2025, "status": "met"})
    page = response.content.decode()
    assert [r.partnership for r in response.context["rows"]] == [world.partnership]
    assert '<option value="met_late" selected>Met late</option>' in page
    assert "Met late" in page
    assert "2025/26 annual report, due 30 June 2026, published 3 December 2026" in page
    # "Met" is met on time; the late report's partnership still has four of those.
    assert world.partnership in [r.partnership for r in met.context["rows"]]


def test_the_export_has_met_late_and_why(client, world):
    late_report(world)
    with at(2026, 12, 4):
        client.force_login(world.performance)
        response = client.get(
            reverse("compliance_export_csv"), {"year": 2025, "status": "met_late"}
        )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Partnership", *[r.label for r in Requirement], "Why", "Evidence"]
    assert [row[0] for row in rows[1:]] == ["Safer Streets Partnership"]
    safer = rows[1]
    assert safer[1:6] == ["Met", "Met", "Met", "Met late", "Met"]
    assert (
        "Annual performance summary report: 2025/26 annual report, due 30 June 2026, "
        "published 3 December 2026" in safer[6]
    )
    assert "Edition 1, published 3 December 2026" in safer[7]


def test_the_annual_update_form_reports_met_late(client, world):
    late_report(world)
    AnnualUpdateForm.objects.filter(partnership=world.partnership).delete()
    with at(2026, 12, 4):
        client.force_login(world.lead)
        page = client.get(reverse("update_form", args=[world.partnership.pk, 2025]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Met late" in text
    assert "2025/26 annual report, due 30 June 2026, published 3 December 2026" in text
    # Saving keeps what the tracker said, late delivery and both dates included.
    with at(2026, 12, 4):
        client.force_login(world.lead)
        url = reverse("update_form", args=[world.partnership.pk, 2025])
        assert client.post(url, {"achievements": "Draft"}).status_code == 302
        read = client.get(url).content.decode()
    saved = AnnualUpdateForm.objects.get(partnership=world.partnership, year=2025)
    report = saved.self_assessment["report"]
    assert report["tracker"] == "met_late"
    assert report["evidence"].startswith(
        "2025/26 annual report, due 30 June 2026, published 3 December 2026"
    )
    assert "Met late" in read
