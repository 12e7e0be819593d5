"""Comparator data in: every real file of the demo's data folder, bad inputs, all or
nothing, re-imports without duplicates, remembered mappings and comparator groups."""

import io
import os
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from goldenthread.core.models import Area, ComparatorGroup, ComparatorMapping, ComparatorValue
from goldenthread.core.services.benchmarking import (
    ComparatorInput,
    import_comparator_group,
    import_comparator_values,
)
from goldenthread.demo.catalogue import INDICATORS
from goldenthread.documents import comparators
from goldenthread.documents.comparators import Columns, Refused
from goldenthread.rules import Period
from tests.conftest import make_indicator

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "goldenthread" / "demo" / "data"
GROUP_FILES = {"cipfa2021.csv", "cssn.csv"}
DATA_FILES = sorted(
    p.relative_to(DATA).as_posix() for p in DATA.rglob("*.csv") if p.name not in GROUP_FILES
)
# The frequency the demo reads each published indicator at; others are taken as annual.
FREQUENCY = {(s.series.file, s.series.indicator): s.series.frequency.value for s in INDICATORS}
HOME = "E08000009"

HEADINGS = "area_code,area_name,period,indicator,measure,unit,value\n"


def table_of(text: str) -> comparators.Table:
    return comparators.read_table(text.encode(), "test.csv")


def columns_of(table: comparators.Table) -> Columns:
    return Columns(**comparators.guess_columns(table.headings))


def check(text: str, indicator, home: str = HOME) -> comparators.CheckedFile:
    table = table_of(text)
    columns = columns_of(table)
    mapping = {
        pair.key: indicator
        for pair in comparators.source_pairs(table, columns.indicator, columns.measure)
    }
    return comparators.check_rows(table, columns, mapping, home)


def test_the_data_folder_has_the_files():
    assert len(DATA_FILES) == 36
    assert "climate/no2_concentration.csv" in DATA_FILES


@pytest.mark.parametrize("name", DATA_FILES)
def test_every_row_of_every_real_file_imports_or_is_reported(world, name):
    """Each published indicator goes to an indicator of its own, of the frequency the demo
    reads it at. Every row is then a value, a problem with its row and column, or skipped
    for a reason that is counted; and a file without problems imports exactly its values."""
    table = comparators.read_table((DATA / name).read_bytes(), name)
    guessed = comparators.guess_columns(table.headings)
    stations = guessed["area_code"] is None
    if stations:  # monitoring stations, not areas: an officer might still try
        guessed["area_code"] = table.heading_keys().index("station_code")
    columns = Columns(**guessed)
    pairs = comparators.source_pairs(table, columns.indicator, columns.measure)
    mapping = {
        pair.key: make_indicator(
            world.partnership,
            f"T{n}",
            frequency=FREQUENCY.get((name, pair.indicator), "annual"),
            unit="%" if pair.measure == "Percentage" else "",
        )
        for n, pair in enumerate(pairs)
    }
    checked = comparators.check_rows(table, columns, mapping, HOME)

    rows_with_problems = {p.row for p in checked.problems}
    numbers = {number for number, _row in table.rows}
    assert rows_with_problems <= numbers
    for problem in checked.problems:
        assert problem.column in table.headings
        assert problem.message and str(problem).startswith(f"Row {problem.row}, ")
    accounted = checked.valid + len(rows_with_problems) + checked.skipped + checked.repeated
    assert accounted == len(table.rows)
    if stations:
        assert len(rows_with_problems) == len(table.rows)
        assert "is not an area code" in checked.problems[0].message

    if checked.ok:
        counts = import_comparator_values(values=checked.values, by=world.performance)
        assert counts.created == checked.valid
        assert ComparatorValue.objects.count() == checked.valid
    else:
        assert checked.values == []


