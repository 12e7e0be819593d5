"""The pages that make indicators, with their history, and comparator groups from a
published data file (issue 16): a real Trafford Data Lab file (children_offending.csv, in the
demo's data folder with its attribution), bad input answered next to its box or row with
nothing written, and who may open them (also walked by tests/web/test_access.py). The
services without HTTP: tests/core/test_comparator_files.py."""

import io
from decimal import Decimal

from django.urls import reverse

from goldenthread.core.models import (
    ComparatorGroup,
    ComparatorMapping,
    ComparatorValue,
    Indicator,
    Result,
)
from goldenthread.documents import comparators
from goldenthread.documents.comparators import SourcePair
from goldenthread.rules import parse_published_period
from goldenthread.web.views.comparator_files import pair_prefix
from tests.conftest import DATA, HOME, cell_texts, published_rows

OFFENDING = DATA / "children" / "children_offending.csv"
NAME = "Children cautioned or sentenced"
COUNT = SourcePair(NAME, "Count", 0)
RATE = SourcePair(NAME, "Per 10,000 aged 10-17", 0)


def upload(client, plan, path=OFFENDING, name=None):
    url = reverse("indicators_from_file", args=[plan.pk])
    if isinstance(path, bytes):
        file = io.BytesIO(path)
        file.name = name or "figures.csv"
        return client.post(url, {"file": file})
    with path.open("rb") as handle:
        return client.post(url, {"file": handle, "source": ""})


def columns(data: bytes) -> dict[str, str]:
    table = comparators.read_table(data)
    guess = comparators.guess_columns(table.headings, table.rows)
    return {key: "" if column is None else str(column) for key, column in guess.items()}


def chosen(pair: SourcePair, **fields) -> dict[str, str]:
    boxes = {
        "create": "on",
        "code": "CF01",
        "title": str(pair),
        "unit": "count",
        "polarity": "lower",
        "decimals": "0",
        "frequency": "annual",
        **fields,
    }
    return {f"{pair_prefix(pair)}-{name}": value for name, value in boxes.items()}


def written() -> dict:
    return {
        "indicators": Indicator.objects.count(),
        "results": Result.objects.count(),
        "values": ComparatorValue.objects.count(),
        "mappings": ComparatorMapping.objects.count(),
    }


def test_the_lead_creates_two_indicators_with_their_history_from_a_real_file(client, world):
    client.force_login(world.lead)
    response = upload(client, world.draft_plan)
    assert response.status_code == 302
    choose = response.url
    page = client.get(choose)
    text = page.content.decode()
    assert "Choose the indicators to create" in text
    # The boxes start with what the file says: the published name, the unit, the frequency.
    assert f'value="{NAME} (Count)"' in text
    assert page.context["pair_forms"][0].initial["frequency"] == "annual"
    assert page.context["pair_forms"][1].initial["unit"] == "per 10,000 aged 10-17"

    data = {
        **columns(OFFENDING.read_bytes()),
        **chosen(COUNT),
        **chosen(RATE, code="CF02", unit="rate per 10,000"),
        "objective": str(world.draft_objective.pk),
        "action": "create",
    }
    response = client.post(choose, data)
    assert response.status_code == 302, response.context["summary"]
    assert response.url == world.draft_plan.get_absolute_url()

    rows = published_rows(OFFENDING)
    for code, pair in (("CF01", COUNT), ("CF02", RATE)):
        indicator = Indicator.objects.get(partnership=world.partnership, code=code)
        assert world.draft_objective.indicators.filter(pk=indicator.pk).exists()
        mine = [r for r in rows if r["measure"] == pair.measure and r["value"] != "NA"]
        ours = {
            parse_published_period(r["period"]): Decimal(r["value"])
            for r in mine
            if r["area_code"] == HOME
        }
        others = {
            (r["area_code"], parse_published_period(r["period"])): Decimal(r["value"])
            for r in mine
            if r["area_code"] != HOME
        }
        assert {r.period: r.value for r in indicator.results.all()} == ours
        assert len(ours) == 11
        reasons = set(
            Result.history.filter(indicator_id=indicator.pk).values_list(
                "history_change_reason", flat=True
            )
        )
        assert reasons == {"Imported from children_offending.csv"}
        values = ComparatorValue.objects.filter(indicator=indicator).select_related("area")
        assert {(v.area.code, v.period): v.value for v in values} == others
        assert ComparatorMapping.objects.filter(
            indicator=indicator, source_indicator=NAME, source_measure=pair.measure
        ).exists()
    # The upload is gone once used.
    assert "No file to use" in client.get(choose).content.decode()


