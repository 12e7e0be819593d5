"""The annual performance summary report: its numbers are the recorded ones, publishing
freezes it, and a correction is a new, dated edition. The PDF is tagged with real
headings and numbered pages; the Word file has real headings."""

import datetime
import io
import itertools
import json
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import docx
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from goldenthread.core.annual_report import (
    DRAFT_MARKING,
    AnnualReportContent,
    annual_report_content,
    year_plan,
)
from goldenthread.core.models import (
    Action,
    AnnualReport,
    Attendee,
    Budget,
    CorrectiveAction,
    Lesson,
    Objective,
    ReportingRound,
    Result,
    Return,
    Spend,
    Target,
)
from goldenthread.core.services import annual_reports as services
from goldenthread.documents.annual_report import (
    annual_report_docx,
    annual_report_files,
    annual_report_pdf,
)
from goldenthread.rules import ActionState, Period
from tests.conftest import cell_texts, make_indicator, make_plan

YEAR = 2025  # 2025/26
TODAY = datetime.date(2026, 5, 12)


@pytest.fixture(autouse=True)
def after_the_year():
    with time_machine.travel(datetime.datetime(2026, 5, 12, 10, 0), tick=False):
        yield


@pytest.fixture
def year(world):
    """The Safer Streets Partnership's 2025/26: one measure of each colour at the year end,
    money, a return with highlights, exceptions and a corrective action, a review meeting
    with members and outsiders, a lesson, and an action completed in the year."""
    # SS01 (the world's): 101 against 100 at 2025/26 Q3, its last result: green; 98 a year
    # before.
    ss02 = make_indicator(
        world.partnership,
        "SS02",
        {"2024/25 Q4": ("50", "55"), "2025/26 Q4": ("50", "60")},
        title="Repeat victims of burglary",
        polarity="lower",
    )  # red, and worse than a year before
    ss03 = make_indicator(
        world.partnership,
        "SS03",
        {"2025/26 Q4": ("200", "194")},
        title="Homes given target hardening",
    )  # amber: within 5% of the target
    ss04 = make_indicator(
        world.partnership, "SS04", {"2026/27 Q1": ("10", None)}, title="Street lights fixed"
    )  # grey: nothing in 2025/26, and in no objective
    world.objective.indicators.add(ss02, ss03)

    world.action.state = ActionState.COMPLETED
    world.action.completed_on = datetime.date(2025, 6, 20)
    world.action.percent_complete = 100
    world.action.save()
    Action.objects.create(
        objective=world.objective,
        ref="A2",
        title="Cocooning after a burglary",
        lead_organisation=world.council,
        due_date=datetime.date(2026, 9, 30),
        state=ActionState.ON_TRACK,
    )

    Budget.objects.create(partnership=world.partnership, year=YEAR, amount=Decimal("400000"))
    for n, amount in enumerate(["90000", "100000", "110000", "95000.50"], start=1):
        Spend.objects.create(
            partnership=world.partnership,
            period=Period.parse(f"2025/26 Q{n}"),
            amount=Decimal(amount),
        )
    Spend.objects.create(  # another year: not counted
        partnership=world.partnership, period=Period.parse("2024/25 Q4"), amount=Decimal("777")
    )

    # The world's 2025/26 Q3 return is signed off, so published editions show its results.
    Return.objects.filter(pk=world.ret.pk).update(status=Return.Status.SIGNED_OFF)
    round_ = ReportingRound.objects.create(
        period=Period.parse("2025/26 Q2"), deadline=datetime.date(2025, 10, 31)
    )
    ret = Return.objects.create(
        round=round_,
        partnership=world.partnership,
        deadline=round_.deadline,
        status=Return.Status.SIGNED_OFF,
        highlights="Burglary fell in the town centre.",
        exceptions="Repeat victims rose after the summer.",
    )
    CorrectiveAction.objects.create(
        ret=ret,
        indicator=ss02,
        period=Period.parse("2025/26 Q2"),
        description="Extra patrols on the estates.",
        owner=world.member,
        due_date=datetime.date(2025, 12, 31),
    )

    meeting = world.meeting  # the review of 2025/26 Q2, held on 20 October 2025
    meeting.challenges = "Data arrived late."
    meeting.save()
    Attendee.objects.create(meeting=meeting, person=world.member, name="Member Tester")
    Attendee.objects.create(
        meeting=meeting, name="Jane Resident", kind=Attendee.Kind.CUSTOMER, organisation=""
    )
    Attendee.objects.create(
        meeting=meeting,
        name="Bob Neighbour",
        kind=Attendee.Kind.STAKEHOLDER,
        organisation="Oak Road Residents' Association",
    )

    with time_machine.travel(datetime.datetime(2025, 9, 1, 12, 0), tick=False):
        Lesson.objects.create(
            partnership=world.partnership,
            title="Street briefings beat leaflets",
            what_happened="Door knocks reached twice as many households.",
        )
    with time_machine.travel(datetime.datetime(2024, 9, 1, 12, 0), tick=False):
        Lesson.objects.create(
            partnership=world.partnership, title="An older lesson", what_happened="Before."
        )
    world.ss02, world.ss03, world.ss04 = ss02, ss03, ss04
    return world


