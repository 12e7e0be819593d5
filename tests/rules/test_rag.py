from decimal import Decimal as D

import pytest

from goldenthread.rules.rag import (
    Direction,
    Polarity,
    Rag,
    ToleranceKind,
    direction,
    rag,
    rag_rule,
    tolerance_amount,
)

HIGHER, LOWER, BAND = Polarity.HIGHER, Polarity.LOWER, Polarity.BAND
PERCENT, ABSOLUTE = ToleranceKind.PERCENT, ToleranceKind.ABSOLUTE
RED, AMBER, GREEN, GREY = Rag.RED, Rag.AMBER, Rag.GREEN, Rag.GREY
BETTER, WORSE, SAME, UNKNOWN = Direction.BETTER, Direction.WORSE, Direction.SAME, Direction.UNKNOWN


# Tolerance


@pytest.mark.parametrize(
    ("target", "tolerance", "kind", "amount"),
    [
        (D("80"), D("5"), PERCENT, D("4")),
        (D("-80"), D("5"), PERCENT, D("4")),
        (D("0"), D("5"), PERCENT, D("0")),
        (D("33.3"), D("10"), PERCENT, D("3.33")),
        (200, 10, PERCENT, D("20")),
        (D("80"), D("2.5"), ABSOLUTE, D("2.5")),
        (D("0"), D("2.5"), ABSOLUTE, D("2.5")),
        (D("-80"), D("2.5"), ABSOLUTE, D("2.5")),
    ],
)
def test_tolerance_amount(target, tolerance, kind, amount) -> None:
    assert tolerance_amount(target, tolerance, kind) == amount
    assert isinstance(tolerance_amount(target, tolerance, kind), D)


def test_a_negative_tolerance_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        tolerance_amount(D("80"), D("-1"), ABSOLUTE)


def test_rag_refuses_a_negative_tolerance_even_when_the_target_is_met() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        rag(
            actual=D("90"),
            target=D("80"),
            polarity=Polarity.HIGHER,
            tolerance=D("-1"),
            tolerance_kind=ABSOLUTE,
        )


# RAG: higher and lower is better

# (polarity, actual, target, tolerance, kind, expected)
HIGHER_AND_LOWER = [
    # Higher is better, 5% of 80 = 4
    (HIGHER, "80", "80", "5", PERCENT, GREEN),  # exactly on target
    (HIGHER, "95", "80", "5", PERCENT, GREEN),
    (HIGHER, "79.99", "80", "5", PERCENT, AMBER),
    (HIGHER, "76", "80", "5", PERCENT, AMBER),  # exactly on the tolerance edge
    (HIGHER, "75.99", "80", "5", PERCENT, RED),  # just beyond it
    (HIGHER, "0", "80", "5", PERCENT, RED),
    # Higher is better, absolute 2
    (HIGHER, "80", "80", "2", ABSOLUTE, GREEN),
    (HIGHER, "78", "80", "2", ABSOLUTE, AMBER),
    (HIGHER, "77.999", "80", "2", ABSOLUTE, RED),
    # Lower is better, 10% of 50 = 5
    (LOWER, "50", "50", "10", PERCENT, GREEN),
    (LOWER, "12", "50", "10", PERCENT, GREEN),
    (LOWER, "50.01", "50", "10", PERCENT, AMBER),
    (LOWER, "55", "50", "10", PERCENT, AMBER),
    (LOWER, "55.01", "50", "10", PERCENT, RED),
    # Lower is better, absolute 1.5
    (LOWER, "51.5", "50", "1.5", ABSOLUTE, AMBER),
    (LOWER, "51.51", "50", "1.5", ABSOLUTE, RED),
    (LOWER, "-3", "50", "1.5", ABSOLUTE, GREEN),
    # Zero targets: a percentage of zero is zero, so any miss is red
    (HIGHER, "0", "0", "10", PERCENT, GREEN),
    (HIGHER, "-0.01", "0", "10", PERCENT, RED),
    (LOWER, "0", "0", "10", PERCENT, GREEN),
    (LOWER, "1", "0", "10", PERCENT, RED),
    (LOWER, "1", "0", "1", ABSOLUTE, AMBER),
    (LOWER, "1.01", "0", "1", ABSOLUTE, RED),
    # Negative values and targets: the percentage is of the target's size (10% of -200 = 20)
    (HIGHER, "-200", "-200", "10", PERCENT, GREEN),
    (HIGHER, "-150", "-200", "10", PERCENT, GREEN),
    (HIGHER, "-220", "-200", "10", PERCENT, AMBER),
    (HIGHER, "-220.01", "-200", "10", PERCENT, RED),
    (LOWER, "-250", "-200", "10", PERCENT, GREEN),
    (LOWER, "-180", "-200", "10", PERCENT, AMBER),
    (LOWER, "-179.99", "-200", "10", PERCENT, RED),
    (HIGHER, "-5", "3", "8", ABSOLUTE, AMBER),
    (HIGHER, "-5.01", "3", "8", ABSOLUTE, RED),
    # A zero tolerance leaves no amber
    (HIGHER, "79.99", "80", "0", PERCENT, RED),
    (LOWER, "50.01", "50", "0", ABSOLUTE, RED),
]