def test_the_real_files_report_what_a_council_officer_would_expect(world):
    # Row 3652 is a ward's (Altrincham, E05015239) figure for 2022/23 to 2024/25 combined,
    # which is stored against its last year only when the person chooses so.
    table = comparators.read_table((DATA / "children/obese_reception.csv").read_bytes())
    columns = columns_of(table)
    annual = make_indicator(world.partnership, "OB", frequency="annual", unit="%")
    checked = comparators.check_rows(
        table,
        columns,
        {
            pair.key: annual
            for pair in comparators.source_pairs(table, columns.indicator, columns.measure)
        },
        HOME,
    )
    assert "Row 3652, period: “2022/23 - 24/25” is one figure for several periods" in str(
        checked.problems[0]
    )
    assert checked.breakdowns > 0  # deprivation quintiles, not the area's own figure
    assert checked.home_area > 0  # Trafford's own rows
    assert checked.not_available > 0  # NA


def test_it_reads_the_headings_publishers_use():
    guess = comparators.guess_columns(
        ["Area Code", "Area Name", "Time period", "Indicator Name", "Value", "Count"]
    )
    assert guess == {
        "area_code": 0,
        "area_name": 1,
        "period": 2,
        "indicator": 3,
        "measure": None,
        "value": 4,
    }
    # licensed_vehicles.csv: two value columns, the first is taken.
    assert (
        comparators.guess_columns(["area_code", "period", "value_ulev", "value_all"])["value"] == 2
    )
    # The air-quality files are keyed by station, not area.
    assert comparators.guess_columns(["station_code", "station_name", "value"])["area_code"] is None


def test_a_small_file_checked_row_by_row(world):
    indicator = make_indicator(world.partnership, "AN", frequency="annual", unit="%")
    checked = check(
        HEADINGS
        + "E08000002,Bury,2019/20,Rate,Percentage,Persons,10.5\n"  # row 2: fine
        + "E08000009,Trafford,2019/20,Rate,Percentage,Persons,9.1\n"  # 3: our own area
        + "E08000007,Stockport,2019/20,Rate,Percentage,Persons,NA\n"  # 4: not available
        + "E08000007,Stockport,2018-20,Rate,Percentage,Persons,7\n"  # 5: several years
        + "E08000029,Solihull,2019/20,Rate,Percentage,Persons,abc\n"  # 6: not a number
        + "TRF2,Trafford A56,2019/20,Rate,Percentage,Persons,5\n"  # 7: not an area code
        + ",,2019/20,Rate,Percentage,Persons,5\n"  # 8: no area code
        + "E08000002,Bury,2019,Rate,Percentage,Persons,10.5\n"  # 9: row 2 again, same figure
        + "e08000002,Bury,2019/20,Rate,Percentage,Persons,11\n"  # 10: row 2, another figure
        + "E06000007,Warrington,2019/20 Q1,Rate,Percentage,Persons,3\n",  # 11: a quarter
        indicator,
    )
    assert [str(p) for p in checked.problems] == [
        "Row 5, period: “2018-20” is one figure for several periods: it can be imported only "
        "by choosing to store such figures against the last period they cover",
        "Row 6, value: “abc” is not a number",
        "Row 7, area_code: “TRF2” is not an area code: area codes are ONS codes, a capital "
        "letter and eight digits like E08000009",
        "Row 8, area_code: enter the area code",
        "Row 10, period: row 2 already has a figure for E08000002 in 2019/20 for AN (10.5, "
        "this row 11): a file can hold one figure for each area, period and indicator",
        "Row 11, period: “2019/20 Q1” is a quarter, so its figure cannot be used for an annual "
        "indicator.",
    ]
    assert (checked.home_area, checked.not_available, checked.repeated) == (1, 1, 1)
    assert checked.values == []  # all or nothing
    assert not checked.ok


