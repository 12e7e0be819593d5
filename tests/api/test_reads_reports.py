"""Compliance, published annual reports and comparator data through the API."""

from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from goldenthread.core.models import (
    AnnualReport,
    Area,
    ComparatorGroup,
    ComparatorValue,
    Partnership,
)
from goldenthread.rules import Period

from .conftest import problem_of
from .reads import check_bounded


def publish(world, year: int = 2024, edition: int = 1, partnership=None) -> AnnualReport:
    """A published edition, with its stored PDF, as publishing leaves it."""
    report = AnnualReport.objects.create(
        partnership=partnership or world.partnership,
        year=year,
        edition=edition,
        status=AnnualReport.Status.PUBLISHED,
        snapshot={},
        published_by=world.lead,
        published_at=timezone.now(),
    )
    report.pdf.save("report.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    return report


# --- compliance --------------------------------------------------------------------------


def test_compliance_gives_the_five_requirements_with_evidence(world, api_as):
    body = api_as(world.viewer).get(f"/compliance/{world.partnership.pk}/2025").json()
    assert body["partnership"] == "Safer Streets Partnership" and body["year_label"] == "2025/26"
    assert [r["requirement"] for r in body["requirements"]] == [
        "plan",
        "monitoring",
        "system",
        "report",
        "update_form",
    ]
    # The world's plan has no approval date: the tracker says so, and where to look.
    plan = body["requirements"][0]
    assert plan["status"] == "overdue" and plan["label"] == "Written plan"
    assert plan["evidence"][0]["text"]
    assert all(r["reason"] and r["deadline"] for r in body["requirements"])


def test_compliance_list_by_year_partnership_and_status(world, api_as):
    api = api_as(world.performance)
    body = api.get("/compliance/", {"year": 2025}).json()
    assert [r["partnership"] for r in body["items"]] == [
        "Other Partnership",
        "Safer Streets Partnership",
    ]
    one = api.get("/compliance/", {"year": 2025, "partnership": world.other.pk}).json()
    assert [r["partnership_id"] for r in one["items"]] == [world.other.pk]
    statuses = {r["status"] for row in body["items"] for r in row["requirements"]}
    some = sorted(statuses)[0]
    chosen = api.get("/compliance/", {"year": 2025, "status": some}).json()
    assert chosen["count"] >= 1
    assert all(some in {r["status"] for r in row["requirements"]} for row in chosen["items"])
    assert api_as(world.member).get("/compliance/", {"year": 2025}).json()["count"] == 1


def test_another_partnerships_compliance_is_not_found(world, api_as):
    api = api_as(world.outsider)
    assert api.get(f"/compliance/{world.partnership.pk}/2025").status_code == 404
    assert api.get("/compliance/", {"partnership": world.partnership.pk}).status_code == 404
    assert [r["partnership_id"] for r in api.get("/compliance/").json()["items"]] == [
        world.other.pk
    ]
    assert api_as(world.nobody).get("/compliance/").json()["count"] == 0


# --- annual reports ----------------------------------------------------------------------


def test_published_reports_with_their_file_links(world, api_as):
    first = publish(world)
    second = publish(world, edition=2)
    AnnualReport.objects.create(partnership=world.partnership, year=2025)  # a draft: not listed
    api = api_as(world.viewer)
    body = api.get("/annual-reports/").json()
    assert [(r["year"], r["edition"], r["latest"]) for r in body["items"]] == [
        (2024, 2, True),
        (2024, 1, False),
    ]
    one = api.get(f"/annual-reports/{first.pk}").json()
    base = f"http://testserver/partnerships/{world.partnership.pk}/reports/2024/"
    assert one["page_url"] == base + "?edition=1"
    assert one["pdf_url"] == base + "report.pdf?edition=1"
    assert one["docx_url"] == base + "report.docx?edition=1"
    assert one["public_pdf_url"] is None  # the partnership does not publish
    Partnership.objects.filter(pk=world.partnership.pk).update(is_public=True)
    public = api.get(f"/annual-reports/{second.pk}").json()["public_pdf_url"]
    assert public == f"http://testserver/public/{world.partnership.pk}/reports/{second.pk}.pdf"
    latest = api.get("/annual-reports/", {"latest": "true", "year": 2024}).json()
    assert [r["id"] for r in latest["items"]] == [second.pk]


def test_the_public_link_is_the_public_pages_own(world, api_as, client):
    report = publish(world)
    Partnership.objects.filter(pk=world.partnership.pk).update(is_public=True)
    link = api_as(world.viewer).get(f"/annual-reports/{report.pk}").json()["public_pdf_url"]
    response = client.get(link.removeprefix("http://testserver"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_another_partnerships_report_and_drafts_are_not_found(world, api_as):
    report = publish(world)
    draft = AnnualReport.objects.create(partnership=world.partnership, year=2025)
    outsider = api_as(world.outsider)
    response = outsider.get(f"/annual-reports/{report.pk}")
    assert response.status_code == 404
    problem_of(response)
    assert (
        outsider.get("/annual-reports/", {"partnership": world.partnership.pk}).status_code == 404
    )
    assert outsider.get("/annual-reports/").json()["count"] == 0
    assert api_as(world.lead).get(f"/annual-reports/{draft.pk}").status_code == 404


def test_report_reads_do_not_grow_with_rows(world, api_as, django_assert_max_num_queries):
    publish(world)

    def add_rows():
        for year in range(2015, 2024):
            publish(world, year=year)

    body = check_bounded(
        api_as(world.viewer), "/annual-reports/", add_rows, django_assert_max_num_queries
    )
    assert body["count"] == 10


# --- comparators -------------------------------------------------------------------------


def comparators(world):
    group = ComparatorGroup.objects.create(name="Nearest neighbours")
    stockport = Area.objects.create(code="E08000007", name="Stockport")
    bury = Area.objects.create(code="E08000002", name="Bury")
    Area.objects.create(code="E92000001", name="England")
    group.areas.add(stockport, bury)
    for area, value in ((stockport, "97"), (bury, "105")):
        for label in ("2025/26 Q1", "2025/26 Q2"):
            ComparatorValue.objects.create(
                indicator=world.indicator,
                area=area,
                period=Period.parse(label),
                value=Decimal(value),
            )
    ComparatorValue.objects.create(
        indicator=world.other_indicator, area=bury, period=Period.parse("2025/26 Q1"), value=1
    )
    return group, stockport, bury


def test_comparator_areas_groups_and_values(world, api_as):
    group, stockport, _bury = comparators(world)
    api = api_as(world.viewer)
    areas = api.get("/comparators/areas", {"group": group.pk}).json()
    assert [a["name"] for a in areas["items"]] == ["Bury", "Stockport"]
    assert (
        api.get("/comparators/areas", {"code": "E92000001"}).json()["items"][0]["name"] == "England"
    )
    groups = api.get("/comparators/groups").json()
    assert [(g["name"], g["area_count"]) for g in groups["items"]] == [("Nearest neighbours", 2)]
    one = api.get(f"/comparators/groups/{group.pk}").json()
    assert [a["code"] for a in one["areas"]] == ["E08000002", "E08000007"]
    values = api.get(
        "/comparators/values", {"indicator": world.indicator.pk, "from": "2025/26 Q2"}
    ).json()
    assert [(v["area_code"], v["period"], Decimal(v["value"])) for v in values["items"]] == [
        ("E08000002", "2025/26 Q2", Decimal("105")),
        ("E08000007", "2025/26 Q2", Decimal("97")),
    ]
    assert api.get("/comparators/values", {"area": stockport.pk}).json()["count"] == 2


def test_comparator_groups_are_shared_but_values_are_not(world, api_as):
    group, _, _ = comparators(world)
    api = api_as(world.outsider)
    assert api.get(f"/comparators/groups/{group.pk}").status_code == 200
    own = api.get("/comparators/values").json()
    assert [v["indicator_id"] for v in own["items"]] == [world.other_indicator.pk]
    assert api.get("/comparators/values", {"indicator": world.indicator.pk}).status_code == 404
    assert api.get("/comparators/groups/999999").status_code == 404


def test_comparator_values_do_not_grow_with_rows(world, api_as, django_assert_max_num_queries):
    comparators(world)

    def add_rows():
        for n in range(20):
            area = Area.objects.create(code=f"E0600{n:04d}", name=f"Area {n}")
            ComparatorValue.objects.create(
                indicator=world.indicator, area=area, period=Period.parse("2025/26 Q3"), value=n
            )

    body = check_bounded(
        api_as(world.viewer), "/comparators/values", add_rows, django_assert_max_num_queries
    )
    assert body["count"] == 24
