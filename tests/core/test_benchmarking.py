"""An indicator against its comparator group, without HTTP: the group as it is defined (our
own area, a setting, in the set when the group lists it), our imported figure standing in
for a missing result, rounding half up, and the summary on the indicator page. Importing
and the benchmark page, checked against figures worked out from a real published file:
tests/web/test_benchmarking.py. The statistics themselves: tests/rules/test_benchmark.py."""

from decimal import Decimal

from django.template.loader import render_to_string

from goldenthread.core.benchmarking import (
    benchmark_rows,
    benchmark_summary,
    distance_text,
    group_lists_home,
    groups_with_counts,
    robust_text,
    shown,
)
from goldenthread.core.models import Area, ComparatorGroup, ComparatorValue, Result
from goldenthread.core.services.benchmarking import ComparatorInput, import_comparator_values
from goldenthread.rules import Period, benchmark
from tests.conftest import HOME, make_indicator

Q1 = Period.parse("2025/26 Q1")


def _values(indicator, period, figures):
    for code, value in figures:
        area, _ = Area.objects.get_or_create(code=code, defaults={"name": code})
        ComparatorValue.objects.create(indicator=indicator, area=area, period=period, value=value)


def _metropolitan(indicator):
    """A group that lists our own area, like "all English metropolitan districts"."""
    group = ComparatorGroup.objects.create(name="Metropolitan districts")
    home, _ = Area.objects.get_or_create(code=HOME, defaults={"name": "Trafford"})
    group.areas.add(home, *Area.objects.filter(code__in=["E08000002", "E08000007"]))
    return group


def test_a_group_that_lists_our_area_counts_our_result_in_the_median(world, employment):
    indicator, _cipfa = employment
    group = _metropolitan(indicator)
    Result.objects.filter(indicator=indicator).delete()
    Result.objects.create(indicator=indicator, period=Q1, value=Decimal(75))
    # Our area's imported figure is not used when we have a recorded result.
    _values(indicator, Q1, [(HOME, 1), ("E08000002", 70), ("E08000007", 80)])
    (row,) = benchmark_rows(indicator, group)
    # The set is 70, 75, 80: median 75, ours included; rank 2 of 3.
    assert group_lists_home(group) is True
    assert (row.result.group.count, row.result.group.median) == (3, 75)
    assert (row.result.ours, row.result.ours_in_set, row.ours_imported) == (75, True, False)
    assert (row.result.rank, row.result.areas, row.reporting) == (2, 3, 2)


def test_our_imported_figure_stands_in_for_a_missing_result(world, employment):
    indicator, _cipfa = employment
    group = _metropolitan(indicator)
    Result.objects.filter(indicator=indicator).delete()
    _values(indicator, Q1, [(HOME, 72), ("E08000002", 70), ("E08000007", 80)])
    (row,) = benchmark_rows(indicator, group)
    # The set is 70, 72, 80, as published: median 72, ours.
    assert (row.result.ours, row.ours_imported, row.result.group.median) == (72, True, 72)
    assert row.result.group.count == 3


def test_a_group_that_does_not_list_our_area_is_the_neighbours_alone(world, employment):
    indicator, group = employment
    Result.objects.filter(indicator=indicator).delete()
    Result.objects.create(indicator=indicator, period=Q1, value=Decimal(85))
    _values(indicator, Q1, [("E08000002", 70), ("E08000007", 80), ("E08000029", 90)])
    (row,) = benchmark_rows(indicator, group)
    # The CIPFA group does not list Trafford: median over 70, 80, 90 = 80; we are ranked
    # among the four: 90 beats us, 2 of 4.
    assert group_lists_home(group) is False
    assert (row.result.group.count, row.result.group.median) == (3, 80)
    assert row.result.ours_in_set is False
    assert (row.result.rank, row.result.areas) == (2, 4)


def test_our_own_area_is_a_setting(world, employment, settings):
    indicator, group = employment
    Result.objects.filter(indicator=indicator).delete()
    _values(indicator, Q1, [("E08000002", 70), ("E08000007", 80)])
    settings.GT_HOME_AREA_CODE = "E08000002"  # as if we were Bury
    (row,) = benchmark_rows(indicator, group)
    # Bury is in the CIPFA group, so its figure (70) stands in for a missing result and is
    # in the set: 70 and 80, median 75.
    assert group_lists_home(group) is True
    assert groups_with_counts().get(pk=group.pk).lists_home is True
    assert (row.result.ours, row.ours_imported, row.result.group.median) == (70, True, 75)


def test_figures_are_shown_rounded_half_up(world):
    indicator = make_indicator(world.partnership, "RND", decimals=1, unit="%")
    assert shown(indicator, Decimal("2.25")) == "2.3%"  # half to even would give 2.2
    assert shown(indicator, Decimal("-2.25")) == "-2.3%"
    assert shown(indicator, None) == "–"
    # 1.0 against the median of 1.0 and 1.1 (1.05, shown 1.1).
    result = benchmark(Decimal("1.0"), [Decimal("1.0"), Decimal("1.1")], "higher", decimals=1)
    assert distance_text(indicator, result) == "−0.1 points (−9.1%)"
    same = benchmark(Decimal("1.1"), [Decimal("1.0"), Decimal("1.1")], "higher", decimals=1)
    assert distance_text(indicator, same) == "the same as the median"
    # Sorted 1.0 1.1: median 1.05, distances 0.05 0.05, MAD 0.05; 1.0 is -1 MAD.
    assert robust_text(result) == "−1.0 MAD"
    flat = benchmark(Decimal(2), [Decimal(1), Decimal(1)], "higher")
    assert robust_text(flat) == "none: the MAD is 0"


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
    # 85 against 70, 80 and 90: 90 beats us, so rank 2 of 4, quartile 2; median 80, MAD 10;
    # +5 is 0.5 MADs: similar.
    assert "2025/26 Q2" in page
    assert "2 of 4, quartile 2 (1 is best)" in page
    assert "80.0%" in page and "+5.0 points (+6.3%)" in page
    assert "Similar" in page
    assert summary.url in page
    indicator.comparator_group = None
    page = render_to_string(
        "web/benchmarking/_indicator_summary.html", {"summary": benchmark_summary(indicator)}
    )
    assert "No usual comparator group has been chosen for EMP" in page


def test_the_summary_of_an_indicator_with_no_better_direction(world, employment):
    indicator, _group = employment
    indicator.polarity = "neither"
    indicator.save()
    _values(indicator, Q1, [("E08000002", 70), ("E08000007", 80), ("E08000029", 90)])
    Result.objects.update_or_create(indicator=indicator, period=Q1, defaults={"value": Decimal(85)})
    page = render_to_string(
        "web/benchmarking/_indicator_summary.html", {"summary": benchmark_summary(indicator)}
    )
    assert "2 of 4, quartile 2 (1 is highest)" in page
    assert "Neither higher nor lower is better: not judged" in page