def test_values_read_as_published(world):
    indicator = make_indicator(world.partnership, "AN", frequency="annual", unit="%")
    checked = check(
        HEADINGS
        + "E08000002,Bury,2019/20,Rate,Percentage,Persons,10.5\n"
        + 'E08000007,Stockport,2019,Rate,Percentage,Persons,"1,234"\n'
        + "E06000007,Warrington,2019/20,Rate,Percentage,Persons,3.1234567\n"
        + "E08000029,Solihull,2019/20,Rate,Percentage,Persons,[x]\n"
        + "E06000014,York,2019/20,Rate,Percentage,Persons,..\n",
        indicator,
    )
    assert checked.ok
    assert [(v.area_code, v.area_name, v.period.label, v.value) for v in checked.values] == [
        ("E08000002", "Bury", "2019/20", Decimal("10.5")),
        ("E08000007", "Stockport", "2019/20", Decimal("1234")),
        ("E06000007", "Warrington", "2019/20", Decimal("3.123457")),  # six places are kept
    ]
    assert checked.not_available == 2


def test_periods_are_read_at_the_indicators_frequency(world):
    quarterly = make_indicator(world.partnership, "QU", frequency="quarterly")
    checked = check(
        HEADINGS
        + "E08000002,Bury,Q1 2022,Births,Count,Firms,200\n"  # January to March 2022
        + "E08000002,Bury,Oct 2021-Sep 2022,Rate,Percentage,Persons,75.1\n"  # rolling year
        + "E08000002,Bury,2023-06-30,NO2,Mean,ug,23.8\n",  # a date
        quarterly,
    )
    assert [v.period.label for v in checked.values] == ["2021/22 Q4", "2022/23 Q2", "2023/24 Q1"]


def test_an_unmapped_indicator_is_skipped_and_counted(world):
    table = table_of(HEADINGS + "E08000002,Bury,2019/20,Rate,Percentage,Persons,10.5\n")
    checked = comparators.check_rows(table, columns_of(table), {}, HOME)
    assert (checked.ok, checked.values, checked.not_mapped) == (True, [], 1)


