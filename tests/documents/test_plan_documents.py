"""Sharing a plan: one content structure, drawn as web pages, a PDF and a Word file that
all say the same thing."""

import datetime
import io
import itertools
import re
import subprocess
import zlib
from decimal import Decimal
from pathlib import Path

import docx
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from goldenthread.core.models import (
    Action,
    Milestone,
    Objective,
    Plan,
    PlanTarget,
    Risk,
    SmartWaiver,
)
from goldenthread.core.plan_document import DRAFT_MARKING, Layout, plan_document
from goldenthread.documents.plan import plan_docx, plan_pdf
from goldenthread.rules import Period
from tests.conftest import make_indicator


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


@pytest.fixture
def shared(world):
    """The world's approved plan, written up: vision, key issues, the targets this
    version sets, milestones, a recorded SMART waiver."""
    plan = world.plan
    plan.vision = "Streets where everyone feels safe."
    plan.key_issues = "Burglary rose in 2024.\n\n  Repeat victims are not identified early.  \n"
    plan.approved_by = world.lead
    plan.approved_at = timezone.make_aware(datetime.datetime(2024, 5, 15, 10))
    plan.save()
    world.objective.description = "Cut burglary in the town centre."
    world.objective.lead_organisation = world.council
    world.objective.deadline = datetime.date(2027, 3, 31)
    world.objective.save()
    world.indicator.title = "Burglaries per 1,000 households"
    world.indicator.unit = "per 1,000 households"
    world.indicator.baseline = Decimal("120")
    world.indicator.baseline_period = Period.parse("2023/24 Q4")
    world.indicator.save()
    # What this version sets: every quarter of 2024/25, the year end of 2025/26 only.
    for label, value in [
        ("2024/25 Q1", "118"),
        ("2024/25 Q2", "117"),
        ("2024/25 Q3", "116"),
        ("2024/25 Q4", "115"),
        ("2025/26 Q4", "109"),
    ]:
        PlanTarget.objects.create(
            plan=plan, indicator=world.indicator, period=Period.parse(label), value=Decimal(value)
        )
    # The draft revision proposes something else; the approved version must not show it.
    PlanTarget.objects.create(
        plan=world.draft_plan,
        indicator=world.indicator,
        period=Period.parse("2024/25 Q4"),
        value=Decimal("777"),
    )
    Milestone.objects.create(
        action=world.action, title="First 200 homes visited", due_date=datetime.date(2025, 5, 31)
    )
    Milestone.objects.create(
        action=world.action,
        title="All homes in the area visited",
        due_date=datetime.date(2025, 6, 30),
        done_on=datetime.date(2025, 6, 20),
    )
    SmartWaiver.objects.create(
        plan=plan,
        subject="O1",
        criterion="achievable",
        failure="target 2025/26 Q4 needs 6 a year of improvement; the best year gave 2",
        reason="New funding doubles the visiting team.",
        recorded_by=world.lead,
    )
    return world


def pdf_text(pdf: bytes, tmp_path: Path) -> tuple[str, int, str]:
    """The PDF's text (pdftotext, from poppler-utils), its page count and pdfinfo."""
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)[1])
    return text, pages, info


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF's objects, inflated: WeasyPrint compresses the catalogue into a stream."""
    inflated = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            inflated.append(zlib.decompress(match[1]))
        except zlib.error:
            continue  # fonts and images
    return b"\n".join(inflated)


# --- the content structure ---------------------------------------------------------------------