def content_of(world, **kwargs) -> AnnualReportContent:
    return annual_report_content(world.partnership, YEAR, today=TODAY, **kwargs)


def recorded_year_end(indicator) -> tuple[Result | None, Target | None]:
    """Straight from the database: the last result of 2025/26, and its period's target."""
    result = (
        Result.objects.filter(indicator=indicator, value__isnull=False)
        .filter(period__gte=str(YEAR), period__lt=str(YEAR + 1))
        .order_by("-period")
        .first()
    )
    target = (
        Target.objects.filter(indicator=indicator, period=result.period).first() if result else None
    )
    return result, target


# --- the content equals what is recorded -------------------------------------------------------


def test_it_counts_each_measure_by_its_year_end_status(year):
    doc = content_of(year)
    counts = {c.rag: c.count for c in doc.rag_counts}
    assert counts == {"green": 1, "amber": 1, "red": 1, "grey": 1}
    # The same counts worked out from the rows themselves.
    recorded = {"green": 0, "amber": 0, "red": 0, "grey": 0}
    for indicator in year.partnership.indicators.all():
        result, target = recorded_year_end(indicator)
        rag = indicator.rag(
            result.value if result else None,
            target.value if target else None,
            target.upper if target else None,
        )
        recorded[rag.value] += 1
    assert counts == recorded
    assert doc.indicator_count == year.partnership.indicators.count() == 4
    assert "1 of the partnership's 4 measures was on target, 1 close to target and 1 off" in (
        doc.headline
    )


def test_each_measure_shows_its_recorded_year_end_result_and_target(year):
    doc = content_of(year)
    by_code = {i.code: i for i in doc.indicators}
    ss01 = by_code["SS01"]
    assert (ss01.period, ss01.result, ss01.target, ss01.rag) == (
        "2025/26 Q3",
        "101",
        "100",
        "green",
    )
    assert (ss01.direction, ss01.direction_label) == ("better", "Improving")
    assert ss01.compared_with == "98 in 2024/25 Q3"
    ss02 = by_code["SS02"]
    assert (ss02.period, ss02.result, ss02.target, ss02.rag) == ("2025/26 Q4", "60", "50", "red")
    assert ss02.direction == "worse"
    assert by_code["SS03"].rag == "amber"
    assert by_code["SS04"].rag == "grey"
    assert by_code["SS04"].result == "No result for 2025/26"
    for indicator in year.partnership.indicators.all():
        result, target = recorded_year_end(indicator)
        shown = by_code[indicator.code]
        if result:
            assert shown.result == indicator.format_value(result.value)
            assert shown.target == indicator.format_value(target.value)
            assert shown.period == result.period.label


def test_each_measure_shows_five_year_ends_and_charts_the_same_numbers(year):
    doc = content_of(year)
    assert doc.history_years == ["2021/22", "2022/23", "2023/24", "2024/25", "2025/26"]
    ss01 = {i.code: i for i in doc.indicators}["SS01"]
    assert ss01.history == ["–", "–", "–", "98", "101"]
    assert ss01.trend.values == [None, None, None, 98.0, 101.0]
    assert ss01.trend.target == 100.0
    assert ss01.period_note == "year end 2025/26 Q3"  # its Q4 result is not in
    assert {i.code: i for i in doc.indicators}["SS02"].period_note == ""


