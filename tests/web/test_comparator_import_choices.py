"""The comparator mapping page's choices for real files (issue 16): which rows of a
breakdown column to import, figures for several periods stored against the last period
they cover, "import the rows we understand, and list the others", columns guessed from what
they hold and remembered for the next file with the same headings, and the rule for decimal
places stated. The files: tests/documents/data/comparators/README.md."""

import csv
from decimal import Decimal
from pathlib import Path

from django.urls import reverse

from goldenthread.core.models import ComparatorLayout, ComparatorValue
from goldenthread.core.models.fields import DECIMALS_RULE
from goldenthread.documents import comparators
from goldenthread.documents.comparators import SourcePair
from goldenthread.rules import Period
from goldenthread.web.views.comparator_imports import (
    SPANS_LABEL,
    UNREAD_LABEL,
    pair_field_name,
)
from tests.conftest import HOME, make_indicator

HERE = Path(__file__).resolve().parents[1] / "documents" / "data" / "comparators"
LIFE = HERE / "life_expectancy.csv"
MORTALITY = HERE / "mortality_rate.csv"
LIFE_PAIR = SourcePair("Life expectancy at birth", "Life expectancy", 0)
MORTALITY_PAIR = SourcePair(
    "Under 75 mortality rate from causes considered preventable (per 100,000 population)",
    "Age-standardised rate",
    0,
)
BURY = "E08000002"


def upload(client, path: Path) -> str:
    with path.open("rb") as handle:
        response = client.post(reverse("comparator_upload"), {"file": handle})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response.url


def upload_text(client, text: str, name: str = "figures.csv") -> str:
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    response = client.post(reverse("comparator_upload"), {"file": file})
    assert response.status_code == 302
    return response.url


def columns_of(path: Path) -> dict[str, str]:
    table = comparators.read_table(path.read_bytes(), path.name)
    guess = comparators.guess_columns(table.headings, table.rows)
    return {key: "" if column is None else str(column) for key, column in guess.items()}


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


INEQUALITY = "breakdown_9"  # the tenth column of the life expectancy file
UNIT = "breakdown_6"  # the seventh of the mortality file


