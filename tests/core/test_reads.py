"""Reading decimals as the driver gives them (`as_read`, `exact`) gives the same numbers
as the ORM, on SQLite (floats, 15 significant digits) and PostgreSQL (Decimal); and
`rag_rules` makes one rule for each different polarity, tolerance kind and tolerance."""

from decimal import Decimal

import pytest

from goldenthread.core.models import Indicator, Result
from goldenthread.core.performance import LATEST, exact, rag_rules, read_numbers, with_latest
from goldenthread.rules import Period, Rag
from tests.conftest import make_indicator

VALUES = [
    "0",
    "0.1",
    "0.3",
    "-0.000001",
    "12.5",
    "100",
    "-250000",
    "123456789.123456",
    "999999999.999999",
    "-42.000001",
]


@pytest.mark.django_db
@pytest.mark.parametrize("value", VALUES)
def test_exact_reads_what_the_orm_reads(world, value):
    Result.objects.filter(indicator=world.indicator).delete()
    Result.objects.create(
        indicator=world.indicator, period=Period.parse("2025/26 Q3"), value=Decimal(value)
    )
    numbers = read_numbers("latest_value")
    (read,) = (
        with_latest(Indicator.objects.filter(pk=world.indicator.pk))
        .annotate(**numbers)
        .values_list(*numbers, flat=True)
    )
    orm = Result.objects.get(indicator=world.indicator).value
    assert isinstance(exact(read), Decimal)
    assert exact(read) == orm == Decimal(value)


def test_exact_leaves_none_and_decimals_alone_and_refuses_nothing_else():
    assert exact(None) is None
    assert exact(Decimal("1.50")) == Decimal("1.50")
    assert exact(7) == Decimal(7) and isinstance(exact(7), Decimal)
    assert exact(0.1) == Decimal("0.1")


@pytest.mark.django_db
def test_the_latest_numbers_judge_like_the_indicator(world):
    indicator = make_indicator(
        world.partnership, "RD1", {"2025/26 Q3": ("80", "77.6")}, polarity="higher"
    )
    numbers = read_numbers("tolerance", *LATEST)
    ((polarity, kind, tolerance, *latest),) = (
        with_latest(Indicator.objects.filter(pk=indicator.pk))
        .annotate(**numbers)
        .values_list("polarity", "tolerance_kind", *numbers)
    )
    # The rules take the numbers as read: SQLite's floats and PostgreSQL's Decimals alike.
    judged = rag_rules()(polarity, kind, tolerance)(*latest)
    assert judged is indicator.rag(Decimal("77.6"), Decimal("80")) is Rag.AMBER


def test_one_rule_for_each_different_rule():
    rule = rag_rules()
    assert rule("higher", "percent", 5) is rule("higher", "percent", 5)
    assert rule("higher", "percent", 5) is not rule("lower", "percent", 5)
    assert rule("higher", "percent", 5) is not rule("higher", "absolute", 5)
    assert rule("higher", "percent", 2.5)(Decimal("97.5"), Decimal("100")) is Rag.AMBER
    assert rule("higher", "percent", 2.5)(Decimal("97.4"), Decimal("100")) is Rag.RED