def test_it_builds_the_plan_from_this_version(shared):
    doc = plan_document(shared.plan)
    assert doc.partnership == "Safer Streets Partnership"
    assert doc.lead_organisation == "Test Council"
    assert doc.lead_link_officer == "Lead Tester"
    assert doc.title == "Safer Streets Partnership plan"
    assert (doc.version, doc.status, doc.marking, doc.is_draft) == (1, "Approved", "", False)
    assert doc.span == "2024/25 to 2026/27"
    assert doc.years == ["2024/25", "2025/26", "2026/27"]
    assert doc.approved == "15 May 2024 by Lead Tester"
    assert doc.key_issues == ["Burglary rose in 2024.", "Repeat victims are not identified early."]

    (objective,) = doc.objectives
    assert objective.heading == "O1: Fewer burglaries"
    assert objective.owner_text == "Lead Tester, Test Council"
    assert objective.deadline == "31 March 2027"
    assert [o.text for o in objective.outcomes] == ["T1 Safe places (Corporate Plan)"]

    (indicator,) = objective.indicators
    assert indicator.code == "SS01"
    assert indicator.polarity == "Higher is better"
    assert indicator.frequency == "Quarterly"
    assert indicator.baseline == "120 (2023/24 Q4)"
    assert indicator.period_names == ["Q1", "Q2", "Q3", "Q4"]
    # One row per financial year of the plan, each with its four quarters.
    assert [y.year for y in indicator.years] == ["2024/25", "2025/26", "2026/27"]
    first, second, third = indicator.years
    assert [c.text for c in first.cells] == ["118", "117", "116", "115"]
    assert first.year_end_text == "115"
    # The live targets (100 each quarter) and the draft's proposal (777) are not this plan's.
    assert [c and c.text for c in second.cells] == [None, None, None, "109"]
    assert third.year_end_text == "None set"
    assert "quarterly targets are in the full plan" in indicator.year_end_note

    (action,) = objective.actions
    assert (action.ref, action.owner, action.lead_organisation) == (
        "A1",
        "Member Tester",
        "Test Police",
    )
    assert (action.start, action.due, action.status) == ("1 April 2025", "30 June 2025", "On track")
    assert [(m.title, m.due, m.done) for m in action.milestones] == [
        ("First 200 homes visited", "31 May 2025", ""),
        ("All homes in the area visited", "30 June 2025", "20 June 2025"),
    ]

    (risk,) = doc.risks
    assert (risk.title, risk.score_text, risk.owner) == (
        "Police funding cut",
        "8 (Medium)",
        "Member Tester",
    )
    (waiver,) = doc.waivers
    assert waiver.text == (
        "O1, Achievable: approved knowing that target 2025/26 Q4 needs 6 a year of "
        "improvement; the best year gave 2."
    )
    assert waiver.reason == "New funding doubles the visiting team."


def test_annual_indicators_have_one_target_per_year(shared):
    annual = make_indicator(
        shared.partnership, "SS02", frequency="annual", unit="%", decimals=1, polarity="lower"
    )
    shared.objective.indicators.add(annual)
    for year, value in [(2024, "12.5"), (2025, "12.0"), (2026, "11.5")]:
        PlanTarget.objects.create(
            plan=shared.plan,
            indicator=annual,
            period=Period("annual", year, 1),
            value=Decimal(value),
        )
    (objective,) = plan_document(shared.plan).objectives
    entry = next(i for i in objective.indicators if i.code == "SS02")
    assert entry.is_annual
    assert entry.polarity == "Lower is better"
    assert [(y.year, y.year_end_text) for y in entry.years] == [
        ("2024/25", "12.5%"),
        ("2025/26", "12.0%"),
        ("2026/27", "11.5%"),
    ]
    assert entry.year_end_note == ""


def test_a_band_target_reads_from_and_to(shared):
    PlanTarget.objects.filter(plan=shared.plan, period=Period.parse("2024/25 Q4")).update(
        value=Decimal("110"), upper=Decimal("115")
    )
    indicator = plan_document(shared.plan).objectives[0].indicators[0]
    assert indicator.years[0].year_end_text == "110 to 115"


def test_the_top_five_open_risks_by_score_after_mitigation(shared):
    for n, (likelihood, impact) in enumerate([(5, 5), (1, 1), (3, 4), (4, 4), (2, 2), (5, 4)]):
        Risk.objects.create(
            partnership=shared.partnership,
            ref=f"R{n + 2}",
            title=f"Risk {n + 2}",
            inherent_likelihood=5,
            inherent_impact=5,
            residual_likelihood=likelihood,
            residual_impact=impact,
        )
    Risk.objects.filter(ref="R2").update(is_open=False)  # 25: closed, not shown
    risks = plan_document(shared.plan).risks
    assert [(r.ref, r.score, r.level) for r in risks] == [
        ("R7", 20, "Very high"),
        ("R5", 16, "Very high"),
        ("R4", 12, "High"),
        ("R1", 8, "Medium"),
        ("R6", 4, "Low"),
    ]
    assert risks[-1].owner == "No owner named"