def test_a_file_by_sex_without_an_all_persons_row_asks_which_to_import(client, world):
    client.force_login(world.performance)
    indicator = make_indicator(world.partnership, "LE", frequency="annual", unit="years")
    map_url = upload(client, LIFE)
    page = client.get(map_url).content.decode()
    assert "Which rows of the column “inequality” to import" in page
    assert "Male (153 rows)" in page and "Female (153 rows)" in page
    assert SPANS_LABEL in page and UNREAD_LABEL in page
    assert "“2015 - 17”, is stored against its last year" in page
    assert DECIMALS_RULE in page

    data = {
        **columns_of(LIFE),
        pair_field_name(LIFE_PAIR): str(indicator.pk),
        "shown_breakdowns": INEQUALITY,  # and no Male or Female chosen
        "spans": "on",
        "action": "import",
    }
    response = client.post(map_url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Match the file" in page
    message = (
        "Choose which rows of “inequality” to import: the file has a figure for each of Male, "
        "Female"
    )
    assert message in page
    assert f'href="#id_{INEQUALITY}_0"' in page  # the summary links to the choice
    assert not ComparatorValue.objects.exists()

    response = client.post(map_url, {**data, INEQUALITY: "1"}, follow=True)  # Female
    assert response.redirect_chain[-1][0] == reverse("benchmarking_home")
    female = [r for r in rows_of(LIFE) if r["inequality"] == "Female"]
    wanted = [r for r in female if r["area_code"] != HOME and r["value"] != "NA"]
    assert ComparatorValue.objects.filter(indicator=indicator).count() == len(wanted)
    bury = next(r for r in female if r["area_code"] == BURY and r["period"] == "2016 - 18")
    assert ComparatorValue.objects.get(
        indicator=indicator, area__code=BURY, period=Period.parse("2018/19")
    ).value == Decimal(bury["value"])
    message = str(next(iter(response.context["messages"])))
    assert f"{len(wanted)} figures for several periods stored against the last period" in message
    assert "of breakdowns not chosen" in message

    # The next file with these headings opens with the columns and the sex chosen.
    layout = ComparatorLayout.objects.get()
    assert layout.mapping["breakdowns"] == {"inequality": "Female"}
    response = client.get(upload(client, LIFE))
    assert "As chosen when a file with these headings was last imported" in (
        response.content.decode()
    )
    assert response.context["options_form"].initial[INEQUALITY] == "1"


def test_without_the_span_rule_rolling_years_are_problems(client, world):
    client.force_login(world.performance)
    indicator = make_indicator(world.partnership, "LE", frequency="annual")
    map_url = upload(client, LIFE)
    data = {
        **columns_of(LIFE),
        pair_field_name(LIFE_PAIR): str(indicator.pk),
        "shown_breakdowns": INEQUALITY,
        INEQUALITY: "0",
        "action": "import",
    }
    page = client.post(map_url, data).content.decode()
    assert "“2015 - 17” is one figure for several periods" in page
    assert not ComparatorValue.objects.exists()


def test_a_file_with_persons_imports_persons_by_default(client, world):
    client.force_login(world.performance)
    indicator = make_indicator(world.partnership, "MR", frequency="annual")
    map_url = upload(client, MORTALITY)
    response = client.get(map_url)
    assert "Which rows of the column “unit” to import" in response.content.decode()
    assert response.context["options_form"].initial[UNIT] == "2"  # Persons
    # The person imports without looking at the rows: Persons is kept, no clashes.
    data = {
        **columns_of(MORTALITY),
        pair_field_name(MORTALITY_PAIR): str(indicator.pk),
        "shown_breakdowns": UNIT,
        UNIT: "2",
        "action": "import",
    }
    response = client.post(map_url, data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("benchmarking_home")
    persons = [r for r in rows_of(MORTALITY) if r["unit"] == "Persons"]
    wanted = [r for r in persons if r["area_code"] != HOME and r["value"] != "NA"]
    assert ComparatorValue.objects.filter(indicator=indicator).count() == len(wanted)


def test_choices_that_appear_with_new_columns_are_shown_before_importing(client, world):
    client.force_login(world.performance)
    indicator = make_indicator(world.partnership, "MR", frequency="annual")
    map_url = upload(client, MORTALITY)
    data = {
        **columns_of(MORTALITY),
        pair_field_name(MORTALITY_PAIR): str(indicator.pk),
        "action": "import",
    }  # posted from a page that had no breakdown choice
    page = client.post(map_url, data).content.decode()
    assert "check which rows to import, then import again" in page
    assert not ComparatorValue.objects.exists()


SYNTHETIC = (  # synthetic: made up for the test, not published figures
    "Code,Geography,Place,When,Indicator,Value\n"
    "101,E08000002,Bury,2019/20,Rate,10.5\n"  # row 2
    "102,E08000007,Stockport,last year,Rate,7\n"  # 3: a period we cannot read
    "103,E06000007,Warrington,2019/20,Rate,3.12345678\n"  # 4: more places than kept
)
SYNTHETIC_PAIR = SourcePair("Rate", "", 0)


def test_the_rows_we_understand_are_imported_and_the_others_listed(client, world):
    client.force_login(world.performance)
    indicator = make_indicator(world.partnership, "AN", frequency="annual", unit="%")
    map_url = upload_text(client, SYNTHETIC)
    page = client.get(map_url)
    columns = page.context["columns_form"].initial
    # Found by what they hold: the ONS codes under "Geography". (A third of "When" does not
    # read as periods, too few to guess it: the person chooses it.)
    assert (columns["area_code"], columns["period"]) == ("1", "")
    data = {
        "area_code": "1",
        "area_name": "2",
        "period": "3",
        "indicator": "4",
        "measure": "",
        "value": "5",
        pair_field_name(SYNTHETIC_PAIR): str(indicator.pk),
        "action": "import",
    }
    page = client.post(map_url, data).content.decode()
    assert "The file has 1 problem" in page
    assert not ComparatorValue.objects.exists()

    response = client.post(map_url, {**data, "skip_unreadable": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("comparator_imported")
    page = response.content.decode()
    assert "Imported 2 figures for AN: 2 new" in page
    assert "1 figure with more than 6 decimal places rounded half up to 6" in page
    assert "1 that could not be read, listed below" in page
    cells = [c.strip() for c in page.split('<td class="govuk-table__cell')[1:4]]
    assert cells[0].endswith(">3</td>") and cells[1].endswith(">When</td>")
    assert "“last year” is not a period we understand" in cells[2]
    assert sorted(
        ComparatorValue.objects.filter(indicator=indicator).values_list("area__code", "value")
    ) == [("E06000007", Decimal("3.123457")), ("E08000002", Decimal("10.5"))]
    # The page stays for a reload; the next import replaces it.
    assert client.get(reverse("comparator_imported")).status_code == 200


def test_the_imported_page_is_for_importers_only(client, world):
    client.force_login(world.viewer)
    assert client.get(reverse("comparator_imported")).status_code == 403
    client.force_login(world.performance)
    response = client.get(reverse("comparator_imported"))
    assert response.status_code == 200
    assert 'id="nothing-imported"' in response.content.decode()
