"""Numbers, text and dates as people type them: one reading everywhere."""

import datetime
from decimal import Decimal

import pytest

from goldenthread.rules.inputs import (
    MONEY_MESSAGE,
    NUMBER_MESSAGE,
    NumberError,
    date_problem,
    fit,
    number_problem,
    read_number,
    text_problem,
    year_problem,
)


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("98500", Decimal("98500")),
        (" 98500 ", Decimal("98500")),
        ("98,500", Decimal("98500")),
        ("98500.00", Decimal("98500.00")),
        ("1,234,567.5", Decimal("1234567.5")),
        ("-3.5", Decimal("-3.5")),
        (".5", Decimal("0.5")),
        ("98,500\u00a0", Decimal("98500")),  # a spreadsheet's non-breaking space
        ("", None),
        ("   ", None),
    ],
)
def test_numbers_are_read_as_people_write_them(typed, number):
    assert read_number(typed) == number


@pytest.mark.parametrize("typed", ["£98,500", "£ 98,500", " £98500.00 ", "-£5", "£-5"])
def test_money_may_have_a_pound_sign(typed):
    assert abs(read_number(typed, money=True)) in (Decimal("98500"), Decimal("5"))


@pytest.mark.parametrize(
    "typed",
    ["lots", "NaN", "Infinity", "-inf", "1e999", "1E3", "1,5", "12,34", "£5", "5 000", "--5", "."],
)
def test_anything_else_is_refused_with_how_to_write_it(typed):
    with pytest.raises(NumberError) as refused:
        read_number(typed)
    assert str(refused.value) == NUMBER_MESSAGE


def test_a_refused_amount_says_how_to_write_money():
    with pytest.raises(NumberError, match=MONEY_MESSAGE):
        read_number("lots", money=True)


def test_a_very_long_number_is_refused_without_reading_it():
    with pytest.raises(NumberError):
        read_number("9" * 100_000)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (Decimal("999999999999.999999"), None),
        (Decimal("-999999999999"), None),
        (Decimal("1000000000000"), "Enter a number smaller than 1,000,000,000,000"),
        (Decimal("1e999"), "Enter a number smaller than 1,000,000,000,000"),
        (Decimal("9" * 40), "Enter a number smaller than 1,000,000,000,000"),
        (Decimal("NaN"), NUMBER_MESSAGE),
        (Decimal("Infinity"), NUMBER_MESSAGE),
    ],
)
def test_a_number_must_fit_its_column(value, problem):
    assert number_problem(value, max_digits=18, decimal_places=6) == problem


def test_extra_decimal_places_are_rounded_half_up_and_others_left_as_written():
    assert fit(Decimal("2.0000005"), 6) == Decimal("2.000001")
    assert str(fit(Decimal("10.5"), 6)) == "10.5"
    assert fit(Decimal("12.345"), 2) == Decimal("12.35")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("A plain comment.\r\nWith two lines\tand a tab.", None),
        ("شراكة مجتمعية آمنة", None),  # right-to-left text itself is welcome
        ("x" * 4_001, "Enter 4,000 characters or fewer. This has 4,001"),
        ("a\x00b", "control characters"),
        ("a\x1bb", "control characters"),
        ("abc\u202edcba", "text-direction"),
        ("\u2066hidden\u2069", "text-direction"),
    ],
)
def test_free_text_is_within_its_limit_and_hides_nothing(text, problem):
    found = text_problem(text, 4_000)
    assert found == problem if problem is None else problem in found


@pytest.mark.parametrize(
    ("day", "refused"),
    [
        (datetime.date(1, 1, 1), True),
        (datetime.date(9999, 12, 31), True),
        (datetime.date(1989, 12, 31), True),
        (datetime.date(1990, 1, 1), False),
        (datetime.date(2099, 12, 31), False),
        (datetime.date(2100, 1, 1), True),
    ],
)
def test_dates_fall_in_a_sensible_range(day, refused):
    assert bool(date_problem(day)) is refused


def test_years_fall_in_the_same_range():
    assert year_problem(2025) is None
    assert year_problem(9999) == "Enter a year from 1990 to 2099"
