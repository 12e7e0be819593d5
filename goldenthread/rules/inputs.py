"""What people type, read one way everywhere: numbers, amounts of money and free text.

Every number box in the product (the return page, the budget page, plan targets, the
spreadsheet and comparator imports) reads a number with `read_number`, and every value is
checked against the room the database has for it with `number_problem`. Every piece of
free text is checked with `text_problem`. The same words reach the person whichever way
the value came in.
"""

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

NUMBER_MESSAGE = "Enter a number, like 42 or 3.5"
MONEY_MESSAGE = "Enter an amount in pounds, like 12,500 or 12,500.50"

# Thousands separated by commas in groups of three ("98,500"), or no commas at all. "1,5"
# is refused rather than read as 15: in much of Europe it means one and a half.
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?")
# Spaces that spreadsheets and word processors put in numbers; they are not digits.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})
# Longer than any number the database can hold, written with every comma and pound sign.
_LONGEST = 64


class NumberError(ValueError):
    """A number that cannot be read; the message says how to write one."""


def read_number(text: str, *, money: bool = False) -> Decimal | None:
    """The number written in `text`, or None when it is blank.

    Accepts "98500", " 98500 ", "98,500", "98500.00" and "-3.5"; with `money`, also a pound
    sign ("£98,500", "-£5"). Refuses words, "NaN", "Infinity" and exponents such as "1e999"
    (nobody writes a performance figure that way, and it hides a number's size)."""
    cleaned = text.translate(_SPACES).strip()
    if not cleaned:
        return None
    message = MONEY_MESSAGE if money else NUMBER_MESSAGE
    if len(cleaned) > _LONGEST:
        raise NumberError(message)
    if money:
        sign = ""
        if cleaned[:1] in "+-":
            sign, cleaned = cleaned[0], cleaned[1:].lstrip()
        cleaned = sign + cleaned.removeprefix("£").lstrip()
    if not any(c.isdigit() for c in cleaned) or not _NUMBER.fullmatch(cleaned):
        raise NumberError(message)
    try:
        return Decimal(cleaned.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise NumberError(message) from None


def number_problem(value: Decimal, *, max_digits: int, decimal_places: int) -> str | None:
    """What stops `value` being stored in a decimal column of `max_digits` digits,
    `decimal_places` of them after the point, or None. More decimal places than the column
    has are not a problem: `fit` rounds them, as the database would."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return NUMBER_MESSAGE
    limit = Decimal(10) ** (max_digits - decimal_places)
    if abs(value) >= limit:
        return f"Enter a number smaller than {limit:,}"
    return None


def fit(value: Decimal, decimal_places: int) -> Decimal:
    """`value` rounded to the places a column keeps (half up, as people round), and left
    as written when it has no more places than that. Call it only on a value
    `number_problem` passed, whose size is known to be sensible."""
    if value.as_tuple().exponent >= -decimal_places:
        return value
    return value.quantize(Decimal(1).scaleb(-decimal_places), rounding=ROUND_HALF_UP)


# --- free text ----------------------------------------------------------------------------

# Characters that change which way text runs without being seen. With them, a comment can
# read differently on the page from what was typed ("Trojan Source").
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Control characters other than tab and the line breaks; PostgreSQL cannot store NUL at all.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_unstorable(text: str) -> str:
    """The text without the characters `text_problem` refuses: for text nobody typed into
    a form (a browser's description of itself, a path) that is kept as it came."""
    return _BIDI_CONTROLS.sub("", _CONTROLS.sub("", text))


def text_problem(text: str, limit: int | None = None) -> str | None:
    """What is wrong with a piece of free text, or None: longer than `limit` characters,
    or holding characters that cannot be stored or would disguise what it says."""
    if limit is not None and len(text) > limit:
        return f"Enter {limit:,} characters or fewer. This has {len(text):,}"
    if _CONTROLS.search(text):
        return (
            "Remove the control characters (such as a null character): "
            "they cannot be stored or shown"
        )
    if _BIDI_CONTROLS.search(text):
        return (
            "Remove the hidden text-direction characters (such as a right-to-left override): "
            "they make text show differently from how it was written"
        )
    return None


def limit_hint(limit: int) -> str:
    return f"You can enter up to {limit:,} characters."


# --- dates and years ----------------------------------------------------------------------

# Wide enough for any plan, deadline or meeting a partnership records, narrow enough that
# a typo such as year 20266 or year 1 is caught before date arithmetic fails on it.
FIRST_YEAR = 1990
LAST_YEAR = 2099


def date_problem(day: date) -> str | None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return f"Enter a date from 1 January {FIRST_YEAR} to 31 December {LAST_YEAR}"
    return None


def year_problem(year: int) -> str | None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return f"Enter a year from {FIRST_YEAR} to {LAST_YEAR}"
    return None
