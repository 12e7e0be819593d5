"""Open data files (issue 15): anyone, without signing in, downloads what the public pages
show as RFC 4180 CSV with CSV on the Web metadata, and as JSON, under the licence the
performance team chooses on a page of its own."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from goldenthread.core.charts import NO_RESULT
from goldenthread.core.models import OpenDataLicence, Result, SecurityEvent
from goldenthread.core.models.api import OGL_V3, OGL_V3_URL
from goldenthread.rules import Period
from tests.conftest import make_indicator, make_partnership

COUNCIL = ("open_data_csv", "open_data_csv_metadata", "open_data_json")
PARTNERSHIP = ("public_open_data_csv", "public_open_data_csv_metadata", "public_open_data_json")
TYPES = ["text/csv; charset=utf-8", "application/csvw+json", "application/json"]


@pytest.fixture(autouse=True)
def after_the_year():
    with time_machine.travel(datetime.datetime(2026, 5, 12, 10, 0), tick=False):
        yield


@pytest.fixture
def public(world):
    """Safer Streets with a public page publishing SS01 (2025/26 Q3 is in the open
    return) and, unpublished, SS77; the Other Partnership, without a public page,
    publishing OT01."""
    world.partnership.is_public = True
    world.partnership.save()
    world.indicator.is_published = True
    world.indicator.title = 'Burglaries, "domestic"'
    world.indicator.save()
    make_indicator(world.partnership, "SS77", {"2025/26 Q2": ("5", "7")}, title="Hidden SS77")
    world.other_indicator.is_published = True
    world.other_indicator.save()
    return world


def urls(names, world) -> list[str]:
    return [
        reverse(name, args=[world.partnership.pk] if name.startswith("public_") else [])
        for name in names
    ]


def csv_rows(body: bytes) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(body.decode("utf-8"), newline=""))
    return list(reader.fieldnames), list(reader)


def as_text(value) -> str:
    """A JSON value as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.mark.parametrize("names", [COUNCIL, PARTNERSHIP], ids=["council", "partnership"])
def test_anyone_downloads_the_files_without_signing_in(client, public, names):
    for url, content_type in zip(urls(names, public), TYPES, strict=True):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == content_type
        assert response["Cache-Control"] == "public, max-age=300"
        disposition = response["Content-Disposition"]
        assert disposition.startswith(
            "attachment; filename=" if content_type.startswith("text/csv") else "inline; filename="
        )
        assert disposition.endswith(
            ('.csv"', '.csv-metadata.json"', '.json"')[TYPES.index(content_type)]
        )
        assert "sessionid" not in response.cookies


def test_the_file_names_say_whose_data_it_is(client, public, settings):
    settings.GT_HOME_AREA_CODE = "E08000009"
    council, _, _ = urls(COUNCIL, public)
    mine, metadata, _ = urls(PARTNERSHIP, public)
    assert (
        'filename="e08000009-partnership-performance.csv"'
        in client.get(council)["Content-Disposition"]
    )
    assert (
        'filename="safer-streets-partnership-performance.csv"'
        in client.get(mine)["Content-Disposition"]
    )
    assert client.get(metadata)["Content-Disposition"].endswith(
        'filename="safer-streets-partnership-performance.csv-metadata.json"'
    )


def test_a_partnership_without_a_public_page_has_no_files(client, public):
    for name in PARTNERSHIP:
        assert client.get(reverse(name, args=[public.other.pk])).status_code == 404
        assert client.get(reverse(name, args=[99999])).status_code == 404
    _, rows = csv_rows(client.get(reverse("open_data_csv")).content)
    assert {r["partnership"] for r in rows} == {"Safer Streets Partnership"}


def test_only_signed_off_figures_of_published_indicators_appear(client, public):
    for name in ("open_data_csv", "public_open_data_csv"):
        url = urls([name], public)[0]
        _, rows = csv_rows(client.get(url).content)
        assert [(r["indicator_code"], r["period"]) for r in rows] == [
            ("SS01", "2024/25 Q3"),
            ("SS01", "2025/26 Q2"),
        ]  # not the open return's 2025/26 Q3, not SS77, not the Other Partnership's OT01
        assert "Hidden SS77" not in client.get(url.replace(".csv", ".json")).content.decode()

    public.ret.status = "signed_off"
    public.ret.save()
    _, rows = csv_rows(client.get(reverse("open_data_csv")).content)
    assert rows[-1]["period"] == "2025/26 Q3"
    assert (rows[-1]["period_start"], rows[-1]["period_end"]) == ("2025-10-01", "2025-12-31")