def test_a_draft_is_marked_and_a_superseded_version_says_so(shared):
    draft = plan_document(shared.draft_plan)
    assert draft.is_draft
    assert draft.status == draft.marking == DRAFT_MARKING == "Draft – not yet approved"
    assert draft.approved == ""
    Plan.objects.filter(pk=shared.plan.pk).update(status=Plan.Status.SUPERSEDED)
    old = plan_document(shared.plan)
    assert old.marking.startswith("Superseded")
    assert old.approved == "15 May 2024 by Lead Tester"


def grow_plan(world, objectives: int, indicators: int, actions: int, tag: str) -> Plan:
    plan = Plan.objects.create(
        partnership=world.other, title="Other plan", first_year=2024, last_year=2026, version=9
    )
    for o in range(objectives):
        objective = Objective.objects.create(
            plan=plan, ref=f"O{o}", title=f"Aim {o}", owner=world.outsider
        )
        objective.outcomes.add(world.outcome)
        for i in range(indicators):
            indicator = make_indicator(world.other, f"{tag}{o}-{i}", frequency="quarterly")
            objective.indicators.add(indicator)
            for q in range(1, 5):
                PlanTarget.objects.create(
                    plan=plan, indicator=indicator, period=Period("quarterly", 2024, q), value=q
                )
        for a in range(actions):
            action = Action.objects.create(
                objective=objective, ref=f"A{a}", title="Act", owner=world.outsider
            )
            Milestone.objects.create(
                action=action, title="Step", due_date=datetime.date(2025, 1, 1)
            )
        SmartWaiver.objects.create(
            plan=plan,
            subject=f"O{o}",
            criterion="time_bound",
            failure="no deadline",
            reason="Ongoing",
        )
    Risk.objects.create(
        partnership=world.other,
        ref=f"R{tag}",
        title="Risk",
        inherent_likelihood=3,
        inherent_impact=3,
        residual_likelihood=2,
        residual_impact=2,
        owner=world.outsider,
    )
    return plan


def test_the_query_count_does_not_grow_with_the_plan(world, django_assert_num_queries):
    small = grow_plan(world, objectives=1, indicators=1, actions=1, tag="s")
    with CaptureQueriesContext(connection) as queries:
        plan_document(small)
    Plan.objects.filter(pk=small.pk).delete()
    large = grow_plan(world, objectives=5, indicators=4, actions=3, tag="l")
    with django_assert_num_queries(len(queries)):
        doc = plan_document(large)
    assert len(doc.objectives) == 5
    assert sum(len(o.indicators) for o in doc.objectives) == 20


def test_the_pages_query_count_does_not_grow_with_the_plan(
    client, world, django_assert_num_queries
):
    client.force_login(world.outsider)
    small = grow_plan(world, objectives=1, indicators=1, actions=1, tag="s")
    counts = {}
    for name in ("plan_on_a_page", "plan_full"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name, args=[small.pk])).status_code == 200
        counts[name] = len(queries)
    Plan.objects.filter(pk=small.pk).delete()
    large = grow_plan(world, objectives=4, indicators=3, actions=3, tag="l")
    for name, count in counts.items():
        with django_assert_num_queries(count):
            assert client.get(reverse(name, args=[large.pk])).status_code == 200


# --- the PDF -----------------------------------------------------------------------------------


