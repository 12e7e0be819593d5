"""The demo's comparator figures (goldenthread.demo.benchmarking): real published figures,
unchanged, loaded once, on a world with only the demo's partnerships and indicators."""

from decimal import Decimal

from goldenthread.core.models import ComparatorGroup, ComparatorValue, Indicator
from goldenthread.demo.benchmarking import CIPFA, CSSN, load_benchmarking
from goldenthread.demo.catalogue import INDICATORS, PARTNERSHIPS
from goldenthread.rules import Period
from tests.conftest import HOME, make_indicator, make_partnership


def demo_indicators(world) -> None:
    """What load_benchmarking needs of the demo, without the whole demo (load_demo takes
    many seconds): the demo's partnerships and indicators, and a performance team member
    called "performance" (the world has one)."""
    names = {p.key: p.name for p in PARTNERSHIPS}
    partnerships = {key: make_partnership(name, world.council) for key, name in names.items()}
    for spec in INDICATORS:
        make_indicator(
            partnerships[spec.partnership],
            spec.code,
            frequency=spec.series.frequency.value,
            polarity=spec.polarity.value,
        )


def test_the_demo_loads_real_comparator_figures_once(world):
    demo_indicators(world)
    load_benchmarking()
    cipfa = ComparatorGroup.objects.get(name=CIPFA.name)
    cssn = ComparatorGroup.objects.get(name=CSSN.name)
    assert (cipfa.areas.count(), cssn.areas.count()) == (15, 10)
    employment = Indicator.objects.get(code="EG01", partnership__name="Economic Growth Partnership")
    readiness = Indicator.objects.get(code="CY01")
    assert employment.comparator_group == cipfa
    assert readiness.comparator_group == cssn
    # A real published figure, unchanged: Swindon's employment rate for Oct 2021 to Sep 2022.
    swindon = ComparatorValue.objects.get(
        indicator=employment, area__code="E06000030", period=Period.parse("2022/23 Q2")
    )
    assert swindon.value == Decimal("77.3")
    assert not ComparatorValue.objects.filter(area__code=HOME).exists()
    # No air-quality station is an area.
    assert not ComparatorValue.objects.filter(indicator__code="CL08").exists()

    count = ComparatorValue.objects.count()
    stamps = set(ComparatorValue.objects.values_list("imported_at", flat=True))
    again = load_benchmarking()
    assert again.created == 0
    assert ComparatorValue.objects.count() == count
    assert set(ComparatorValue.objects.values_list("imported_at", flat=True)) == stamps
