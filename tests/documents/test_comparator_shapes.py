"""Comparator files of the shapes real publishers make (issue 16, "Importing real files"):
a breakdown column (sex in ``inequality`` or in ``unit``), three-year rolling figures
(``2015 - 17``), cumulative quarters (``2021/22 Q1 - 2022/23 Q2``), area codes under a
heading that says nothing, more decimal places than we keep; importing the rows we
understand and listing the others; and the remembered layout of a file.

The real files are extracts of Trafford Data Lab's published health files
(tests/documents/data/comparators/README.md); the expected figures are read from them here,
never typed in. Files written inline below are synthetic and say so."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from goldenthread.core.admin import ResultAdmin
from goldenthread.core.models import ComparatorLayout, ComparatorValue, Result
from goldenthread.core.models.fields import DECIMALS_RULE, kept_figure
from goldenthread.core.services.benchmarking import import_comparator_values
from goldenthread.documents import comparators
from goldenthread.documents.comparators import Columns
from goldenthread.rules import Frequency, Period, PeriodError, parse_published_span
from tests.conftest import DATA, make_indicator

HERE = Path(__file__).resolve().parent / "data" / "comparators"
LIFE = HERE / "life_expectancy.csv"
MORTALITY = HERE / "mortality_rate.csv"
HEALTH_CHECKS = HERE / "nhs_health_checks.csv"
CO2 = DATA / "climate" / "borough_wide_co2_emissions.csv"
HOME = "E08000009"
BURY = "E08000002"


def read(path: Path) -> comparators.Table:
    return comparators.read_table(path.read_bytes(), path.name)


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def guessed(table: comparators.Table) -> Columns:
    return Columns(**comparators.guess_columns(table.headings, table.rows))


def everything_to(table: comparators.Table, indicator) -> dict:
    columns = guessed(table)
    pairs = comparators.source_pairs(table, columns.indicator, columns.measure)
    return {p.key: indicator for p in pairs}


# --- the span rule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "hint", "stored"),
    [
        ("2015 - 17", Frequency.ANNUAL, "2017/18"),  # three calendar years: the last, as "2017"
        ("2018-20", Frequency.ANNUAL, "2020/21"),
        ("2022/23 - 24/25", Frequency.ANNUAL, "2024/25"),
        ("2020/21 - 2024/25", Frequency.ANNUAL, "2024/25"),
        ("2021/22 Q1 - 2021/22 Q2", Frequency.QUARTERLY, "2021/22 Q2"),
        ("2021/22 Q1 - 2022/23 Q4", Frequency.QUARTERLY, "2022/23 Q4"),
    ],
)
def test_a_span_is_stored_against_its_last_period(label, hint, stored):
    assert parse_published_span(label, hint).label == stored


@pytest.mark.parametrize("label", ["2019/20", "2017 - 15", "2021/22 Q2 - 2021/22 Q1", "abc"])
def test_labels_that_are_not_spans(label):
    assert parse_published_span(label, Frequency.ANNUAL) is None


def test_a_span_whose_last_period_is_of_another_kind_is_refused_plainly():
    with pytest.raises(PeriodError) as refused:
        parse_published_span("2021/22 Q1 - 2021/22 Q2", Frequency.ANNUAL)
    assert str(refused.value) == (
        "“2021/22 Q1 - 2021/22 Q2” would be stored against its last period, 2021/22 Q2, and "
        "a quarter’s figure cannot be used for an annual indicator."
    )


# --- breakdowns -------------------------------------------------------------------------------


def test_life_expectancy_by_sex_with_rolling_years_imports_the_sex_chosen(world):
    """Male and Female only, in ``inequality``, for ``2015 - 17``…: today refused with
    "nothing to import". No all-persons row, so nothing is kept by default."""
    table = read(LIFE)
    columns = guessed(table)
    (breakdown,) = comparators.breakdowns(table, columns.__dict__)
    assert breakdown.heading == "inequality"
    assert [v for v, _n in breakdown.values] == ["Male", "Female"]
    assert breakdown.default is None
    assert comparators.has_spans(table, columns.period)

    indicator = make_indicator(world.partnership, "LE", frequency="annual", unit="years")
    mapping = everything_to(table, indicator)
    checked = comparators.check_rows(
        table, columns, mapping, HOME, keep={breakdown.column: "Female"}, spans=True
    )
    assert checked.ok, checked.problems[:3]
    female = [r for r in rows_of(LIFE) if r["inequality"] == "Female"]
    wanted = [r for r in female if r["area_code"] != HOME and r["value"] != "NA"]
    assert checked.valid == len(wanted) == checked.spans
    assert checked.breakdowns == len(table.rows) - len(female)
    bury = next(r for r in female if r["area_code"] == BURY and r["period"] == "2015 - 17")
    value = next(
        v for v in checked.values if v.area_code == BURY and v.period == Period.parse("2017/18")
    )
    assert value.value == Decimal(bury["value"])

    counts = import_comparator_values(values=checked.values, by=world.performance)
    assert counts.created == len(wanted)
    assert ComparatorValue.objects.get(
        indicator=indicator, area__code=BURY, period=Period.parse("2017/18")
    ).value == Decimal(bury["value"])


def test_without_a_choice_of_sex_each_area_has_two_figures_a_period(world):
    table = read(LIFE)
    indicator = make_indicator(world.partnership, "LE", frequency="annual")
    checked = comparators.check_rows(
        table, guessed(table), everything_to(table, indicator), HOME, spans=True
    )
    assert not checked.ok
    assert "already has a figure for E92000001 in 2017/18" in checked.problems[0].message


def test_rolling_years_without_the_span_rule_are_problems_that_say_so(world):
    table = read(LIFE)
    columns = guessed(table)
    indicator = make_indicator(world.partnership, "LE", frequency="annual")
    (breakdown,) = comparators.breakdowns(table, columns.__dict__)
    checked = comparators.check_rows(
        table, columns, everything_to(table, indicator), HOME, keep={breakdown.column: "Male"}
    )
    assert str(checked.problems[0]) == (
        "Row 2, period: “2015 - 17” is one figure for several periods: it can be imported "
        "only by choosing to store such figures against the last period they cover"
    )
    assert checked.values == []


def test_mortality_by_sex_in_the_unit_column_keeps_persons_by_default(world):
    """Male, Female and Persons in ``unit``: today thousands of "already has a figure"."""
    table = read(MORTALITY)
    columns = guessed(table)
    (breakdown,) = comparators.breakdowns(table, columns.__dict__)
    assert (breakdown.heading, breakdown.default) == ("unit", "Persons")

    indicator = make_indicator(world.partnership, "MR", frequency="annual")
    checked = comparators.check_rows(table, columns, everything_to(table, indicator), HOME)
    assert checked.ok, checked.problems[:3]
    persons = [r for r in rows_of(MORTALITY) if r["unit"] == "Persons"]
    wanted = [r for r in persons if r["area_code"] != HOME and r["value"] != "NA"]
    assert checked.valid == len(wanted)
    assert checked.breakdowns == len(table.rows) - len(persons)
    bury = next(r for r in persons if r["area_code"] == BURY and r["period"] == "2019")
    assert next(
        v.value
        for v in checked.values
        if v.area_code == BURY and v.period == Period.parse("2019/20")
    ) == Decimal(bury["value"])


def test_a_column_that_does_not_split_figures_is_not_a_breakdown():
    # unit is "Years" throughout; inequality is NA throughout in mortality_rate.csv.
    table = read(MORTALITY)
    found = comparators.breakdowns(table, comparators.guess_columns(table.headings, table.rows))
    assert [b.heading for b in found] == ["unit"]
    table = read(HEALTH_CHECKS)
    assert comparators.breakdowns(table, comparators.guess_columns(table.headings)) == []


# --- cumulative quarters ----------------------------------------------------------------------


def test_cumulative_quarters_are_stored_against_their_last_quarter(world):
    table = read(HEALTH_CHECKS)
    columns = guessed(table)
    quarterly = make_indicator(world.partnership, "HC", frequency="quarterly", unit="%")
    checked = comparators.check_rows(
        table, columns, everything_to(table, quarterly), HOME, spans=True
    )
    assert checked.ok, checked.problems[:3]
    rows = rows_of(HEALTH_CHECKS)
    wanted = [r for r in rows if r["area_code"] != HOME and r["value"] != "NA"]
    assert checked.valid == len(wanted)
    assert checked.spans == sum(1 for r in wanted if " - " in r["period"])
    bury = next(
        r for r in rows if r["area_code"] == BURY and r["period"] == "2021/22 Q1 - 2022/23 Q2"
    )
    assert next(
        v.value
        for v in checked.values
        if v.area_code == BURY and v.period == Period.parse("2022/23 Q2")
    ) == Decimal(bury["value"])


def test_cumulative_quarters_for_an_annual_indicator_are_refused_row_by_row(world):
    table = read(HEALTH_CHECKS)
    annual = make_indicator(world.partnership, "HC", frequency="annual")
    checked = comparators.check_rows(
        table, guessed(table), everything_to(table, annual), HOME, spans=True
    )
    assert not checked.ok and checked.values == []
    assert "a quarter’s figure cannot be used for an annual indicator" in str(checked.problems[1])


# --- importing the rows we understand ---------------------------------------------------------


SYNTHETIC = (  # synthetic: made up for the test, not published figures
    "area_code,area_name,period,indicator,measure,value\n"
    "E08000002,Bury,2019/20,Rate,Percentage,10.5\n"  # row 2
    "E08000007,Stockport,last year,Rate,Percentage,7\n"  # 3: a period we cannot read
    "E08000029,Solihull,2019/20,Rate,Percentage,lots\n"  # 4: not a number
    "TRF2,Trafford A56,2019/20,Rate,Percentage,5\n"  # 5: not an area code
    "E06000007,Warrington,2019/20,Rate,Percentage,3\n"  # 6
)


def test_the_rows_we_understand_are_imported_and_the_others_listed(world):
    table = comparators.read_table(SYNTHETIC.encode())
    indicator = make_indicator(world.partnership, "AN", frequency="annual", unit="%")
    strict = comparators.check_rows(table, guessed(table), everything_to(table, indicator), HOME)
    assert [p.row for p in strict.problems] == [3, 4, 5] and strict.values == []

    checked = comparators.check_rows(
        table, guessed(table), everything_to(table, indicator), HOME, skip_unreadable=True
    )
    assert checked.ok
    assert [(v.area_code, v.value) for v in checked.values] == [
        ("E08000002", Decimal("10.5")),
        ("E06000007", Decimal("3")),
    ]
    assert [(p.row, p.column) for p in checked.unread] == [
        (3, "period"),
        (4, "value"),
        (5, "area_code"),
    ]
    assert "“last year” is not a period we understand" in checked.unread[0].message
    assert checked.unread_rows == 3 and checked.skipped == 3


def test_two_figures_for_one_place_still_stop_the_import(world):
    table = comparators.read_table(
        (SYNTHETIC + "E08000002,Bury,2019/20,Rate,Percentage,11\n").encode()
    )
    indicator = make_indicator(world.partnership, "AN", frequency="annual", unit="%")
    checked = comparators.check_rows(
        table, guessed(table), everything_to(table, indicator), HOME, skip_unreadable=True
    )
    assert not checked.ok and checked.values == []
    assert str(checked.problems[0]).startswith("Row 7, period: row 2 already has a figure")


# --- guessing columns by what they hold -------------------------------------------------------


def test_area_codes_and_periods_are_found_by_their_values_whatever_the_headings():
    # Synthetic: "Code" holds a publisher's own codes, the ONS codes are under "Geography",
    # and the periods under "When".
    table = comparators.read_table(
        b"Code,Geography,Place,When,Indicator,Value\n"
        b"101,E08000002,Bury,2015 - 17,Rate,1\n"
        b"102,E08000007,Stockport,2016 - 18,Rate,2\n"
        b"103,E92000001,England,2016 - 18,Rate,3\n"
    )
    by_headings = comparators.guess_columns(table.headings)
    assert (by_headings["area_code"], by_headings["period"]) == (0, None)
    guess = comparators.guess_columns(table.headings, table.rows)
    assert guess["area_code"] == 1
    assert guess["period"] == 3
    assert (guess["indicator"], guess["value"]) == (4, 5)


def test_a_figure_column_is_not_taken_for_periods(world):
    table = read(MORTALITY)
    guess = comparators.guess_columns(table.headings, table.rows)
    assert table.headings[guess["period"]] == "period"
    assert table.headings[guess["area_code"]] == "area_code"


def test_a_files_layout_is_remembered_for_the_next_file_with_its_headings(world):
    table = read(LIFE)
    indicator = make_indicator(world.partnership, "LE", frequency="annual")
    layout = {"columns": comparators.guess_columns(table.headings), "breakdowns": {}}
    layout["breakdowns"]["inequality"] = "Female"
    import_comparator_values(
        values=[], by=world.performance, headings=table.headings, layout=layout
    )
    import_comparator_values(  # again: the one layout is replaced, not added to
        values=[], by=world.performance, headings=table.headings, layout=layout
    )
    assert ComparatorLayout.objects.count() == 1
    shouting = [h.upper() + " " for h in table.headings]
    assert ComparatorLayout.remembered(shouting) == layout
    assert ComparatorLayout.remembered([*table.headings, "extra"]) == {}
    assert indicator.comparator_values.count() == 0


# --- decimal places ---------------------------------------------------------------------------


def test_more_decimal_places_than_kept_are_rounded_by_the_one_rule_everywhere(world):
    """CO2 estimates are published to 13 places; we keep 6, rounded half up, in the
    importer and in the admin alike (today the admin refused what the importer rounded)."""
    table = read(CO2)
    columns = guessed(table)
    first = comparators.source_pairs(table, columns.indicator, columns.measure)[0]
    indicator = make_indicator(world.partnership, "CO", frequency="annual")
    checked = comparators.check_rows(table, columns, {first.key: indicator}, HOME)
    assert checked.ok and checked.rounded > 0
    published = rows_of(CO2)[0]
    exact = Decimal(published["value"])
    assert exact.as_tuple().exponent < -6
    value = next(
        v.value
        for v in checked.values
        if v.area_code == published["area_code"] and v.period == Period.parse(published["period"])
    )
    assert value == kept_figure(exact) == exact.quantize(Decimal("0.000001"))

    admin_field = ResultAdmin(Result, None).formfield_for_dbfield(
        Result._meta.get_field("value"), request=None
    )
    assert admin_field.clean(published["value"]) == value
    assert admin_field.clean("2.0000005") == Decimal("2.000001")  # half up
    assert Result._meta.get_field("value").help_text == DECIMALS_RULE
    assert "rounded half up to 6" in DECIMALS_RULE


def test_a_group_files_area_codes_are_found_under_any_heading():
    # Synthetic: a publisher's own numbers under "Code", the ONS codes under "Geography".
    areas, problems = comparators.read_group(
        b"Code,Geography,Authority\n1,E08000002,Bury\n2,E08000007,Stockport\n"
    )
    assert problems == []
    assert [code for code, _name in areas] == ["E08000002", "E08000007"]