def test_a_bad_choice_is_explained_next_to_its_box_and_nothing_is_written(client, world):
    client.force_login(world.lead)
    choose = upload(client, world.draft_plan).url
    before = written()
    data = {**columns(OFFENDING.read_bytes()), "action": "create"}

    response = client.post(choose, data)
    assert "Choose at least one published indicator to create" in response.content.decode()

    response = client.post(choose, {**data, **chosen(COUNT, title="", polarity="")})
    form = response.context["pair_forms"][0]
    assert form.errors == {
        "title": ["Enter the indicator's title"],
        "polarity": ["Choose which way is better"],
    }
    assert f"{NAME} (Count): Enter the indicator" in response.content.decode()

    # A code the partnership has already: the service's refusal, next to the code.
    response = client.post(choose, {**data, **chosen(COUNT, code="SS01")})
    assert response.context["pair_forms"][0].errors == {
        "code": ["Safer Streets Partnership already has an indicator SS01."]
    }
    # The periods are years: not readable as months.
    response = client.post(choose, {**data, **chosen(COUNT, frequency="monthly")})
    assert response.status_code == 200
    assert len(response.context["problems"]) == 121  # every row of the measure, England's too
    assert "nothing has been created" in response.content.decode()
    assert written() == before


def test_files_that_cannot_be_read_are_refused_at_upload(client, world):
    client.force_login(world.lead)
    response = upload(client, world.draft_plan, b"")
    assert response.status_code == 200
    assert "Select a CSV or Excel file" in response.content.decode() or (
        "The selected file is empty" in response.content.decode()
    )
    response = upload(client, world.draft_plan, b"area_code,value\n")
    assert "The file has headings but no rows of data." in response.content.decode()


def test_another_sessions_upload_cannot_be_used(client, world):
    client.force_login(world.lead)
    choose = upload(client, world.draft_plan).url
    client.force_login(world.performance)
    client.logout()
    client.force_login(world.lead)  # a new session
    assert "No file to use" in client.get(choose).content.decode()


def test_only_the_leads_reach_the_indicator_pages_and_a_draft_is_needed(client, world):
    for who in ("member", "performance", "viewer"):
        client.force_login(world.person(who))
        url = reverse("indicators_from_file", args=[world.draft_plan.pk])
        assert client.get(url).status_code == 403
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.lead)
    response = client.get(reverse("indicators_from_file", args=[world.plan.pk]))
    assert response.status_code == 409  # the approved version does not change


# --- groups -------------------------------------------------------------------------------------


def group_upload(client, data: bytes | None = None):
    file = io.BytesIO(data if data is not None else OFFENDING.read_bytes())
    file.name = "children_offending.csv"
    return client.post(reverse("group_from_file"), {"file": file})


def test_the_performance_team_makes_a_group_of_every_area_of_a_type(client, world):
    client.force_login(world.performance)
    response = group_upload(client)
    assert response.status_code == 302
    choose = response.url
    page = client.get(choose).content.decode()
    assert "Metropolitan districts, coded E08 (3)" in page
    assert "Every area in this file (10), without England and the regions" in page
    assert "Area type “UA” in the file (10)" in page

    response = client.post(choose, {"areas": "code:E08", "name": "Metropolitan districts"})
    assert response.status_code == 302
    group = ComparatorGroup.objects.get(name="Metropolitan districts")
    codes = {r["area_code"] for r in published_rows(OFFENDING) if r["area_code"][:3] == "E08"}
    assert set(group.areas.values_list("code", flat=True)) == codes
    assert HOME in codes