def test_an_xlsx_file_reads_like_a_csv(world):
    book = Workbook()
    sheet = book.active
    sheet.append(["Area Code", "Area Name", "Time period", "Indicator Name", "Value"])
    sheet.append(["E08000002", "Bury", "2019/20", "Rate", 10.5])
    sheet.append(["E08000007", "Stockport", 2019, "Rate", 12])
    buffer = io.BytesIO()
    book.save(buffer)
    table = comparators.read_table(buffer.getvalue(), "rates.xlsx")
    indicator = make_indicator(world.partnership, "AN", frequency="annual")
    columns = columns_of(table)
    checked = comparators.check_rows(table, columns, {("Rate", ""): indicator}, HOME)
    assert [(v.area_code, v.period.label, v.value) for v in checked.values] == [
        ("E08000002", "2019/20", Decimal("10.5")),
        ("E08000007", "2019/20", Decimal("12")),
    ]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.csv", "The file is empty"),
        (b"area_code,period,indicator,value\n", "headings.csv", "headings but no rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "picture.png", "not a spreadsheet"),
        ("área,ñ\n".encode("latin-1"), "latin.csv", "not UTF-8"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "old.xls", "not an Excel workbook"),
        (b"just text", "fake.xlsx", "not an Excel workbook"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused(data, name, message):
    with pytest.raises(Refused, match=message):
        comparators.read_table(data, name)


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(Refused, match="not an Excel workbook"):
        comparators.read_table(buffer.getvalue(), "letter.docx")


def test_a_file_over_five_megabytes_is_refused():
    upload = SimpleUploadedFile("big.csv", b"x" * (5 * 1024 * 1024 + 1))
    with pytest.raises(Refused, match="larger than 5 MB"):
        comparators.read_upload(upload)


def test_a_row_over_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(comparators, "MAX_ROWS", 2)
    with pytest.raises(Refused, match="more than 2 rows"):
        table_of(HEADINGS + "a\nb\nc\n")


# --- writing -----------------------------------------------------------------------------


def values_for(indicator, rows):
    return [
        ComparatorInput(indicator, code, name, Period.parse(label), Decimal(value))
        for code, name, label, value in rows
    ]


def test_it_imports_and_reimports_without_duplicates(world):
    indicator = make_indicator(world.partnership, "AN", frequency="annual")
    rows = [
        ("E08000002", "Bury", "2019/20", "10.5"),
        ("E08000007", "Stockport", "2019/20", "12"),
        ("E08000007", "Stockport", "2020/21", "13"),
    ]
    first = import_comparator_values(
        values=values_for(indicator, rows), by=world.lead, source="test.csv"
    )
    assert (first.created, first.updated, first.unchanged, first.areas_added) == (3, 0, 0, 2)
    again = import_comparator_values(values=values_for(indicator, rows), by=world.lead)
    assert (again.created, again.updated, again.unchanged, again.areas_added) == (0, 0, 3, 0)
    assert ComparatorValue.objects.count() == 3
    assert Area.objects.count() == 2

    rows[0] = ("E08000002", "Bury", "2019/20", "10.6")  # a revised figure
    revised = import_comparator_values(
        values=values_for(indicator, rows), by=world.performance, source="revised.csv"
    )
    assert (revised.created, revised.updated, revised.unchanged) == (0, 1, 2)
    value = ComparatorValue.objects.get(area__code="E08000002")
    assert (value.value, value.source, value.imported_by) == (
        Decimal("10.6"),
        "revised.csv",
        world.performance,
    )


def test_an_area_keeps_its_first_name_and_gets_one_when_it_had_none(world):
    indicator = make_indicator(world.partnership, "AN", frequency="annual")
    import_comparator_values(
        values=values_for(indicator, [("E08000002", "", "2019/20", "1")]), by=world.lead
    )
    assert Area.objects.get().name == "E08000002"
    import_comparator_values(
        values=values_for(indicator, [("E08000002", "Bury", "2020/21", "1")]), by=world.lead
    )
    import_comparator_values(
        values=values_for(indicator, [("E08000002", "Bury MBC", "2021/22", "1")]), by=world.lead
    )
    assert Area.objects.get().name == "Bury"


def test_two_different_figures_for_one_place_and_period_write_nothing(world):
    indicator = make_indicator(world.partnership, "AN", frequency="annual")
    rows = [("E08000002", "Bury", "2019/20", "1"), ("E08000002", "Bury", "2019/20", "2")]
    with pytest.raises(ValidationError, match="Two different values"):
        import_comparator_values(values=values_for(indicator, rows), by=world.lead)
    assert not ComparatorValue.objects.exists()
    assert not Area.objects.exists()


def test_a_figure_for_the_wrong_kind_of_period_writes_nothing(world):
    annual = make_indicator(world.partnership, "AN", frequency="annual")
    rows = [("E08000002", "Bury", "2019/20", "1"), ("E08000007", "Stockport", "2019/20 Q1", "2")]
    with pytest.raises(ValidationError, match="is a quarterly period"):
        import_comparator_values(values=values_for(annual, rows), by=world.lead)
    assert not ComparatorValue.objects.exists()


def test_who_may_import(world):
    rows = [("E08000002", "Bury", "2025/26 Q1", "1")]
    for person in (world.member, world.viewer, world.outsider, world.nobody):
        with pytest.raises(PermissionDenied):
            import_comparator_values(values=values_for(world.indicator, rows), by=person)
    # A lead imports for their own partnership only.
    with pytest.raises(PermissionDenied):
        import_comparator_values(values=values_for(world.other_indicator, rows), by=world.lead)
    import_comparator_values(values=values_for(world.indicator, rows), by=world.lead)
    import_comparator_values(values=values_for(world.other_indicator, rows), by=world.performance)
    assert ComparatorValue.objects.count() == 2


def test_mappings_are_remembered_per_partnership(world):
    first = make_indicator(world.partnership, "AN1", frequency="annual")
    second = make_indicator(world.partnership, "AN2", frequency="annual")
    rows = [("E08000002", "Bury", "2019/20", "1")]
    pair = ("Rate", "Percentage")
    import_comparator_values(values=values_for(first, rows), by=world.lead, mappings={pair: first})
    import_comparator_values(
        values=values_for(world.other_indicator, [("E08000002", "Bury", "2019/20 Q1", "1")]),
        by=world.performance,
        mappings={pair: world.other_indicator},
    )
    assert set(ComparatorMapping.objects.values_list("indicator__code", flat=True)) == {
        "AN1",
        "OT01",
    }
    # Choosing another of the same partnership's indicators replaces the first choice; the
    # other partnership's stays; "don't import" forgets nothing.
    import_comparator_values(
        values=values_for(second, rows), by=world.lead, mappings={pair: second, ("Other", ""): None}
    )
    assert set(ComparatorMapping.objects.values_list("indicator__code", flat=True)) == {
        "AN2",
        "OT01",
    }


# --- comparator groups -------------------------------------------------------------------


def test_the_real_group_files_read():
    areas, problems = comparators.read_group((DATA / "cipfa2021.csv").read_bytes())
    assert problems == []
    assert len(areas) == 15
    assert areas[0] == ("E06000030", "Swindon")
    areas, problems = comparators.read_group((DATA / "cssn.csv").read_bytes())
    assert (len(areas), problems) == (10, [])


def test_a_bad_group_file_is_reported_row_by_row():
    areas, problems = comparators.read_group(
        b"area_code,area_name\nE08000002,Bury\nBury,Bury\n,\nE08000002,Bury again\n"
    )
    assert areas == []
    assert [str(p) for p in problems] == [
        "Row 3, area_code: “BURY” is not an area code: area codes are ONS codes, a capital "
        "letter and eight digits like E08000009",
        "Row 5, area_code: E08000002 is already in row 2",
    ]
    areas, problems = comparators.read_group(b"name\nBury\n")
    assert "no column of area codes" in str(problems[0])


def test_a_group_is_imported_and_replaced_by_name(world):
    group, created = import_comparator_group(
        name="Neighbours",
        areas=[("E08000002", "Bury"), ("E08000007", "Stockport")],
        by=world.performance,
    )
    assert created and group.areas.count() == 2
    again, created = import_comparator_group(
        name="Neighbours", areas=[("E08000007", "Stockport")], by=world.performance
    )
    assert (again.pk, created) == (group.pk, False)
    assert list(again.areas.values_list("code", flat=True)) == ["E08000007"]
    assert ComparatorGroup.objects.count() == 1
    with pytest.raises(PermissionDenied):
        import_comparator_group(name="Mine", areas=[("E08000002", "Bury")], by=world.lead)


# --- keeping the upload between pages ----------------------------------------------------


def test_an_upload_is_kept_privately_in_storage_and_discarded(tmp_path):
    token = comparators.keep_upload(b"area_code\n")
    assert comparators.kept_upload(token) == b"area_code\n"
    path = tmp_path / "media" / comparators.UPLOAD_FOLDER / token  # media_in_tmp's storage
    assert path.stat().st_mode & 0o077 == 0  # nobody else on the server may read it
    for bad in ("", "../etc/passwd", token + "x", "a" * 22):
        assert comparators.kept_upload(bad) is None
    comparators.discard_upload(token)
    assert comparators.kept_upload(token) is None


def test_uploads_older_than_a_day_are_cleared(tmp_path):
    old = comparators.keep_upload(b"old")
    os.utime(tmp_path / "media" / comparators.UPLOAD_FOLDER / old, (0, 0))
    new = comparators.keep_upload(b"new")
    assert comparators.kept_upload(old) is None
    assert comparators.kept_upload(new) == b"new"
