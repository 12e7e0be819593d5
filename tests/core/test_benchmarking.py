"""An indicator against its comparator group, without HTTP: our own area (a setting) is
never one of the group, and the summary on the indicator page. Importing and the benchmark
page, checked against figures worked out from a real published file:
tests/web/test_benchmarking.py."""

from decimal import Decimal

from django.template.loader import render_to_string

from goldenthread.core.benchmarking import benchmark_rows, benchmark_summary
from goldenthread.core.models import Area, ComparatorValue, Result
from goldenthread.core.services.benchmarking import ComparatorInput, import_comparator_values
from goldenthread.rules import Period
from tests.conftest import HOME


def test_our_own_area_is_never_one_of_the_group(world, employment):
    indicator, group = employment
    home = Area.objects.create(code=HOME, name="Trafford")
    group.areas.add(home)
    bury = Area.objects.get(code="E08000002")
    period = Period.parse("2025/26 Q1")
    ComparatorValue.objects.create(indicator=indicator, area=home, period=period, value=1)
    ComparatorValue.objects.create(indicator=indicator, area=bury, period=period, value=70)
    (row,) = benchmark_rows(indicator, group)
    assert row.result.group.count == 1
    assert row.result.group.median == 70


def test_our_own_area_is_a_setting(world, employment, settings):
    indicator, group = employment
    period = Period.parse("2025/26 Q1")
    for code, value in (("E08000002", 70), ("E08000007", 80)):
        ComparatorValue.objects.create(
            indicator=indicator, area=Area.objects.get(code=code), period=period, value=value
        )
    settings.GT_HOME_AREA_CODE = "E08000002"  # as if we were Bury
    (row,) = benchmark_rows(indicator, group)
    assert row.result.group.median == 80


def test_the_indicator_page_summary(world, employment):
    indicator, _group = employment
    page = render_to_string(
        "web/benchmarking/_indicator_summary.html", {"summary": benchmark_summary(indicator)}
    )
    assert "No period has both our result and figures from CIPFA 2021 yet" in page
    import_comparator_values(
        values=[
            ComparatorInput(indicator, code, "", Period.parse("2025/26 Q2"), Decimal(value))
            for code, value in (("E08000002", "70"), ("E08000007", "80"), ("E08000029", "90"))
        ],
        by=world.performance,
    )
    Result.objects.update_or_create(
        indicator=indicator, period=Period.parse("2025/26 Q2"), defaults={"value": Decimal(85)}
    )
    summary = benchmark_summary(indicator)
    page = render_to_string("web/benchmarking/_indicator_summary.html", {"summary": summary})
    # 85 against 70, 80 and 90: 90 beats us, so rank 2 of 4; median 80; 6.25% above it.
    assert "2025/26 Q2" in page
    assert "2 of 4, quartile 2 (1 is best)" in page
    assert "Better" in page
    assert summary.url in page
    indicator.comparator_group = None
    page = render_to_string(
        "web/benchmarking/_indicator_summary.html", {"summary": benchmark_summary(indicator)}
    )
    assert "No usual comparator group has been chosen for EMP" in page