def test_a_group_needs_a_name_and_a_choice(client, world):
    client.force_login(world.performance)
    choose = group_upload(client).url
    response = client.post(choose, {})
    assert response.context["form"].errors == {
        "areas": ["Choose which areas of the file make the group"],
        "name": ["Enter a name for the group"],
    }
    response = client.post(choose, {"areas": "code:W06", "name": "Welsh"})
    assert "Choose which areas of the file make the group" in response.content.decode()
    assert not ComparatorGroup.objects.exists()


def test_a_file_without_area_codes_makes_no_group(client, world):
    client.force_login(world.performance)
    choose = group_upload(client, b"place,value\nTrafford,1\n").url
    response = client.post(choose, {"areas": "all", "name": "Nowhere"})
    assert "The file has no column of area codes" in response.content.decode()
    assert not ComparatorGroup.objects.exists()


def test_only_the_performance_team_makes_groups_from_a_file(client, world):
    for who in ("lead", "member"):
        client.force_login(world.person(who))
        assert client.get(reverse("group_from_file")).status_code == 403
        assert group_upload(client).status_code == 403
    assert not ComparatorGroup.objects.exists()


# Made up for the test (not published figures): a three-year rolling figure and a bad row.
ROLLING = (
    b"area_code,area_name,period,indicator,measure,value\n"
    b"E08000009,Trafford,2014 - 16,Life expectancy at birth,Years,83.1\n"
    b"E08000002,Bury,2014 - 16,Life expectancy at birth,Years,81.0\n"
    b"E08000009,Trafford,2015 - 17,Life expectancy at birth,Years,83.4\n"
    b"E08000002,Bury,2015 - 17,Life expectancy at birth,Years,many\n"
)
YEARS = SourcePair("Life expectancy at birth", "Years", 0)


def test_rolling_years_and_unreadable_rows_are_the_persons_choice(client, world):
    client.force_login(world.lead)
    choose = upload(client, world.draft_plan, ROLLING, "life.csv").url
    data = {
        **columns(ROLLING),
        **chosen(YEARS, title="Life expectancy", unit="years", polarity="higher", decimals="1"),
        "action": "create",
    }
    before = written()
    response = client.post(choose, data)
    messages = [p.message for p in response.context["problems"]]
    assert len(messages) == 5 and "“many” is not a number" in messages  # the row: both
    assert written() == before

    response = client.post(choose, {**data, "spans": "on"})
    assert [p.message for p in response.context["problems"]] == ["“many” is not a number"]
    assert written() == before

    response = client.post(choose, {**data, "spans": "on", "skip_unreadable": "on"})
    created = reverse("indicators_from_file_created", args=[world.draft_plan.pk])
    assert response.status_code == 302 and response.url == created
    # The rows left out are listed with their row numbers and reasons, not only counted.
    page = client.get(created).content.decode()
    assert "1 row that could not be read left out" in page
    assert ["5", "value", "“many” is not a number"] in [
        cells[i : i + 3] for cells in [cell_texts(page)] for i in range(len(cells) - 2)
    ]
    indicator = Indicator.objects.get(partnership=world.partnership, code="CF01")
    # Each span's figure is stored against its last year: 2016 is 2016/17.
    assert {r.period.label: r.value for r in indicator.results.all()} == {
        "2016/17": Decimal("83.1"),
        "2017/18": Decimal("83.4"),
    }
    (bury,) = ComparatorValue.objects.filter(indicator=indicator)
    assert (bury.area.code, bury.period.label, bury.value) == ("E08000002", "2016/17", 81)