def test_it_downloads_the_full_plan_as_a_tagged_pdf(client, shared, tmp_path):
    client.force_login(shared.viewer)
    response = client.get(reverse("plan_pdf", args=[shared.plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="safer-streets-partnership-plan-v1.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    text, pages, info = pdf_text(response.content, tmp_path)
    assert pages >= 1
    assert re.search(r"^Tagged:\s+yes", info, re.MULTILINE)
    assert re.search(r"^Title:\s+Safer Streets Partnership plan$", info, re.MULTILINE)
    assert b"/Lang (en-GB)" in pdf_objects(response.content)
    xmp = subprocess.run(
        ["pdfinfo", "-meta", str(tmp_path / "plan.pdf")], capture_output=True, text=True
    ).stdout
    assert 'pdfuaid:part="1"' in xmp  # declared PDF/UA-1
    assert "Safer Streets Partnership plan" in text
    assert "O1: Fewer burglaries" in text
    assert "Burglaries per 1,000 households" in text
    assert re.search(r"2024/25\s+118\s+117\s+116\s+115", text)  # a year of quarterly targets
    assert "First 200 homes visited" in text
    assert "approved knowing that target 2025/26 Q4" in " ".join(text.split())
    assert "Page 1 of" in text
    assert f"Page {pages} of {pages}" in text
    assert "777" not in text  # the draft's target


def test_the_plan_on_a_page_pdf_shows_the_year_end_targets(client, shared, tmp_path):
    client.force_login(shared.viewer)
    response = client.get(reverse("plan_pdf", args=[shared.plan.pk]), {"layout": "page"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="safer-streets-partnership-plan-v1-plan-on-a-page.pdf"'
    )
    text, _, info = pdf_text(response.content, tmp_path)
    assert re.search(r"^Title:\s+Safer Streets Partnership plan: plan on a page$", info, re.M)
    assert re.search(r"^Page size:.*landscape|^Page size:\s+841", info, re.M)
    assert "plan on a page" in text
    assert re.search(r"SS01 Burglaries per 1,000 households.*115\s+109\s+None set", text)
    words = " ".join(text.split())  # lines wrap where the layout wraps them
    assert (
        "SS01 is measured quarterly: the targets shown are for the end of each year (Q4)." in words
    )
    assert "Its quarterly targets are in the full plan." in words
    assert "First 200 homes visited" not in words  # milestones are in the full plan
    assert "Page 1 of" in text


def test_a_draft_pdf_is_marked_on_every_page(shared, tmp_path):
    # Enough objectives for several pages.
    for n in range(2, 12):
        objective = Objective.objects.create(
            plan=shared.draft_plan, ref=f"O{n}", title=f"Objective number {n}"
        )
        objective.indicators.add(shared.indicator)
    pdf = plan_pdf(plan_document(shared.draft_plan), Layout.FULL)
    text, pages, info = pdf_text(pdf, tmp_path)
    assert pages > 1
    assert re.search(r"^Title:.*draft – not yet approved", info, re.MULTILINE)
    for number, page in enumerate(text.split("\f")[:pages], start=1):
        assert "Draft – not yet approved" in page, f"page {number} is not marked"
        assert f"Page {number} of {pages}" in page


# --- the Word file -----------------------------------------------------------------------------


def test_it_downloads_the_full_plan_as_a_word_document(client, shared):
    client.force_login(shared.viewer)
    response = client.get(reverse("plan_docx", args=[shared.plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="safer-streets-partnership-plan-v1.docx"'
    )
    document = docx.Document(io.BytesIO(response.content))
    assert document.core_properties.title == "Safer Streets Partnership plan"
    assert document.core_properties.author == "Safer Streets Partnership"
    assert document.core_properties.language == "en-GB"

    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings[0] == ("Heading 1", "Safer Streets Partnership plan")
    assert ("Heading 2", "Our vision") in headings
    assert ("Heading 2", "Our objectives") in headings
    assert ("Heading 3", "O1: Fewer burglaries") in headings
    assert ("Heading 4", "SS01 Burglaries per 1,000 households") in headings
    assert ("Heading 2", "Approved knowing that") in headings
    levels = [int(style.split()[-1]) for style, _ in headings]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), "a heading level is skipped"

    cells = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["Year", "Q1", "Q2", "Q3", "Q4"] in cells
    assert ["2024/25", "118", "117", "116", "115"] in cells
    assert ["2025/26", "–", "–", "–", "109"] in cells
    for table in document.tables:
        assert 'w:tblHeader w:val="true"' in table.rows[0]._tr.xml
    assert "Page" in document.sections[0].footer.paragraphs[0].text


def test_the_plan_on_a_page_word_document(client, shared):
    client.force_login(shared.viewer)
    response = client.get(reverse("plan_docx", args=[shared.plan.pk]), {"layout": "page"})
    document = docx.Document(io.BytesIO(response.content))
    assert document.core_properties.title == "Safer Streets Partnership plan: plan on a page"
    cells = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["Measure", "Baseline", "2024/25", "2025/26", "2026/27"] in cells
    assert [
        "SS01 Burglaries per 1,000 households (per 1,000 households)",
        "120 (2023/24 Q4)",
        "115",
        "109",
        "None set",
    ] in cells


def test_a_draft_word_document_is_marked(shared):
    document = docx.Document(io.BytesIO(plan_docx(plan_document(shared.draft_plan), Layout.FULL)))
    assert DRAFT_MARKING in document.sections[0].header.paragraphs[0].text
    assert DRAFT_MARKING in [p.text for p in document.paragraphs[:3]]
    assert DRAFT_MARKING.lower() in document.core_properties.title


# --- the web pages -----------------------------------------------------------------------------


def test_the_plan_on_a_page(client, shared):
    client.force_login(shared.viewer)
    response = client.get(reverse("plan_on_a_page", args=[shared.plan.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Safer Streets Partnership plan</h1>' in page
    assert "How we will measure O1: targets for each year" in page
    assert 'scope="col" class="govuk-table__header govuk-table__header--numeric">2026/27' in page
    assert "quarterly targets are in the full plan" in page
    assert reverse("plan_pdf", args=[shared.plan.pk]) + "?layout=page" in page
    assert reverse("plan_docx", args=[shared.plan.pk]) + "?layout=page" in page
    assert "Plan on a page (PDF)" in page and "Plan on a page (Word document)" in page
    assert "First 200 homes visited" not in page
    assert "Draft – not yet approved" not in page
    assert_headings_in_order(page)


def test_the_full_plan(client, shared):
    client.force_login(shared.viewer)
    response = client.get(reverse("plan_full", args=[shared.plan.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Targets for SS01" in page
    assert "First 200 homes visited" in page
    assert "Cut burglary in the town centre." in page
    assert "approved knowing that target 2025/26 Q4" in page
    assert "Full plan (PDF)" in page and "Full plan (Word document)" in page
    assert_headings_in_order(page)


def test_a_draft_web_page_is_marked(client, shared):
    client.force_login(shared.member)
    for name in ("plan_on_a_page", "plan_full"):
        page = client.get(reverse(name, args=[shared.draft_plan.pk])).content.decode()
        assert "Draft – not yet approved</strong>" in page
        assert "<title>" in page and "(Draft – not yet approved)" in page


def test_people_outside_the_partnership_cannot_download_the_plan(client, shared):
    client.force_login(shared.outsider)
    for name in ("plan_pdf", "plan_docx", "plan_on_a_page", "plan_full"):
        assert client.get(reverse(name, args=[shared.plan.pk])).status_code == 404


def assert_headings_in_order(page: str) -> None:
    main = page[page.index("<main") :]
    levels = [int(n) for n in re.findall(r"<h([1-6])\b", main)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels


def test_the_year_end_note_names_every_indicator_it_covers(shared):
    for code in ("SS03", "SS04"):
        shared.objective.indicators.add(make_indicator(shared.partnership, code))
    shared.objective.indicators.add(make_indicator(shared.partnership, "SS05", frequency="monthly"))
    (objective,) = plan_document(shared.plan).objectives
    assert objective.year_end_notes == [
        "SS01, SS03 and SS04 are measured quarterly: the targets shown are for the end of each "
        "year (Q4). Their quarterly targets are in the full plan.",
        "SS05 is measured monthly: the targets shown are for the end of each year (March). "
        "Its monthly targets are in the full plan.",
    ]