@pytest.mark.parametrize(
    ("polarity", "actual", "target", "tolerance", "kind", "expected"), HIGHER_AND_LOWER
)
def test_rag_higher_and_lower_is_better(
    polarity, actual, target, tolerance, kind, expected
) -> None:
    result = rag(
        actual=D(actual),
        target=D(target),
        polarity=polarity,
        tolerance=D(tolerance),
        tolerance_kind=kind,
    )
    assert result is expected


@pytest.mark.parametrize("polarity", list(Polarity))
@pytest.mark.parametrize(("actual", "target"), [(None, D("5")), (D("5"), None), (None, None)])
def test_rag_is_grey_without_a_result_or_a_target(polarity, actual, target) -> None:
    result = rag(
        actual=actual,
        target=target,
        polarity=polarity,
        tolerance=D("5"),
        tolerance_kind=PERCENT,
        target_upper=D("10") if target is not None else None,
    )
    assert result is GREY


def test_rag_accepts_ints() -> None:
    assert rag(actual=76, target=80, polarity=HIGHER, tolerance=5, tolerance_kind=PERCENT) is AMBER


def test_rag_refuses_floats() -> None:
    with pytest.raises(TypeError, match="float"):
        rag(actual=0.3, target=D("0.3"), polarity=HIGHER, tolerance=0, tolerance_kind=ABSOLUTE)


# RAG: within a band

# Band 10..20 with 10% tolerance: 1 below (10% of 10), 2 above (10% of 20)
BAND_CASES = [
    ("10", GREEN),  # lower edge
    ("15", GREEN),
    ("20", GREEN),  # upper edge
    ("9.99", AMBER),
    ("9", AMBER),  # exactly on the lower tolerance edge
    ("8.99", RED),
    ("20.01", AMBER),
    ("22", AMBER),  # exactly on the upper tolerance edge
    ("22.01", RED),
]


@pytest.mark.parametrize(("actual", "expected"), BAND_CASES)
def test_rag_band_with_a_percentage_tolerance(actual: str, expected: Rag) -> None:
    result = rag(
        actual=D(actual),
        target=D("10"),
        target_upper=D("20"),
        polarity=BAND,
        tolerance=D("10"),
        tolerance_kind=PERCENT,
    )
    assert result is expected


@pytest.mark.parametrize(
    ("actual", "expected"),
    [("4", RED), ("4.5", AMBER), ("5", GREEN), ("5.5", AMBER), ("5.51", RED)],
)
def test_rag_band_without_an_upper_edge_is_a_single_target(actual: str, expected: Rag) -> None:
    result = rag(
        actual=D(actual),
        target=D("5"),
        polarity=BAND,
        tolerance=D("0.5"),
        tolerance_kind=ABSOLUTE,
    )
    assert result is expected


@pytest.mark.parametrize(
    ("actual", "expected"),
    [("-10", GREEN), ("10", GREEN), ("-11", AMBER), ("-11.01", RED), ("11", AMBER), ("12", RED)],
)
def test_rag_band_around_zero_with_negative_lower_edge(actual: str, expected: Rag) -> None:
    result = rag(
        actual=D(actual),
        target=D("-10"),
        target_upper=D("10"),
        polarity=BAND,
        tolerance=D("10"),
        tolerance_kind=PERCENT,
    )
    assert result is expected


def test_one_rule_judges_many_results_as_rag_does() -> None:
    band = rag_rule(polarity="band", tolerance=D("10"), tolerance_kind="percent")
    assert [band(D(actual), D("10"), D("20")) for actual, _ in BAND_CASES] == [
        expected for _, expected in BAND_CASES
    ]
    for polarity, actual, target, tolerance, kind, expected in HIGHER_AND_LOWER:
        judge = rag_rule(polarity=polarity, tolerance=D(tolerance), tolerance_kind=kind)
        assert judge(D(actual), D(target)) is expected
        assert judge(None, D(target)) is GREY


def test_a_rule_is_checked_when_it_is_made() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        rag_rule(polarity=HIGHER, tolerance=D("-1"), tolerance_kind=PERCENT)
    with pytest.raises(ValueError, match="not a valid Polarity"):
        rag_rule(polarity="sideways", tolerance=D("1"), tolerance_kind=PERCENT)
    with pytest.raises(ValueError, match="not a valid ToleranceKind"):
        rag_rule(polarity=HIGHER, tolerance=D("1"), tolerance_kind="fraction")
    with pytest.raises(TypeError, match="float"):
        rag_rule(polarity=HIGHER, tolerance=0.5, tolerance_kind=PERCENT)