def test_the_objectives_come_from_the_plan_in_force_at_the_year_end(year):
    doc = content_of(year)
    assert year_plan(year.partnership, YEAR) == year.plan  # not the draft revision
    assert [o.ref for o in doc.objectives] == ["O1"]
    objective = doc.objectives[0]
    assert [i.code for i in objective.indicators] == ["SS01", "SS02", "SS03"]
    assert objective.status == "off_track"  # SS02 is red
    assert [(a.ref, a.outcome) for a in objective.actions] == [
        ("A1", "completed"),
        ("A2", "carried_forward"),
    ]
    assert objective.actions[0].text == "Completed 20 June 2025"
    assert objective.actions[1].text == "Carried forward into 2026/27, due 30 September 2026"
    assert objective.actions[0].organisation == "Test Police"
    # The measure in no objective is reported too.
    assert [i.code for i in doc.other_indicators] == ["SS04"]


def test_the_money_is_the_recorded_budget_and_spend(year):
    finance = content_of(year).finance
    spent = sum(
        s.amount
        for s in Spend.objects.filter(partnership=year.partnership, action=None)
        if s.period.year == YEAR
    )
    assert spent == Decimal("395000.50")
    assert finance.budget == "£400,000"
    assert finance.spent == "£395,000.50"
    assert [(q.label, q.spent) for q in finance.quarters] == [
        ("2025/26 Q1", "£90,000"),
        ("2025/26 Q2", "£100,000"),
        ("2025/26 Q3", "£110,000"),
        ("2025/26 Q4", "£95,000.50"),
    ]
    assert (
        finance.words
        == "Spend for the year £395,000.50: £4,999.50 (1%) under the budget of £400,000."
    )
    assert [b.value for b in finance.chart.bars] == [90000.0, 100000.0, 110000.0, 95000.5]


def test_what_went_well_and_what_did_not_with_the_corrective_actions(year):
    doc = content_of(year)
    assert "1 of 4 measures was on target at the year end." in doc.went_well
    assert "1 action of the plan was completed: A1 Door-to-door visits." in doc.went_well
    assert [(n.source, n.text) for n in doc.went_well_notes] == [
        ("2025/26 Q2 monitoring return", "Burglary fell in the town centre."),
        ("Review of 2025/26 Q2, held on 20 October 2025", "More homes visited than planned."),
    ]
    assert any(
        line.startswith("SS02 Repeat victims of burglary was off target")
        for line in doc.did_not_go_well
    )
    assert "Repeat victims rose after the summer." in [n.text for n in doc.did_not_go_well_notes]
    [corrective] = doc.corrective_actions
    assert corrective.measure == "SS02 Repeat victims of burglary"
    assert corrective.description == "Extra patrols on the estates."
    assert corrective.owner == "Test Police"  # an organisation, not a person
    assert corrective.due == "31 December 2025"
    assert [h.code for h in doc.concerns] == ["SS02"]


def test_reviews_count_people_by_kind_and_name_organisations_not_people(year):
    doc = content_of(year)
    reviews = doc.reviews
    assert reviews.meetings == ["2025/26 Q2, reviewed on 20 October 2025"]
    assert [(a.kind, a.count) for a in reviews.attendance] == [
        ("Partnership member", 1),
        ("Customer or resident", 1),
        ("Stakeholder", 1),
    ]
    assert reviews.organisations == ["Oak Road Residents' Association", "Test Police"]
    text = json.dumps(doc.to_snapshot())
    for name in ("Jane Resident", "Bob Neighbour", "Member Tester"):
        assert name not in text


def test_only_the_years_lessons_are_reported(year):
    assert [lesson.title for lesson in content_of(year).lessons] == [
        "Street briefings beat leaflets"
    ]


def test_the_structure_survives_the_snapshot(year):
    doc = content_of(year)
    stored = json.loads(json.dumps(doc.to_snapshot()))
    assert AnnualReportContent.from_snapshot(stored) == doc


def test_the_query_count_does_not_grow_with_the_partnership(world):
    def grow(n: int, tag: str):
        objective = Objective.objects.create(plan=world.plan, ref=f"G{tag}", title="Grown")
        for i in range(n):
            indicator = make_indicator(
                world.partnership,
                f"G{tag}{i}",
                {"2024/25 Q4": ("10", "9"), "2025/26 Q4": ("10", "11")},
            )
            objective.indicators.add(indicator)
            Action.objects.create(objective=objective, ref=f"A{tag}{i}", title="Grown action")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            content_of(world)
        return len(captured)

    grow(2, "a")
    small = queries()
    grow(8, "b")
    assert queries() == small


