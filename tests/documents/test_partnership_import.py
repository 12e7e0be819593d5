"""The partnership import's workbook: the template round-trips, and each kind of problem in
a filled-in workbook gives its row's message (sheet, row, column)."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from goldenthread.core.services.partnership_import import SheetProblem
from goldenthread.documents.partnership_import import (
    NOT_A_WORKBOOK,
    Example,
    read_workbook,
    template_workbook,
)


def edited(changes: dict[tuple[str, str], object], example: bool = True) -> bytes:
    """The example workbook with cells changed: {(sheet, "B3"): value}."""
    book = load_workbook(io.BytesIO(template_workbook(Example() if example else None)))
    for (sheet, cell), value in changes.items():
        book[sheet][cell] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def problems_of(data: bytes) -> list[SheetProblem]:
    read = read_workbook(data)
    assert not read.plan.objectives and not read.plan.indicators  # all or nothing
    return read.problems


def test_the_example_reads_back_with_no_problems():
    read = read_workbook(template_workbook(Example("jo@example.org", "Council", "T1")))
    assert read.problems == []
    plan = read.plan
    assert [o.ref for o in plan.objectives] == ["O1", "O2"]
    assert plan.objectives[0].owner_email == "jo@example.org"
    assert plan.objectives[0].outcomes == ("T1",)
    assert [(i.code, i.polarity, i.frequency) for i in plan.indicators] == [
        ("CS01", "lower", "quarterly"),
        ("CS02", "higher", "annual"),
        ("CS03", "neither", "quarterly"),
    ]
    assert plan.indicators[1].objectives == ("O1", "O2")
    assert len(plan.targets) == 15 and len(plan.results) == 19
    assert [r.note for r in plan.results if r.value is None] == [
        "The council's records were being moved"
    ]


def test_the_template_explains_every_column_and_offers_the_choices():
    book = load_workbook(io.BytesIO(template_workbook()))
    assert book.sheetnames == ["Read me", "Objectives", "Indicators", "Targets", "Results"]
    readme = [c for row in book["Read me"].iter_rows(values_only=True) for c in row if c]
    assert "Owner e-mail" in readme and "Baseline period" in readme
    lists = [v.formula1 for v in book["Indicators"].data_validations.dataValidation]
    assert (
        '"Higher is better,Lower is better,Within a target band,Neither higher nor lower is better"'
        in lists
    )
    assert '"Monthly,Quarterly,Annual"' in lists
    # The empty template has headings only: it is not a plan yet.
    assert [p.message for p in read_workbook(template_workbook()).problems] == [
        "the workbook has no objectives or indicators: fill in the template's sheets, one "
        "row for each"
    ]


@pytest.mark.parametrize(
    "changes, expected",
    [
        (
            {("Objectives", "A3"): "O1"},
            [
                (
                    "Objectives",
                    3,
                    "Ref",
                    "O1 is already the reference of the objective in row 2: give each "
                    "objective its own",
                )
            ],
        ),
        (
            {("Objectives", "B3"): None},
            [("Objectives", 3, "Title", "enter the objective's title")],
        ),
        (
            {("Objectives", "D2"): "not an address"},
            [
                (
                    "Objectives",
                    2,
                    "Owner e-mail",
                    "“not an address” is not an e-mail address: write the owner's, like "
                    "jo.smith@example.gov.uk, or leave it blank",
                )
            ],
        ),
        (
            {("Objectives", "F2"): "next spring"},
            [
                (
                    "Objectives",
                    2,
                    "Deadline",
                    "“next spring” is not a date: write it like 31/03/2028",
                )
            ],
        ),
        (
            {("Indicators", "K2"): "O1, O9"},
            [
                (
                    "Indicators",
                    2,
                    "Objectives",
                    "no objective on the Objectives sheet has the reference O9",
                )
            ],
        ),
        (
            {("Indicators", "A3"): "cs01"},
            [
                (
                    "Indicators",
                    3,
                    "Ref",
                    "cs01 is already the code of the indicator in row 2: give each indicator "
                    "its own",
                )
            ],
        ),
        (
            {("Indicators", "F2"): "Up is good"},
            [
                (
                    "Indicators",
                    2,
                    "Polarity",
                    "“Up is good” is not one of the choices: Higher is better, Lower is "
                    "better, Within a target band or Neither higher nor lower is better",
                )
            ],
        ),
        (
            {("Indicators", "E2"): 9},
            [
                (
                    "Indicators",
                    2,
                    "Decimals",
                    "“9” is not a number of decimal places: enter a whole number from 0 to 6",
                )
            ],
        ),
        (
            {("Targets", "A2"): "CS99"},
            [
                (
                    "Targets",
                    2,
                    "Indicator ref",
                    "no indicator on the Indicators sheet has the Ref CS99",
                )
            ],
        ),
        (
            {("Targets", "C2"): "lots"},
            [("Targets", 2, "Value", "“lots” is not a number")],
        ),
        (
            {("Targets", "D2"): 1},
            [("Targets", 2, "Upper", "the upper edge of the band is below the target")],
        ),
        (
            {("Results", "C2"): "12%"},
            [
                (
                    "Results",
                    2,
                    "Value",
                    "“12%” is a percentage, but CS01 is measured in rate per 1,000: enter the "
                    "number only",
                )
            ],
        ),
        (
            {("Results", "C20"): "n/a", ("Results", "D20"): None},
            [("Results", 20, "Note", "say in the Note why the result is not available")],
        ),
        (
            {("Results", "C2"): None},
            [("Results", 2, "Value", "enter the result, or n/a if it is not available")],
        ),
        (
            {("Results", "B2"): "the year before last"},
            [
                (
                    "Results",
                    2,
                    "Period",
                    "“the year before last” is not a period we understand: use a financial "
                    "year like 2025/26, a quarter like 2025/26 Q3 or Q1 2025, a month like "
                    "Nov 2025 or 2025-11, or a date like 2025-11-30",
                )
            ],
        ),
    ],
)
def test_each_problem_has_its_row_message(changes, expected):
    problems = problems_of(edited(changes))
    found = [(p.sheet, p.row, p.column, p.message) for p in problems]
    if ("Objectives", "A3") in changes or ("Indicators", "A3") in changes:
        # Renaming O2 or CS02 leaves the rows that referred to it referring to nothing.
        assert found[0] == expected[0] and len(found) > 1
        assert all("has the" in message for *_, message in found[1:])
    else:
        assert found == expected


def test_a_period_of_the_wrong_frequency_and_a_repeated_period():
    data = edited({("Results", "B2"): "2023/24"})
    problems = problems_of(data)
    assert [(p.sheet, p.row, p.column) for p in problems] == [("Results", 2, "Period")]
    assert problems[0].message == (
        "2023/24 is a financial year, but CS01 is measured quarterly: write its periods like "
        "2025/26 Q3"
    )
    book = load_workbook(io.BytesIO(template_workbook(Example())))
    period = book["Results"]["B2"].value
    repeated = problems_of(edited({("Results", "B3"): period}))
    assert [(p.row, p.column, p.message) for p in repeated] == [
        (
            3,
            "Period",
            f"row 2 already has the result of CS01 for {period}: a result for each "
            "indicator and period, once",
        )
    ]


def test_figures_with_more_than_six_places_are_rounded_and_counted():
    read = read_workbook(edited({("Results", "C2"): "2.1234567"}))
    assert read.ok and read.rounded == 1
    assert read.plan.results[0].value == Decimal("2.123457")


def test_a_missing_heading_or_sheet_and_a_file_that_is_not_a_workbook():
    problems = problems_of(edited({("Targets", "B1"): "When"}))
    assert [(p.sheet, p.row, p.message) for p in problems] == [
        ("Targets", 1, "the heading “Period” is missing: keep the template's headings in row 1")
    ]
    book = load_workbook(io.BytesIO(template_workbook(Example())))
    del book["Results"]
    buffer = io.BytesIO()
    book.save(buffer)
    assert [(p.sheet, p.row) for p in problems_of(buffer.getvalue())] == [("Results", None)]
    assert [p.message for p in problems_of(b"code,title\nCS01,x\n")] == [NOT_A_WORKBOOK]