def test_rag_band_upside_down_is_refused() -> None:
    with pytest.raises(ValueError, match="below its bottom"):
        rag(
            actual=D("15"),
            target=D("20"),
            target_upper=D("10"),
            polarity=BAND,
            tolerance=D("1"),
            tolerance_kind=ABSOLUTE,
        )


# Direction of travel


@pytest.mark.parametrize(
    ("polarity", "current", "previous", "expected"),
    [
        (HIGHER, "12", "10", BETTER),
        (HIGHER, "10", "12", WORSE),
        (HIGHER, "10", "10", SAME),
        (HIGHER, "10.0", "10", SAME),
        (HIGHER, "-1", "-2", BETTER),
        (LOWER, "10", "12", BETTER),
        (LOWER, "12", "10", WORSE),
        (LOWER, "10", "10", SAME),
        (LOWER, "-2", "-1", BETTER),
    ],
)
def test_direction_higher_and_lower(polarity, current, previous, expected) -> None:
    assert direction(current=D(current), previous=D(previous), polarity=polarity) is expected


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        ("15", "12", SAME),  # both inside the band
        ("10", "20", SAME),  # both on an edge
        ("9", "8", BETTER),  # closer from below
        ("12", "5", BETTER),  # into the band
        ("21", "23", BETTER),  # closer from above
        ("25", "18", WORSE),  # out of the band
        ("7", "23", SAME),  # three below is as far out as three above
        ("6", "23", WORSE),
    ],
)
def test_direction_band_compares_distance_to_the_band(current, previous, expected) -> None:
    result = direction(
        current=D(current), previous=D(previous), polarity=BAND, band=(D("10"), D("20"))
    )
    assert result is expected


def test_direction_band_without_a_band_is_unknown() -> None:
    assert direction(current=D("1"), previous=D("2"), polarity=BAND) is UNKNOWN


def test_direction_band_upside_down_is_refused() -> None:
    with pytest.raises(ValueError, match="below its bottom"):
        direction(current=D("1"), previous=D("2"), polarity=BAND, band=(D("20"), D("10")))


@pytest.mark.parametrize("polarity", list(Polarity))
@pytest.mark.parametrize(("current", "previous"), [(None, D("1")), (D("1"), None), (None, None)])
def test_direction_is_unknown_without_both_values(polarity, current, previous) -> None:
    band = (D("0"), D("2"))
    assert direction(current=current, previous=previous, polarity=polarity, band=band) is UNKNOWN


@pytest.mark.parametrize(
    ("current", "previous", "decimals", "expected"),
    [
        ("12.34", "12.3449", 2, SAME),
        ("12.34", "12.3449", None, WORSE),
        ("12.345", "12.34", 2, BETTER),  # half up: 12.345 shows as 12.35
        ("12.344", "12.34", 2, SAME),
        ("12.4", "12.3", 0, SAME),
        ("12.5", "12.4", 0, BETTER),
        ("-12.345", "-12.34", 2, WORSE),  # half up is away from zero: -12.35
        ("1049", "1001", -2, SAME),  # both show as 1.0E+3
    ],
)
def test_direction_compares_values_as_shown(current, previous, decimals, expected) -> None:
    result = direction(current=D(current), previous=D(previous), polarity=HIGHER, decimals=decimals)
    assert result is expected


def test_direction_rounding_applies_to_lower_is_better_too() -> None:
    assert direction(current=D("5.04"), previous=D("5"), polarity=LOWER, decimals=1) is SAME
    assert direction(current=D("5.05"), previous=D("5"), polarity=LOWER, decimals=1) is WORSE


def test_direction_accepts_ints() -> None:
    assert direction(current=3, previous=2, polarity=HIGHER) is BETTER


# Labels and choices


def test_labels() -> None:
    assert Rag.GREEN.label == "Green"
    assert [d.label for d in Direction] == ["Improving", "Getting worse", "No change", "Not known"]
    assert [p.label for p in Polarity] == [
        "Higher is better",
        "Lower is better",
        "Within a target band",
        "Neither higher nor lower is better",
    ]
    assert ToleranceKind.PERCENT.label == "Percentage of target"
    assert ToleranceKind.ABSOLUTE.label == "Absolute amount"


def test_choices_are_value_label_pairs_for_django() -> None:
    assert Rag.choices() == [
        ("red", "Red"),
        ("amber", "Amber"),
        ("green", "Green"),
        ("grey", "Grey"),
    ]


def test_members_are_their_values_as_strings() -> None:
    assert Rag.GREEN == "green"
    assert str(Rag.GREEN) == "green"
    assert Rag("amber") is Rag.AMBER
    assert Polarity("band") is BAND