# --- publishing freezes ------------------------------------------------------------------------


def publish(world) -> AnnualReport:
    services.save_commentary(
        partnership=world.partnership, year=YEAR, commentary="A good year.", by=world.lead
    )
    return services.publish_report(
        partnership=world.partnership, year=YEAR, by=world.lead, render=annual_report_files
    )


def pdf_text(pdf: bytes, tmp_path: Path, name: str = "report.pdf") -> tuple[str, str]:
    path = tmp_path / name
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return text, info


def test_publishing_stores_the_content_and_files(year):
    report = publish(year)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.PUBLISHED
    assert report.published_by == year.lead
    assert report.published_at == timezone.now()
    assert report.pdf.read().startswith(b"%PDF")
    assert report.docx.read().startswith(b"PK")
    stored = AnnualReportContent.from_snapshot(report.snapshot)
    assert not stored.is_draft and stored.published == "12 May 2026"
    assert stored.commentary == "A good year."
    assert stored.commentary_by == "Lead Tester, lead link officer"
    assert report.history.first().history_user == year.lead
    assert report.history.first().history_change_reason == "Edition 1 published"


def test_a_published_edition_does_not_change_when_the_data_does(client, year, tmp_path):
    report = publish(year)
    pdf_before = report.pdf.read()
    Result.objects.filter(indicator=year.indicator, period=Period.parse("2025/26 Q3")).update(
        value=Decimal("57")
    )
    Spend.objects.filter(period=Period.parse("2025/26 Q1")).update(amount=Decimal("1"))

    client.force_login(year.viewer)
    page = client.get(reverse("annual_report", args=[year.partnership.pk, YEAR])).content.decode()
    cells = cell_texts(page)
    assert "101" in cells and "57" not in cells
    assert "£90,000" in page
    pdf = client.get(reverse("annual_report_pdf", args=[year.partnership.pk, YEAR])).content
    assert pdf == pdf_before
    text, _ = pdf_text(pdf, tmp_path)
    assert re.search(r"–\s+–\s+–\s+98\s+101\s+100", text)

    # The draft of a new edition is worked out from the data as it is now.
    services.start_correction(
        partnership=year.partnership, year=YEAR, note="SS01 Q3 was wrong.", by=year.lead
    )
    client.force_login(year.member)
    preview = client.get(reverse("annual_report", args=[year.partnership.pk, YEAR])).content
    assert b"Draft" in preview and b"2025/26 Q3" in preview
    doc = content_of(year, report=services.draft_of(year.partnership, YEAR))
    assert {i.code: i.result for i in doc.indicators}["SS01"] == "57"
    assert doc.finance.quarters[0].spent == "£1"


def test_a_correction_is_a_new_dated_edition_and_the_old_one_stays(client, year, tmp_path):
    first = publish(year)
    Result.objects.filter(indicator=year.indicator, period=Period.parse("2025/26 Q3")).update(
        value=Decimal("99")
    )
    with time_machine.travel(datetime.datetime(2026, 6, 2, 9, 0), tick=False):
        draft = services.start_correction(
            partnership=year.partnership,
            year=YEAR,
            note="The Q3 burglary figure was entered wrongly.",
            by=year.lead,
        )
        assert (draft.edition, draft.status, draft.commentary) == (2, "draft", "A good year.")
        second = services.publish_report(
            partnership=year.partnership, year=YEAR, by=year.lead, render=annual_report_files
        )
    second.refresh_from_db()
    assert second.edition == 2
    assert second.published_at.date() == datetime.date(2026, 6, 2)
    stored = AnnualReportContent.from_snapshot(second.snapshot)
    assert stored.correction == (
        "This edition corrects edition 1, published 12 May 2026: "
        "The Q3 burglary figure was entered wrongly."
    )
    assert ("Edition", "Edition 2, published 2 June 2026") in [
        (r.label, r.value) for r in stored.about
    ]
    text, _ = pdf_text(second.pdf.read(), tmp_path)
    assert "This edition corrects edition 1" in " ".join(text.split())

    client.force_login(year.viewer)
    latest = client.get(reverse("annual_report", args=[year.partnership.pk, YEAR]))
    assert latest.context["choice"].report == second
    old = client.get(
        reverse("annual_report", args=[year.partnership.pk, YEAR]), {"edition": 1}
    ).content.decode()
    assert "Superseded." in old and "replaced by" in old
    first.refresh_from_db()
    assert first.status == AnnualReport.Status.PUBLISHED  # still available
    assert first.pdf.read() != second.pdf.read()