def test_the_csv_is_rfc_4180_and_says_what_the_json_says(client, public):
    Result.objects.filter(indicator=public.indicator, period=Period.parse("2025/26 Q2")).update(
        value=Decimal("80"), commentary='Two officers off sick, "long term",\r\nso fewer visits.'
    )
    body = client.get(reverse("open_data_csv")).content
    assert not body.startswith(b"\xef\xbb\xbf")  # no byte-order mark
    lines = body.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in lines[0]  # every record ends CRLF
    header, rows = csv_rows(body)
    document = json.loads(client.get(reverse("open_data_json")).content)
    assert document["columns"] == header
    assert document["licence"] == {"name": OGL_V3, "url": OGL_V3_URL, "attribution": ""}
    assert len(document["rows"]) == len(rows) == 2
    for from_csv, from_json in zip(rows, document["rows"], strict=True):
        assert list(from_json) == header
        assert from_csv == {name: as_text(value) for name, value in from_json.items()}
    red = document["rows"][1]
    assert (red["value"], red["target"], red["rag"]) == (80, 100, "red")
    assert red["commentary"] == 'Two officers off sick, "long term",\r\nso fewer visits.'
    assert red["partnership_id"] == public.partnership.pk and red["not_available"] is False
    assert rows[0]["indicator_title"] == 'Burglaries, "domestic"'


def test_text_a_spreadsheet_would_run_is_made_plain_in_the_csv_only(client, public):
    Result.objects.filter(indicator=public.indicator, period=Period.parse("2025/26 Q2")).update(
        value=Decimal("80"), commentary='=HYPERLINK("http://evil.example","Click")'
    )
    _, rows = csv_rows(client.get(reverse("open_data_csv")).content)
    assert rows[1]["commentary"] == '\'=HYPERLINK("http://evil.example","Click")'
    document = json.loads(client.get(reverse("open_data_json")).content)
    assert document["rows"][1]["commentary"] == '=HYPERLINK("http://evil.example","Click")'


def test_the_rows_are_the_public_pages_figures(client, public):
    public.ret.status = "signed_off"
    public.ret.save()
    public.indicator.decimals = 1
    public.indicator.save()
    make_indicator(
        public.partnership,
        "SS03",
        {"2025/26 Q1": ("50", "49.96"), "2025/26 Q2": ("50", None), "2025/26 Q3": (None, "51")},
        polarity="lower",
        is_published=True,
    )
    page = client.get(reverse("public_partnership", args=[public.partnership.pk]))
    document = json.loads(client.get(urls(["public_open_data_json"], public)[0]).content)
    by_key = {(r["indicator_code"], r["period"]): r for r in document["rows"]}
    shown = 0
    for indicator in page.context["indicators"]:
        decimals = {"SS01": 1, "SS03": 0}[indicator.code]
        for row in indicator.rows:
            figure = by_key.get((indicator.code, row.period))
            if row.result == NO_RESULT:
                assert figure is None
                continue
            shown += 1
            assert f"{Decimal(str(figure['value'])):,.{decimals}f}" == row.result
            assert figure["rag"] == row.rag
            assert (
                f"{Decimal(str(figure['target'])):,.{decimals}f}"
                if figure["target"] is not None
                else "–"
            ) == row.target
            assert figure["commentary"] == row.commentary
    assert shown == len(document["rows"]) == 5


def test_the_metadata_describes_the_csv(client, public, settings):
    settings.GT_HOME_AREA_CODE = "E06000001"
    for names in (COUNCIL, PARTNERSHIP):
        csv_url, metadata_url, _ = urls(names, public)
        header, rows = csv_rows(client.get(csv_url).content)
        metadata = json.loads(client.get(metadata_url).content)
        assert metadata["@context"] == "http://www.w3.org/ns/csvw"
        assert metadata["url"] == f"http://testserver{csv_url}"
        assert metadata["dc:license"] == OGL_V3_URL
        assert metadata["dc:title"] and metadata["dc:publisher"]
        columns = metadata["tableSchema"]["columns"]
        assert [c["name"] for c in columns] == header
        assert all(c["titles"] and c["datatype"] and c["dc:description"] for c in columns)
        assert metadata["tableSchema"]["primaryKey"] == [
            "partnership_id",
            "indicator_code",
            "period",
        ]
        assert {r["area_code"] for r in rows} == {"E06000001"}


def test_the_csv_is_valid_against_its_metadata(live_server, public):
    """The csvw package reads the metadata and the CSV it points to from a running
    server, as any CSV on the Web reader would, and checks every cell's datatype, the
    required cells and the primary key."""
    from csvw import CSVW

    public.ret.status = "signed_off"
    public.ret.save()
    band = make_indicator(
        public.partnership, "SS02", {"2025/26 Q1": ("10", None)}, polarity="band", is_published=True
    )
    band.targets.update(upper=Decimal("20"))
    Result.objects.create(indicator=band, period=Period.parse("2025/26 Q1"), not_available=True)
    for names in (COUNCIL, PARTNERSHIP):
        metadata_url = live_server.url + urls(names, public)[1]
        data = CSVW(metadata_url, validate=True)
        assert data.is_valid, [str(w.message) for w in data.warnings]
        rows = list(data.tables[0].iterdicts(strict=True))
        assert len(rows) == 4
        # csvw reads an xsd:date as a datetime at midnight
        assert (rows[0]["period"], rows[0]["period_start"].date()) == (
            "2024/25 Q3",
            datetime.date(2024, 10, 1),
        )
        assert rows[-1]["not_available"] is True and rows[-1]["value"] is None
        assert rows[-1]["target_upper"] == Decimal("20")


