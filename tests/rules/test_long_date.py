from datetime import date

from goldenthread.rules import long_date


def test_a_long_date_is_written_as_reports_and_letters_write_it() -> None:
    assert long_date(date(2026, 5, 12)) == "12 May 2026"
    assert long_date(date(2025, 9, 1)) == "1 September 2025"
    assert long_date(None) == ""