def test_publishing_needs_the_commentary_and_the_year_to_have_ended(year):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Add your commentary"):
        services.publish_report(
            partnership=year.partnership, year=YEAR, by=year.lead, render=annual_report_files
        )
    services.save_commentary(
        partnership=year.partnership, year=YEAR + 1, commentary="Early days.", by=year.lead
    )
    with pytest.raises(ValidationError, match="once the year has ended"):
        services.publish_report(
            partnership=year.partnership, year=YEAR + 1, by=year.lead, render=annual_report_files
        )


# --- the files ---------------------------------------------------------------------------------


def test_the_pdf_is_tagged_with_real_headings_and_numbered_pages(year, tmp_path):
    pdf = annual_report_pdf(content_of(year))
    text, info = pdf_text(pdf, tmp_path)
    assert re.search(r"^Tagged:\s+yes", info, re.MULTILINE)
    assert re.search(
        r"^Title:\s+Safer Streets Partnership: annual performance report 2025/26 \(draft",
        info,
        re.MULTILINE,
    )
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)[1])
    assert "Annual performance report 2025/26" in text
    assert "Page 1 of" in text and f"Page {pages} of {pages}" in text
    for number, page in enumerate(text.split("\f")[:pages], start=1):
        assert DRAFT_MARKING in page, f"page {number} is not marked as a draft"
    for heading in ("The year at a glance", "What went well", "Our objectives", "Top risks"):
        assert heading in text
    # SS02's row: five year ends, the target and the status.
    assert "SS02 Repeat victims of burglary" in text
    assert re.search(r"–\s+–\s+–\s+55\s+60\s+50\b", text)
    structure = subprocess.run(
        ["pdfinfo", "-struct", str(tmp_path / "report.pdf")], capture_output=True, text=True
    ).stdout
    tags = re.findall(r"^\s*(H[1-6]|Table|Figure)\b", structure, re.MULTILINE)
    assert tags.count("H1") == 1
    assert {"H2", "H3", "Table", "Figure"} <= set(tags)


def test_the_word_file_has_the_same_content_under_real_headings(year):
    document = docx.Document(io.BytesIO(annual_report_docx(content_of(year))))
    assert document.core_properties.language == "en-GB"
    assert document.core_properties.title.startswith(
        "Safer Streets Partnership: annual performance report 2025/26"
    )
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings[0] == ("Heading 1", "Annual performance report 2025/26")
    for heading in (
        ("Heading 2", "The year at a glance"),
        ("Heading 2", "What went well"),
        ("Heading 2", "Our objectives"),
        ("Heading 3", "O1: Fewer burglaries"),
        ("Heading 2", "Top risks"),
        ("Heading 2", "Money"),
        ("Heading 2", "Who took part in reviews"),
        ("Heading 2", "Lessons learned"),
        ("Heading 2", "Commentary from the lead link officer"),
    ):
        assert heading in headings
    levels = [int(style.split()[-1]) for style, _ in headings]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), "a heading level is skipped"
    cells = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["Green: on target", "1"] in cells
    assert ["2025/26 Q4", "£100,000", "£95,000.50"] in cells
    assert [
        "SS01 Indicator SS01. Higher is better; year end 2025/26 Q3",
        "–",
        "–",
        "–",
        "98",
        "101",
        "100",
        "Green",
        "Improving",
    ] in cells


def test_a_plan_approved_after_the_year_does_not_replace_the_one_in_force(world):
    world.plan.approved_at = timezone.make_aware(datetime.datetime(2024, 5, 1))
    world.plan.status = "superseded"
    world.plan.save()
    world.draft_plan.delete()
    later = make_plan(world.partnership, version=3)
    later.approved_at = timezone.make_aware(datetime.datetime(2026, 4, 20))
    later.save()
    assert year_plan(world.partnership, YEAR) == world.plan
    assert year_plan(world.partnership, 2026) == later
