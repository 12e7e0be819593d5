"""The public page shows exactly what a partnership chose to publish and nothing else, to
anyone, without signing in; and the lead chooses what that is."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from goldenthread.core.models import (
    AnnualReport,
    Attendee,
    Comment,
    CorrectiveAction,
    Feedback,
    Lesson,
    Milestone,
    ReviewMeeting,
)
from goldenthread.core.services import annual_reports as services
from goldenthread.documents.annual_report import annual_report_files
from goldenthread.rules import Period
from tests.conftest import make_indicator

YEAR = 2025


@pytest.fixture(autouse=True)
def after_the_year():
    with time_machine.travel(datetime.datetime(2026, 5, 12, 10, 0), tick=False):
        yield


@pytest.fixture
def public(world):
    """The Safer Streets Partnership with a public page publishing SS01 and one published
    report, and one of every other kind of thing it records, each with a distinctive text
    that must never reach the public page."""
    world.indicator.title = "Burglaries reported"
    world.indicator.definition = "Domestic burglaries reported to the police."
    world.indicator.is_published = True
    world.indicator.save()
    world.partnership.is_public = True
    world.partnership.save()
    secret_indicator = make_indicator(
        world.partnership,
        "SS77",
        {"2025/26 Q3": ("5", "7")},
        title="Unpublished hidden measure",
        definition="An unpublished definition.",
    )
    world.objective.title = "Secret objective title"
    world.objective.save()
    world.plan.title = "Secret plan title"
    world.plan.save()
    world.action.title = "Secret action title"
    world.action.save()
    # The draft revision (version 2) never reaches the public page; the approved plan does.
    world.draft_plan.title = "Secret draft plan title"
    world.draft_plan.save()
    world.draft_objective.title = "Secret draft objective title"
    world.draft_objective.save()
    Milestone.objects.create(
        action=world.action, title="Secret milestone", due_date=datetime.date(2025, 9, 1)
    )
    world.risk.title = "Secret risk title"
    world.risk.save()
    world.ret.highlights = "Secret return highlight"
    world.ret.exceptions = "Secret return exception"
    # Signed off, so its results (SS01 2025/26 Q3) are confirmed and may be published.
    world.ret.status = "signed_off"
    world.ret.save()
    CorrectiveAction.objects.create(
        ret=world.ret,
        indicator=secret_indicator,
        period=Period.parse("2025/26 Q3"),
        description="Secret corrective action",
    )
    Comment.objects.create(
        partnership=world.partnership,
        indicator=world.indicator,
        author=world.member,
        body="Secret comment on a published indicator",
    )
    Feedback.objects.create(
        partnership=world.partnership, author=world.viewer, body="Secret feedback"
    )
    Lesson.objects.create(
        partnership=world.partnership, title="Secret lesson", what_happened="Secret lesson text"
    )
    meeting = ReviewMeeting.objects.create(
        partnership=world.partnership,
        period=Period.parse("2025/26 Q2"),
        held_on=datetime.date(2025, 11, 3),
        went_well="Secret meeting note",
    )
    Attendee.objects.create(meeting=meeting, name="Jane Resident", kind="customer")
    # One published edition, then a draft correction in progress.
    services.save_commentary(
        partnership=world.partnership, year=YEAR, commentary="Published words.", by=world.lead
    )
    world.report = services.publish_report(
        partnership=world.partnership, year=YEAR, by=world.lead, render=annual_report_files
    )
    services.start_correction(
        partnership=world.partnership, year=YEAR, note="Secret correction note", by=world.lead
    )
    world.draft_report = AnnualReport.objects.get(status="draft")
    services.save_commentary(
        partnership=world.partnership,
        year=YEAR,
        commentary="Secret draft commentary",
        by=world.lead,
    )
    world.secret_indicator = secret_indicator
    return world


def page_for(client, world) -> str:
    response = client.get(reverse("public_partnership", args=[world.partnership.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_anyone_sees_the_published_indicators_and_reports_without_signing_in(client, public):
    page = page_for(client, public)
    assert "Safer Streets Partnership" in page
    assert "Burglaries reported" in page
    assert "Domestic burglaries reported to the police." in page
    # SS01's latest results against their targets, as a table beside the chart.
    assert "2025/26 Q3" in page and ">101<" in page and ">100<" in page
    assert 'role="img"' in page and "style=" not in page and "<style" not in page
    pdf_url = reverse("public_report_pdf", args=[public.partnership.pk, public.report.pk])
    assert pdf_url in page
    assert "Annual performance report 2025/26" in page


def test_the_public_page_leaks_nothing_unpublished(client, public):
    page = page_for(client, public)
    people = [public.lead, public.member, public.other_member, public.viewer, public.performance]
    unpublished = [
        "SS77",
        "Unpublished hidden measure",
        "An unpublished definition.",
        "Secret draft plan title",
        "Secret draft objective title",
        "Secret action title",
        "Secret milestone",
        "Secret risk title",
        "Secret return highlight",
        "Secret return exception",
        "Secret corrective action",
        "Secret comment",
        "Secret feedback",
        "Secret lesson",
        "Secret meeting note",
        "Jane Resident",
        public.improvement.summary,  # the world's open improvement plan for SS01
        public.lesson.title,
        public.meeting.went_well,
        public.feedback.body,
        "Secret correction note",
        "Secret draft commentary",
        "Published words.",  # the report's content is in its PDF, not on the page
        "Test Police",  # an action's lead organisation: actions are not shown
        *[str(p) for p in people],
        "Sign out",
        "My partnerships",
    ]
    for text in unpublished:
        assert text not in page, f"{text!r} is on the public page"
    draft_pdf = reverse("public_report_pdf", args=[public.partnership.pk, public.draft_report.pk])
    assert draft_pdf not in page


def test_the_approved_plan_is_on_the_public_page(client, public):
    """Issue 17: the approved plan on a page, with each objective's lead organisation (its
    owner's: never the person) and its published measures' latest confirmed result."""
    page = page_for(client, public)
    assert "Secret plan title" in page and "O1: Secret objective title" in page
    assert "Test Council" in page  # the objective owner's organisation
    assert "Burglaries reported: 101 in 2025/26 Q3" in page


def test_signed_in_people_see_the_same_public_page(client, public):
    anonymous = page_for(client, public)
    client.force_login(public.lead)
    page = page_for(client, public)
    assert "Sign out" not in page and str(public.lead) not in page
    assert page.replace("\n", "").count("<h3") == anonymous.replace("\n", "").count("<h3")


def test_the_published_pdf_is_the_stored_one(client, public):
    response = client.get(
        reverse("public_report_pdf", args=[public.partnership.pk, public.report.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == public.report.pdf.read()


def test_drafts_and_other_partnerships_reports_are_not_found(client, public):
    assert (
        client.get(
            reverse("public_report_pdf", args=[public.partnership.pk, public.draft_report.pk])
        ).status_code
        == 404
    )
    # The report exists, but under another partnership's address.
    assert (
        client.get(
            reverse("public_report_pdf", args=[public.other.pk, public.report.pk])
        ).status_code
        == 404
    )


def test_a_partnership_without_a_public_page_is_not_found(client, public):
    public.partnership.is_public = False
    public.partnership.save()
    assert (
        client.get(reverse("public_partnership", args=[public.partnership.pk])).status_code == 404
    )
    assert (
        client.get(
            reverse("public_report_pdf", args=[public.partnership.pk, public.report.pk])
        ).status_code
        == 404
    )
    client.force_login(public.lead)  # even for its own lead
    assert (
        client.get(reverse("public_partnership", args=[public.partnership.pk])).status_code == 404
    )
    assert client.get(reverse("public_partnership", args=[public.other.pk])).status_code == 404


def test_the_lead_chooses_what_is_published(client, world):
    other = make_indicator(world.partnership, "SS02", {"2025/26 Q3": ("5", "6")})
    client.force_login(world.lead)
    url = reverse("publishing_settings", args=[world.partnership.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"is_public": "yes", "indicators": [other.pk]})
    assert response.status_code == 302
    world.partnership.refresh_from_db()
    world.indicator.refresh_from_db()
    other.refresh_from_db()
    assert world.partnership.is_public
    assert (world.indicator.is_published, other.is_published) == (False, True)
    assert other.history.first().history_user == world.lead
    page = page_for(client, world)
    assert "Indicator SS02" in page and "Indicator SS01" not in page


def test_only_its_own_indicators_can_be_published(client, world):
    client.force_login(world.lead)
    url = reverse("publishing_settings", args=[world.partnership.pk])
    response = client.post(url, {"is_public": "yes", "indicators": [world.other_indicator.pk]})
    assert response.status_code == 200  # the form refuses a choice it did not offer
    world.other_indicator.refresh_from_db()
    assert not world.other_indicator.is_published


@pytest.mark.parametrize("role", ["member", "viewer", "performance"])
def test_only_a_lead_chooses(client, world, role):
    client.force_login(world.person(role))
    url = reverse("publishing_settings", args=[world.partnership.pk])
    assert client.post(url, {"is_public": "yes"}).status_code == 403
    world.partnership.refresh_from_db()
    assert not world.partnership.is_public


def test_the_public_page_reads_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    world.partnership.is_public = True
    world.partnership.save()
    for n in range(6):
        make_indicator(
            world.partnership, f"P{n}", {"2025/26 Q3": ("5", "6")}, is_published=True
        ).results.update(value=Decimal("6"))
    # The partnership, its reports, the periods not yet signed off, indicators, targets,
    # results, and the success stories with their indicators: eight, however many
    # indicators; and (issue 17) the approved plan on a page (the plan, its objectives and
    # their published indicators; the periods not yet signed off, results and targets when
    # it has any) and the published answers to feedback: at most seven more.
    with django_assert_max_num_queries(15):
        page_for(client, world)
