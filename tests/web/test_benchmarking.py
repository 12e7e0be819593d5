"""Benchmarking pages: importing comparator data (upload → map → import), comparator
groups, an indicator against its group (checked against figures worked out here from a
real published file), who may do what, and query counts. The read without HTTP:
tests/core/test_benchmarking.py; the demo's figures: tests/demo/test_benchmarking.py."""

import io
import statistics
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goldenthread.core.models import (
    Area,
    ComparatorGroup,
    ComparatorMapping,
    ComparatorValue,
    Indicator,
    Result,
)
from goldenthread.core.services.benchmarking import (
    ComparatorInput,
    import_comparator_group,
    import_comparator_values,
)
from goldenthread.documents import comparators
from goldenthread.documents.comparators import SourcePair
from goldenthread.rules import Period, parse_published_period
from goldenthread.web.views.comparator_imports import pair_field_name
from tests.conftest import DATA, EMPLOYMENT, HOME, make_indicator, published_rows

EMPLOYMENT_PAIR = SourcePair("Employment rate - aged 16-64", "Percentage", 0)
TENTH = Decimal("0.1")


def half_up(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def upload(client, path: Path, source: str = ""):
    with path.open("rb") as handle:
        return client.post(reverse("comparator_upload"), {"file": handle, "source": source})


def upload_bytes(client, data: bytes, name: str = "figures.csv"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("comparator_upload"), {"file": file})


def guessed_columns(path: Path) -> dict[str, str]:
    table = comparators.read_table(path.read_bytes(), path.name)
    guess = comparators.guess_columns(table.headings)
    return {key: "" if column is None else str(column) for key, column in guess.items()}


def import_employment(client, indicator: Indicator):
    """Upload the real employment rate file and map it to ``indicator``."""
    response = upload(client, EMPLOYMENT, source="ONS APS via Trafford Data Lab")
    assert response.status_code == 302, response.content.decode()[:2000]
    map_url = response.url
    data = {
        **guessed_columns(EMPLOYMENT),
        pair_field_name(EMPLOYMENT_PAIR): str(indicator.pk),
        "action": "import",
    }
    return map_url, client.post(map_url, data)


# --- the benchmarking home page -----------------------------------------------------------


def test_it_lists_groups_and_the_imports_a_person_may_see(client, world):
    group = import_comparator_group(
        name="Neighbours", areas=[("E08000002", "Bury")], by=world.performance
    )[0]
    for indicator in (world.indicator, world.other_indicator):
        import_comparator_values(
            values=[ComparatorInput(indicator, "E08000002", "Bury", Period.parse("2025/26 Q1"), 1)],
            by=world.performance,
            source=f"{indicator.code} file",
        )
    client.force_login(world.viewer)
    response = client.get(reverse("benchmarking_home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert group.name in page
    assert "SS01 file" in page
    assert "OT01" not in page  # another partnership's indicator
    assert "Import comparator data" not in page
    client.force_login(world.performance)
    page = client.get(reverse("benchmarking_home")).content.decode()
    assert "OT01 file" in page
    assert "Import comparator data" in page and "Import a comparator group" in page
    client.force_login(world.lead)
    page = client.get(reverse("benchmarking_home")).content.decode()
    assert "Import comparator data" in page and "Import a comparator group" not in page


# --- upload, map, import --------------------------------------------------------------------


def test_the_lead_imports_a_real_file_through_upload_map_and_import(client, world, tmp_path):
    kept = tmp_path / "media" / comparators.UPLOAD_FOLDER  # in the file storage (media_in_tmp)
    client.force_login(world.lead)
    response = upload(client, EMPLOYMENT, source="ONS APS")
    assert response.status_code == 302
    map_url = response.url
    token = map_url.split("upload=")[1]
    assert (kept / token).exists()

    page = client.get(map_url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Employment rate - aged 16-64 (Percentage)" in content
    assert "238 rows in the file" in content
    # The lead is offered their own partnership's indicators only.
    assert "SS01 Indicator SS01" in content and "OT01" not in content

    data = {
        **guessed_columns(EMPLOYMENT),
        pair_field_name(EMPLOYMENT_PAIR): str(world.indicator.pk),
        "action": "import",
    }
    response = client.post(map_url, data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("benchmarking_home")
    # 238 rows: 14 for Trafford itself, none NA; the rest are other areas' figures.
    trafford = sum(1 for row in published_rows(EMPLOYMENT) if row["area_code"] == HOME)
    imported = ComparatorValue.objects.filter(indicator=world.indicator)
    assert imported.count() == 238 - trafford
    assert not imported.filter(area__code=HOME).exists()
    assert set(imported.values_list("source", flat=True)) == {"ONS APS"}
    assert set(imported.values_list("imported_by", flat=True)) == {world.lead.pk}
    message = str(next(iter(response.context["messages"])))
    assert message.startswith(f"Imported {238 - trafford} figures for SS01: {238 - trafford} new")
    assert f"{trafford} for our own area" in message
    # The file and the session's note of it are gone; the mapping is remembered.
    assert not (kept / token).exists()
    assert token not in client.session.get("comparator_uploads", {})
    assert client.get(map_url).templates[0].name == "web/benchmarking/map_missing.html"
    assert ComparatorMapping.objects.filter(
        source_indicator=EMPLOYMENT_PAIR.indicator,
        source_measure="Percentage",
        indicator=world.indicator,
    ).exists()

    # Again: nothing new, nothing doubled; the remembered mapping is chosen already.
    response = upload(client, EMPLOYMENT)
    page = client.get(response.url)
    field = page.context["indicators_form"][pair_field_name(EMPLOYMENT_PAIR)]
    assert field.value() == str(world.indicator.pk)
    response = client.post(response.url, data, follow=True)
    again = f"0 new, 0 changed and {238 - trafford} unchanged"
    assert again in str(next(iter(response.context["messages"])))
    assert imported.count() == 238 - trafford


def test_a_bad_row_imports_nothing_and_every_problem_is_listed(client, world):
    client.force_login(world.performance)
    data = (
        b"area_code,area_name,period,indicator,measure,value\n"
        b"E08000002,Bury,2025/26 Q1,Rate,Percentage,10\n"
        b"E08000007,Stockport,2018-20,Rate,Percentage,11\n"
        b"E08000029,Solihull,2025/26 Q1,Rate,Percentage,NA\n"
        b"E06000007,Warrington,2025/26 Q1,Rate,Percentage,lots\n"
    )
    map_url = upload_bytes(client, data).url
    pair = SourcePair("Rate", "Percentage", 0)
    response = client.post(
        map_url,
        {
            "area_code": "0",
            "area_name": "1",
            "period": "2",
            "indicator": "3",
            "measure": "4",
            "value": "5",
            pair_field_name(pair): str(world.indicator.pk),
            "action": "import",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Match the file" in page
    assert "The file has 2 problems" in page
    assert "“2018-20” is one figure for several periods" in page
    assert "“lots” is not a number" in page
    assert not ComparatorValue.objects.exists()
    assert not Area.objects.exists()
    # The file is kept, to try again with other choices.
    assert client.get(map_url).status_code == 200


def test_the_mapping_page_checks_its_choices(client, world):
    client.force_login(world.performance)
    map_url = upload(client, EMPLOYMENT).url
    columns = guessed_columns(EMPLOYMENT)
    field = pair_field_name(EMPLOYMENT_PAIR)

    # The same column twice. The published indicators are still listed (they depend on the
    # indicator and measure columns only), so correcting the value column imports at once.
    response = client.post(map_url, {**columns, "value": columns["period"], "action": "import"})
    assert "The value cannot be in the same column as the period" in response.content.decode()
    assert field in response.context["indicators_form"].fields

    # A required column left out.
    response = client.post(map_url, {**columns, "area_code": "", "action": "import"})
    assert "Choose the column that holds the area code" in response.content.decode()

    # Nothing chosen to import into.
    response = client.post(map_url, {**columns, field: "", "action": "import"})
    assert "for at least one of the published indicators" in response.content.decode()

    # A choice that is not one of the person's indicators.
    client.force_login(world.lead)
    map_url = upload(client, EMPLOYMENT).url
    response = client.post(
        map_url, {**columns, field: str(world.other_indicator.pk), "action": "import"}
    )
    assert "Choose one of your indicators from the list" in response.content.decode()

    # Columns changed so that new published indicators appear: check them before importing.
    response = client.post(
        map_url, {**columns, "measure": "", field: str(world.indicator.pk), "action": "import"}
    )
    assert "changed with the columns you chose" in response.content.decode()
    assert not ComparatorValue.objects.exists()

    # "Update the list of indicators" only redraws the page.
    response = client.post(map_url, {**columns, "action": "refresh"})
    assert response.status_code == 200 and b"Error:" not in response.content


def test_files_that_cannot_be_read_are_refused_at_upload(client, world):
    client.force_login(world.performance)
    response = upload_bytes(client, b"\x89PNG\r\n\x1a\n\x00\x00", "photo.png")
    assert response.status_code == 200
    assert "not a spreadsheet" in response.content.decode()
    response = client.post(reverse("comparator_upload"), {})
    assert "Select a CSV or Excel file" in response.content.decode()
    assert "<title>Error: Import comparator data" in response.content.decode()


def test_a_file_over_five_megabytes_is_refused_unread(client, world):
    client.force_login(world.performance)
    response = upload_bytes(client, b"a" * (5 * 1024 * 1024 + 10))
    assert response.status_code == 200
    assert "larger than 5 MB" in response.content.decode()


def test_another_persons_upload_cannot_be_opened(client, world):
    client.force_login(world.performance)
    map_url = upload(client, EMPLOYMENT).url
    client.force_login(world.lead)  # a new session
    response = client.get(map_url)
    assert response.templates[0].name == "web/benchmarking/map_missing.html"
    assert "nothing to match" in response.content.decode()
    response = client.post(map_url, {"action": "import"})
    assert response.templates[0].name == "web/benchmarking/map_missing.html"


def test_only_importers_reach_the_import_pages(client, world):
    for person in (world.member, world.viewer, world.outsider, world.nobody):
        client.force_login(person)
        assert client.get(reverse("comparator_upload")).status_code == 403
        assert client.get(reverse("comparator_map")).status_code == 403
        assert client.post(reverse("comparator_upload"), {}).status_code == 403
        assert client.get(reverse("group_upload")).status_code == 403
    client.force_login(world.lead)
    assert client.get(reverse("group_upload")).status_code == 403


# --- comparator groups ---------------------------------------------------------------------


def test_the_performance_team_imports_a_group(client, world):
    client.force_login(world.performance)
    with (DATA / "cipfa2021.csv").open("rb") as handle:
        response = client.post(
            reverse("group_upload"),
            {"name": "CIPFA nearest neighbours 2021", "description": "CIPFA", "file": handle},
            follow=True,
        )
    group = ComparatorGroup.objects.get()
    assert (group.name, group.description, group.areas.count()) == (
        "CIPFA nearest neighbours 2021",
        "CIPFA",
        15,
    )
    assert group.areas.get(code="E08000002").name == "Bury"
    assert "Comparator group “CIPFA nearest neighbours 2021” added: 15 areas" in str(
        next(iter(response.context["messages"]))
    )

    bad = io.BytesIO(b"area_code,area_name\nE08000002,Bury\nTRF2,A56\n")
    bad.name = "bad.csv"
    response = client.post(reverse("group_upload"), {"name": "Bad", "file": bad})
    page = response.content.decode()
    assert "The file has 1 problem" in page and "“TRF2” is not an area code" in page
    assert ComparatorGroup.objects.count() == 1


# --- an indicator against its group --------------------------------------------------------


def test_the_benchmark_matches_figures_worked_out_from_the_real_file(client, world, employment):
    indicator, group = employment
    client.force_login(world.performance)
    _url, response = import_employment(client, indicator)
    assert response.status_code == 302

    # Worked out here, straight from the file: the CIPFA areas' figures per period.
    cipfa = {
        code for code, _name in comparators.read_group((DATA / "cipfa2021.csv").read_bytes())[0]
    }
    ours: dict[Period, Decimal] = {}
    others: dict[Period, list[Decimal]] = {}
    for row in published_rows(EMPLOYMENT):
        period = parse_published_period(row["period"], "quarterly")
        if row["area_code"] == HOME:
            ours[period] = Decimal(row["value"])
        elif row["area_code"] in cipfa and row["value"] != "NA":
            others.setdefault(period, []).append(Decimal(row["value"]))

    response = client.get(reverse("indicator_benchmark", args=[indicator.pk]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.period for r in rows] == sorted(others)
    for row in rows:
        theirs, mine = others[row.period], ours[row.period]
        result = row.result
        assert result.group.median == statistics.median(theirs)
        assert result.group.count == len(theirs) == row.reporting
        everyone = sorted([*theirs, mine], reverse=True)
        assert result.rank == everyone.index(mine) + 1
        assert result.areas == len(theirs) + 1
        share_above = Fraction(result.rank - 1, len(theirs))
        assert result.quartile == 1 + sum(share_above >= Fraction(k, 4) for k in (1, 2, 3))
        # CIPFA neighbours do not list Trafford: the median and MAD are theirs alone.
        median = statistics.median(theirs)
        mad = statistics.median(abs(v - median) for v in theirs)
        assert result.ours_in_set is False
        assert result.group.mad == mad
        # The difference is of the figures as shown, rounded half up to one place.
        shown_difference = half_up(mine) - half_up(median)
        assert result.difference == shown_difference
        robust = None if mad == 0 else ((mine - median) / mad).quantize(TENTH, ROUND_HALF_UP)
        assert result.robust == robust
        assert result.check is None  # nothing implausible in the published file
        # The verdict rule, as the page states it.
        if result.quartile == 4:
            expected = "worse"
        elif shown_difference == 0:
            expected = "similar"
        elif shown_difference > 0:
            far = robust is None or robust > 1
            expected = "better" if far or result.quartile == 1 else "similar"
        else:
            expected = "worse" if robust is None or robust < -1 else "similar"
        assert result.verdict == expected
    # The latest period as the table shows it.
    latest = rows[-1]
    page = response.content.decode()
    assert f"{latest.result.rank} of {latest.result.areas}" in page
    assert latest.period.label in page
    # Which set the median is over, and every definition.
    count = latest.result.group.count
    assert (
        "The group does not list Trafford, so its median, quartiles and MAD are over the other "
        "areas as listed" in page
    )
    assert f"the median is over Trafford’s {count} comparator areas with a figure" in page
    assert "Trafford not included" in page
    for words in (
        "The MAD (median absolute deviation) is the median of every figure’s distance",
        "(our figure − median) ÷ MAD",
        "rounded half up",
        "in the worst quartile is worse",
        "Check this figure",
    ):
        assert words in page
    assert "Distance in MADs" in page
    assert f'src="/indicators/{indicator.pk}/benchmark.svg?group={group.pk}"' in page


def test_the_group_can_be_chosen_and_a_bad_choice_is_explained(client, world, employment):
    indicator, group = employment
    other = import_comparator_group(
        name="Just Bury", areas=[("E08000002", "Bury")], by=world.performance
    )[0]
    client.force_login(world.viewer)
    url = reverse("indicator_benchmark", args=[indicator.pk])
    assert client.get(url).context["group"] == group
    assert client.get(url, {"group": other.pk}).context["group"] == other
    response = client.get(url, {"group": "999999"})
    assert response.context["group"] == group
    assert "Choose a comparator group from the list" in response.content.decode()
    assert "<title>Error:" in response.content.decode()
    # The viewer may not change the usual group.
    assert response.context["usual_form"] is None
    assert client.post(url, {"comparator_group": other.pk}).status_code == 403


def test_the_lead_sets_the_usual_group(client, world, employment):
    indicator, _group = employment
    other = import_comparator_group(
        name="Just Bury", areas=[("E08000002", "Bury")], by=world.performance
    )[0]
    url = reverse("indicator_benchmark", args=[indicator.pk])
    client.force_login(world.member)
    assert client.post(url, {"comparator_group": other.pk}).status_code == 403
    client.force_login(world.lead)
    response = client.post(url, {"comparator_group": other.pk})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.comparator_group == other
    entry = indicator.history.first()
    assert (entry.history_user, entry.history_change_reason) == (
        world.lead,
        "Compared with Just Bury",
    )
    client.post(url, {"comparator_group": ""})
    indicator.refresh_from_db()
    assert indicator.comparator_group is None
    response = client.post(url, {"comparator_group": "nonsense"})
    assert "Choose a comparator group from the list" in response.content.decode()


def _small_world(world, polarity="higher", home_in_group=True):
    """An indicator (one decimal place) and a group of Bury, Stockport, Solihull and, when
    asked, Trafford, with figures for 2025/26 Q1: 70, 80 and 90."""
    indicator = make_indicator(
        world.partnership, "SW", frequency="quarterly", polarity=polarity, decimals=1
    )
    codes = [("E08000002", "Bury"), ("E08000007", "Stockport"), ("E08000029", "Solihull")]
    if home_in_group:
        codes.append((HOME, "Trafford"))
    group = import_comparator_group(name="Small group", areas=codes, by=world.performance)[0]
    indicator.comparator_group = group
    indicator.save()
    period = Period.parse("2025/26 Q1")
    import_comparator_values(
        values=[
            ComparatorInput(indicator, code, "", period, Decimal(value))
            for code, value in (("E08000002", 70), ("E08000007", 80), ("E08000029", 90))
        ],
        by=world.performance,
    )
    return indicator, period


def test_a_group_that_lists_us_says_so_and_counts_us(client, world):
    indicator, period = _small_world(world)
    Result.objects.create(indicator=indicator, period=period, value=Decimal(80))
    client.force_login(world.viewer)
    response = client.get(reverse("indicator_benchmark", args=[indicator.pk]))
    page = response.content.decode()
    # The set is 70, 80, 80, 90: median 80, ours; MAD: distances 10 0 0 10, median 5.
    (row,) = response.context["rows"]
    assert (row.result.group.count, row.result.group.median, row.result.group.mad) == (4, 80, 5)
    assert "The group lists Trafford, so Trafford is one of the areas" in page
    assert "the median is over the 4 areas of the group with a figure, Trafford included" in page
    assert "4, us included" in page
    assert "the same as the median" in page
    assert "+0.0" not in page
    assert "The rank is among every area with a figure for the period" in page
    assert 'id="verdict-rule"' in page


def test_an_implausible_zero_asks_for_a_check(client, world):
    indicator, period = _small_world(world, home_in_group=False)
    Result.objects.create(indicator=indicator, period=period, value=Decimal(0))
    client.force_login(world.viewer)
    page = client.get(reverse("indicator_benchmark", args=[indicator.pk])).content.decode()
    # 0 against 70, 80, 90 (median 80, MAD 10): 8 MADs away, and 70 below the lowest when
    # the others spread over 20.
    assert "Check this figure" in page
    assert "far outside the other areas" in page
    assert "−8.0 MADs" in page
    assert "−80.0 (−100.0%)" in page
    # Another area's zero: Bury 0, Stockport 80, Solihull 90 and our 85 in Q2. Bury's 0 is
    # 80 below the rest (80 to 90) and 8 MADs from the median (80; MAD 10): listed to check.
    q2 = Period.parse("2025/26 Q2")
    import_comparator_values(
        values=[
            ComparatorInput(indicator, code, "", q2, Decimal(value))
            for code, value in (("E08000002", 0), ("E08000007", 80), ("E08000029", 90))
        ],
        by=world.performance,
    )
    Result.objects.create(indicator=indicator, period=q2, value=Decimal(85))
    page = client.get(reverse("indicator_benchmark", args=[indicator.pk])).content.decode()
    assert "<strong>Check this figure:</strong> Bury 0.0" in page


def test_an_indicator_with_no_better_direction_is_ranked_highest_first(client, world):
    indicator, period = _small_world(world, polarity="neither", home_in_group=False)
    Result.objects.create(indicator=indicator, period=period, value=Decimal(85))
    client.force_login(world.viewer)
    response = client.get(reverse("indicator_benchmark", args=[indicator.pk]))
    page = response.content.decode()
    (row,) = response.context["rows"]
    # 90 is higher: 2 of 4, quartile 2; no verdict.
    assert (row.result.rank, row.result.quartile, row.result.verdict) == (2, 2, None)
    assert "ranked by their figures, highest first" in page
    assert "Quartile (1 is highest)" in page
    assert 'id="verdict-rule"' not in page
    assert "Neither higher nor lower is better for this indicator" in page


def test_an_indicator_without_a_group_says_so(client, world):
    client.force_login(world.viewer)
    response = client.get(reverse("indicator_benchmark", args=[world.indicator.pk]))
    assert "No comparator group has been imported yet" in response.content.decode()
    svg = client.get(reverse("indicator_benchmark_chart", args=[world.indicator.pk]))
    assert svg["Content-Type"] == "image/svg+xml"


def test_the_chart_is_an_svg_without_scripts(client, world, employment):
    indicator, _group = employment
    client.force_login(world.performance)
    import_employment(client, indicator)
    client.force_login(world.viewer)
    response = client.get(reverse("indicator_benchmark_chart", args=[indicator.pk]))
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<?xml") and "<script" not in svg
    assert "EMP against CIPFA 2021" in svg
    assert "Group median" in svg and "Our result" in svg


def test_outsiders_cannot_see_an_indicators_benchmark(client, world):
    for name in ("indicator_benchmark", "indicator_benchmark_chart"):
        client.force_login(world.outsider)
        assert client.get(reverse(name, args=[world.indicator.pk])).status_code == 404


def grow(indicator: Indicator, group: ComparatorGroup, by, areas: int, years: int, tag: str):
    periods = [
        Period.parse(f"{2010 + y}/{(11 + y) % 100:02d} Q{q}")
        for y in range(years)
        for q in (1, 2, 3, 4)
    ]
    codes = [f"E0{tag}{n:06d}" for n in range(areas)]
    values = [
        ComparatorInput(indicator, code, f"Area {code}", period, Decimal(n + i))
        for n, code in enumerate(codes)
        for i, period in enumerate(periods)
    ]
    for period in periods:
        Result.objects.update_or_create(
            indicator=indicator, period=period, defaults={"value": Decimal(5)}
        )
    import_comparator_values(values=values, by=by)
    group.areas.add(*Area.objects.filter(code__in=codes))


def test_the_benchmark_page_query_count_does_not_grow(client, world, django_assert_num_queries):
    indicator = make_indicator(world.partnership, "QC", frequency="quarterly")
    group = ComparatorGroup.objects.create(name="Query group")
    indicator.comparator_group = group
    indicator.save()
    client.force_login(world.lead)
    url = reverse("indicator_benchmark", args=[indicator.pk])
    grow(indicator, group, world.lead, areas=2, years=1, tag="1")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    small = len(queries)
    assert small > 0
    assert len(client.get(url).context["rows"]) == 4
    grow(indicator, group, world.lead, areas=20, years=8, tag="2")
    ComparatorGroup.objects.create(name="Another group")
    assert len(client.get(url).context["rows"]) == 32
    with django_assert_num_queries(small):
        assert client.get(url).status_code == 200