def test_the_files_take_a_fixed_number_of_queries(client, public, django_assert_num_queries):
    def count(url) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    names = [*COUNCIL, *PARTNERSHIP]
    before = {name: count(urls([name], public)[0]) for name in names}
    for n in range(5):
        other = make_partnership(f"More {n}", public.council, is_public=True)
        for partnership in (other, public.partnership):
            make_indicator(
                partnership,
                f"M{n}",
                {label: ("10", "12") for label in ("2024/25 Q1", "2024/25 Q2", "2024/25 Q3")},
                is_published=True,
            )
    after = {name: count(urls([name], public)[0]) for name in names}
    assert after == before
    assert max(after.values()) <= 6
    _, rows = csv_rows(client.get(reverse("open_data_csv")).content)
    assert len(rows) == 2 + 30


def test_the_public_pages_link_to_the_files_and_state_the_licence(client, public):
    OpenDataLicence.objects.create(
        name="Creative Commons Attribution 4.0",
        url="https://creativecommons.org/licenses/by/4.0/",
        attribution="Contains Test Council data",
    )
    pages = {
        reverse("public_index"): urls(COUNCIL, public),
        reverse("public_partnership", args=[public.partnership.pk]): urls(PARTNERSHIP, public),
    }
    for page_url, files in pages.items():
        page = client.get(page_url).content.decode()
        for file_url in files:
            assert f'href="{file_url}"' in page, (page_url, file_url)
        assert (
            '<a class="govuk-link" href="https://creativecommons.org/licenses/by/4.0/" '
            'rel="license">Creative Commons Attribution 4.0</a>'
        ) in page
        assert "Contains Test Council data" in page


def test_the_public_page_states_ogl_by_default(client, public):
    page = client.get(reverse("public_partnership", args=[public.partnership.pk])).content.decode()
    assert f'href="{OGL_V3_URL}" rel="license">{OGL_V3}</a>' in page


# --- the licence page ----------------------------------------------------------------------

LICENCE = {
    "name": "Creative Commons Attribution 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    "attribution": "Contains Test Council data",
}


def test_the_council_view_links_to_the_licence_page(client, world):
    client.force_login(world.performance)
    page = client.get(reverse("council_view")).content.decode()
    assert f'href="{reverse("open_data_licence")}"' in page


def test_the_performance_team_changes_the_licence_and_the_metadata_follows(client, public):
    client.force_login(public.performance)
    page = client.get(reverse("open_data_licence"))
    assert page.status_code == 200
    assert page.context["form"]["name"].value() == OGL_V3

    response = client.post(reverse("open_data_licence"), LICENCE)
    assert response.status_code == 302
    licence = OpenDataLicence.objects.get()
    assert (licence.name, licence.url, licence.attribution, licence.updated_by) == (
        *LICENCE.values(),
        public.performance,
    )
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LICENCE_CHANGED)
    assert event.actor == public.performance and "Creative Commons" in event.detail

    client.logout()
    for names in (COUNCIL, PARTNERSHIP):
        metadata = json.loads(client.get(urls(names, public)[1]).content)
        assert metadata["dc:license"] == LICENCE["url"]
        assert "Contains Test Council data" in metadata["dc:rights"]
        document = json.loads(client.get(urls(names, public)[2]).content)
        assert document["licence"] == LICENCE


@pytest.mark.parametrize("role", ["lead", "member", "viewer", "outsider"])
def test_nobody_else_changes_the_licence(client, world, role):
    client.force_login(world.person(role))
    assert client.post(reverse("open_data_licence"), LICENCE).status_code == 403
    assert not OpenDataLicence.objects.exists()


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"name": "", "url": "https://example.org/"}, "name", "Enter the licence's name"),
        ({"name": "Mine", "url": ""}, "url", "Enter the licence's web address"),
        (
            {"name": "Mine", "url": "javascript:alert(document.cookie)"},
            "url",
            "Enter the licence's web address, starting https://",
        ),
        (
            {"name": "Mine", "url": "https://example.org/" + "a" * 400},
            "url",
            "Ensure this value has at most 300 characters",
        ),
        ({"name": "x" * 5000, "url": "https://example.org/"}, "name", "at most 200 characters"),
        ({"name": "Nul\x00byte", "url": "https://example.org/"}, "name", "Null characters"),
        ({"name": "Mine", "url": "https://exa\x00mple.org/"}, "url", "Null characters"),
        (
            {"name": "Mine", "url": "https://example.org/", "attribution": "\u202eevil"},
            "attribution",
            "",
        ),
        ({"name": ["a", "b"], "url": "not a url at all"}, "url", "starting https://"),
    ],
)
def test_hostile_input_gets_a_clear_message_not_an_error(client, world, data, field, message):
    client.force_login(world.performance)
    response = client.post(reverse("open_data_licence"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert "There is a problem" in response.content.decode()
    assert not OpenDataLicence.objects.exists()
