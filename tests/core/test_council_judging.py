"""The council view and the home page judge every indicator exactly as the indicator's own
rule judges the numbers the ORM reads, on either database: results on the edge of green
and of amber, a step either side, where floating point would err (1.1 - 0.9 is more than
0.2 as floats), negative, zero and eighteen-digit numbers. They read the numbers as the
driver gives them and judge most of them as floats on SQLite (`rules.quick_rag_rule`),
so this is what keeps that exact."""

import datetime
from decimal import Decimal

import pytest

from goldenthread.core.models import Result, Target
from goldenthread.core.performance import compared_periods, indicator_rags, latest_rags
from goldenthread.rules import Period, Rag
from tests.conftest import make_indicator, make_partnership

TODAY = datetime.date(2026, 2, 10)  # compares 2025/26 Q3 with Q2
NOW, BEFORE = "2025/26 Q3", "2025/26 Q2"

# (polarity, tolerance kind, tolerance, target, upper, results): each result is judged
# in both periods compared.
EDGES = [
    ("higher", "percent", "5", "100", None, ["95", "94.999999", "95.000001", "100", "99.999999"]),
    ("higher", "absolute", "0.2", "1.1", None, ["0.9", "0.899999", "0.900001", "1.1"]),
    ("lower", "absolute", "0.2", "0.9", None, ["1.1", "1.100001", "1.099999", "0.9"]),
    ("higher", "percent", "10", "33.3", None, ["29.97", "29.969999", "29.970001"]),
    ("lower", "percent", "10", "33.3", None, ["36.63", "36.630001", "36.629999"]),
    ("band", "percent", "10", "100", "110", ["121", "121.000001", "90", "89.999999", "110"]),
    ("band", "absolute", "0.1", "0.3", "0.3", ["0.4", "0.400001", "0.2", "0.3", "0.300001"]),
    ("higher", "percent", "5", "-250", None, ["-262.5", "-262.500001", "-250", "-237.5"]),
    ("higher", "percent", "5", "0", None, ["-0.000001", "0", "0.000001"]),
    (
        "lower",
        "absolute",
        "0",
        "123456789012.123456",
        None,
        ["123456789012.123456", "123456789012.123457", "123456789012.123455"],
    ),
]


@pytest.mark.django_db
def test_the_council_and_home_page_judge_exactly_as_the_indicator(world):
    partnership = make_partnership("Edges Partnership", world.council)
    made = []
    for n, (polarity, kind, tolerance, target, upper, results) in enumerate(EDGES):
        for k, result in enumerate(results):
            indicator = make_indicator(
                partnership,
                f"E{n}-{k}",
                polarity=polarity,
                tolerance_kind=kind,
                tolerance=Decimal(tolerance),
            )
            # This period's result on the edge; the period before's, the next along.
            before = results[(k + 1) % len(results)]
            for label, value in ((NOW, result), (BEFORE, before)):
                period = Period.parse(label)
                Target.objects.create(
                    indicator=indicator,
                    period=period,
                    value=Decimal(target),
                    upper=None if upper is None else Decimal(upper),
                )
                Result.objects.create(indicator=indicator, period=period, value=Decimal(value))
            made.append(indicator)

    council = indicator_rags([partnership.pk], compared_periods(TODAY))
    home = latest_rags([partnership.pk], TODAY)
    judged = set()
    for indicator in made:
        truth = {}
        for label in (NOW, BEFORE):
            # As the ORM reads them: Decimals, converted by Django.
            period = Period.parse(label)
            target = Target.objects.get(indicator=indicator, period=period)
            value = Result.objects.get(indicator=indicator, period=period).value
            truth[label] = indicator.rag(value, target.value, target.upper)
        rags = council[indicator.pk]
        assert (rags.now, rags.before, rags.latest) == (truth[NOW], truth[BEFORE], truth[NOW])
        assert home[indicator.pk] == (partnership.pk, truth[NOW]), indicator.code
        judged.add(truth[NOW])
    assert judged == {Rag.RED, Rag.AMBER, Rag.GREEN}  # the cases cover every judgement
