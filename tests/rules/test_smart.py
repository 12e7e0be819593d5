from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from goldenthread.rules.periods import Period
from goldenthread.rules.rag import Polarity
from goldenthread.rules.smart import (
    Criterion,
    Failure,
    ObjectiveFacts,
    TargetFacts,
    annual_changes,
    check_objective,
    check_target,
    summary,
)

HIGHER, LOWER, BAND = Polarity.HIGHER, Polarity.LOWER, Polarity.BAND
S, M, A, R, T = (
    Criterion.SPECIFIC,
    Criterion.MEASURABLE,
    Criterion.ACHIEVABLE,
    Criterion.REALISTIC,
    Criterion.TIME_BOUND,
)
P = Period.parse


def quarterly(by_year: dict[int, str]) -> dict[Period, D]:
    """Every quarter of each financial year given the same value, so a year's change is plain."""
    return {
        P(f"{year}/{(year + 1) % 100:02d} Q{quarter}"): D(value)
        for year, value in by_year.items()
        for quarter in (1, 2, 3, 4)
    }


def annual(by_year: dict[int, str]) -> dict[Period, D]:
    return {P(f"{year}/{(year + 1) % 100:02d}"): D(value) for year, value in by_year.items()}


# Objectives

OBJECTIVE = ObjectiveFacts(
    title="Cut first-time entrants to the youth justice system",
    description="Fewer young people in Trafford cautioned or convicted for the first time.",
    has_owner=True,
    has_lead_organisation=True,
    deadline=date(2027, 3, 31),
    plan_first_year=2024,
    plan_last_year=2026,
    indicator_count=2,
    indicators_with_targets=2,
    action_count=3,
    actions_without_owner=0,
    outcome_count=1,
)

SHORT = "the title is too short to say what will change; say what, for whom and where"
VAGUE = "say what will change and by how much; “{} …” alone does not say what success looks like"
UNLINKED = (
    "not linked to any outcome of the council's strategic plans, so its contribution to the "
    "golden thread is not shown"
)
PLAN_ENDS = "falls after the plan ends on 31 March 2027"


def bare(title: str) -> dict[str, str]:
    """An objective's title with no description to say more."""
    return {"title": title, "description": ""}


def vague(verb: str) -> tuple[Criterion, str]:
    return S, VAGUE.format(verb)


def test_a_sound_objective_passes() -> None:
    assert check_objective(OBJECTIVE) == []


# (changes to the sound objective, the one failure expected)
OBJECTIVE_FAILURES = [
    # Specific
    ({"title": "Safer streets"}, (S, SHORT)),
    ({"title": "  "}, (S, SHORT)),
    ({"title": "Reduce youth reoffending"}, (S, SHORT)),
    (bare("Improve health and wellbeing outcomes"), vague("Improve")),
    (bare("To improve life chances for looked-after children"), vague("Improve")),
    (bare("Supporting carers to stay in work"), vague("Supporting")),
    (bare("Work towards a greener, cleaner borough"), vague("Work towards")),
    (bare("Continue developing the town centre offer"), vague("Continue")),
    # Measurable
    ({"indicator_count": 0}, (M, "no indicator measures this objective")),
    ({"indicators_with_targets": 0}, (M, "none of its indicators has a target within the plan")),
    # Achievable
    ({"action_count": 0}, (A, "no actions say how this will be achieved")),
    ({"has_owner": False}, (A, "no owner")),
    ({"has_lead_organisation": False}, (A, "no lead organisation")),
    ({"actions_without_owner": 1}, (A, "1 action has no owner")),
    ({"actions_without_owner": 3}, (A, "3 actions have no owner")),
    # Realistic
    ({"outcome_count": 0}, (R, UNLINKED)),
    # Time-bound
    ({"deadline": None}, (T, "no deadline")),
    ({"deadline": date(2028, 6, 30)}, (T, f"the deadline, 30 June 2028, {PLAN_ENDS}")),
    ({"deadline": date(2027, 4, 1)}, (T, f"the deadline, 1 April 2027, {PLAN_ENDS}")),
    (
        {"deadline": date(2024, 3, 31)},
        (T, "the deadline, 31 March 2024, falls before the plan starts on 1 April 2024"),
    ),
]


@pytest.mark.parametrize(("changes", "failure"), OBJECTIVE_FAILURES)
def test_each_objective_rule_fires_alone(changes, failure) -> None:
    assert check_objective(replace(OBJECTIVE, **changes)) == [Failure(*failure)]


# Changes to the sound objective that must not fail it
OBJECTIVE_PASSES = [
    {"title": "Cut youth reoffending rates"},  # four words is enough
    {"title": "Improve health and wellbeing outcomes"},  # the description says what will change
    {"title": "Improve school attendance to 95%", "description": ""},
    {"title": "Improve the KS2 results of 300 pupils", "description": ""},
    {"title": "Halve the number of people sleeping rough", "description": ""},
    {"title": "Improving outcomes: ten more family hubs", "description": ""},
    {"title": "Reduce smoking in pregnancy across Trafford", "description": ""},
    {"title": "Residents feel supported to live independently", "description": ""},
    {"indicators_with_targets": 1},  # one indicator with a target is measurable
    {"actions_without_owner": 0},
    {"deadline": date(2027, 3, 31)},  # the last day of the plan
    {"deadline": date(2024, 4, 1)},  # the first day of the plan
    {"deadline": date(2025, 9, 5)},
]


@pytest.mark.parametrize("changes", OBJECTIVE_PASSES)
def test_objective_rules_that_do_not_fire(changes) -> None:
    assert check_objective(replace(OBJECTIVE, **changes)) == []


def test_a_title_can_be_both_too_short_and_vague() -> None:
    facts = replace(OBJECTIVE, title="Improve health", description="")
    assert check_objective(facts) == [Failure(S, SHORT), Failure(S, VAGUE.format("Improve"))]


def test_objective_failures_come_in_smart_order() -> None:
    facts = ObjectiveFacts(
        title="Enhance",
        description="",
        has_owner=False,
        has_lead_organisation=False,
        deadline=None,
        plan_first_year=2024,
        plan_last_year=2026,
        indicator_count=0,
        indicators_with_targets=0,
        action_count=0,
        actions_without_owner=0,
        outcome_count=0,
    )
    failures = check_objective(facts)
    assert [f.criterion for f in failures] == [S, S, M, A, A, A, R, T]
    assert summary(failures) == {
        S: [SHORT, VAGUE.format("Enhance")],
        M: ["no indicator measures this objective"],
        A: ["no actions say how this will be achieved", "no owner", "no lead organisation"],
        R: [UNLINKED],
        T: ["no deadline"],
    }


# Targets

# Quarterly results, each year's quarters alike: year-on-year changes of 2.0, 1.5, 1.5, 2.1 and
# 0.9 in the last five years (2021/22 to 2025/26), so the best year gave 2.1.
HISTORY = quarterly(
    {2020: "50.0", 2021: "52.0", 2022: "53.5", 2023: "55.0", 2024: "57.1", 2025: "58.0"}
)
TODAY = date(2026, 5, 1)  # 2025/26 Q4, the latest result, has ended

TARGET = TargetFacts(
    indicator_code="CS03",
    indicator_title="Residents who feel safe outside after dark",
    has_definition=True,
    unit="%",
    decimals=1,
    polarity=HIGHER,
    period=P("2026/27 Q4"),
    value=D("60.0"),  # 2.0 in the year from 58.0: no faster than the best year
    upper=None,
    plan_first_year=2024,
    plan_last_year=2026,
    history=HISTORY,
    baseline=D("50.0"),
    baseline_period=P("2020/21"),
    comparators=[],
    has_owner=True,
    has_actions=True,
    has_lead_organisation=True,
)

TOO_FAST = "target {} needs {} a year of improvement; the best year in the last five gave {}"


def test_a_sound_target_passes() -> None:
    assert check_target(TARGET, today=TODAY) == []


# (changes to the sound target, the one failure expected)
TARGET_FAILURES = [
    # Specific
    ({"has_definition": False}, (S, "CS03 has no definition, so people may count it differently")),
    # Measurable
    (
        {"history": {}, "baseline": None, "baseline_period": None},
        (M, "CS03 has no baseline or past results to measure change from"),
    ),
    # Achievable: the example, 19.0 points in the two years from 31 March 2026
    (
        {"period": P("2027/28 Q4"), "value": D("77.0"), "plan_last_year": 2027},
        (A, TOO_FAST.format("2027/28 Q4", "9.5 points", "2.1")),
    ),
    ({"value": D("60.2")}, (A, TOO_FAST.format("2026/27 Q4", "2.2 points", "2.1"))),
    (
        {"unit": "percentage points", "value": D("62.0")},
        (A, TOO_FAST.format("2026/27 Q4", "4.0 points", "2.1")),
    ),
    (
        {"decimals": 2, "period": P("2027/28 Q4"), "value": D("77.0"), "plan_last_year": 2027},
        (A, TOO_FAST.format("2027/28 Q4", "9.49 points", "2.10")),
    ),
    # Realistic
    (
        {"comparators": [D("55.0"), D("58.3"), D("59.9")]},
        (R, "a target of 60.0% would be better than every comparator area (best 59.9%)"),
    ),
    ({"has_owner": False}, (R, "CS03 has no owner")),
    ({"has_actions": False}, (R, "no action is planned for the objectives CS03 measures")),
    ({"has_lead_organisation": False}, (R, "no organisation leads the work on CS03")),
    # Time-bound
    ({"period": P("2028/29 Q1")}, (T, "2028/29 Q1 is outside the plan (2024/25 to 2026/27)")),
    (
        {"period": P("2023/24 Q4"), "value": D("55.0")},
        (T, "2023/24 Q4 is outside the plan (2024/25 to 2026/27)"),
    ),
    ({"period": P("Apr 2027")}, (T, "Apr 2027 is outside the plan (2024/25 to 2026/27)")),
    ({"period": P("2027/28")}, (T, "2027/28 is outside the plan (2024/25 to 2026/27)")),
    (
        {"period": P("2025/26 Q1"), "value": D("57.0"), "plan_first_year": 2026},
        (T, "2025/26 Q1 is outside the plan (2026/27)"),
    ),
]


@pytest.mark.parametrize(("changes", "failure"), TARGET_FAILURES)
def test_each_target_rule_fires_alone(changes, failure) -> None:
    assert check_target(replace(TARGET, **changes), today=TODAY) == [Failure(*failure)]


# Changes to the sound target that must not fail it
TARGET_PASSES = [
    # Measurable: either a baseline or past results is enough
    {"history": {}},
    {"baseline": None, "baseline_period": None},
    # Achievable
    {"value": D("60.1")},  # needs 2.1 a year, exactly the best year: not a failure
    {"value": D("55.0")},  # already met by the latest result
    {"value": D("58.0")},
    {"history": {}, "value": D("99.0")},  # no history: nothing to judge the pace by
    {"history": annual({2024: "50.0", 2025: "51.0"}), "period": P("2026/27"), "value": D("99.0")},
    {"polarity": BAND, "value": D("99.0"), "upper": D("99.5")},  # a band has no rate to beat
    # Realistic: the target is no better than the best comparator, or too few comparators
    {"comparators": [D("55.0"), D("58.3"), D("60.0")]},
    {"comparators": [D("55.0"), D("58.3"), D("59.96")]},  # shown as 60.0, the same
    {"comparators": [D("55.0"), D("58.3")]},
    {"polarity": BAND, "upper": D("65.0"), "comparators": [D("50"), D("52"), D("55")]},
    # Time-bound: the plan's first and last quarters, year and month
    {"period": P("2024/25 Q1"), "value": D("40.0")},
    {"period": P("2026/27 Q4")},
    {"period": P("Mar 2027"), "value": D("58.0")},
    {"period": P("2026/27"), "value": D("58.0")},
]


@pytest.mark.parametrize("changes", TARGET_PASSES)
def test_target_rules_that_do_not_fire(changes) -> None:
    assert check_target(replace(TARGET, **changes), today=TODAY) == []


# Achievable, in detail

LOWER_HISTORY = quarterly(
    {2020: "400", 2021: "380", 2022: "370", 2023: "365", 2024: "350", 2025: "352"}
)
LOWER_TARGET = replace(
    TARGET,
    unit="per 10,000 aged 10-17",
    decimals=0,
    polarity=LOWER,
    history=LOWER_HISTORY,
    baseline=None,
    baseline_period=None,
    period=P("2027/28 Q4"),
    plan_last_year=2027,
)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        # 52 down from 352 in two years; the best year fell by 20 (2020/21 to 2021/22)
        ("300", TOO_FAST.format("2027/28 Q4", "26.0 per 10,000 aged 10-17", "20.0")),
        ("320", None),  # 16.0 a year
        ("312", None),  # 20.0 a year, exactly the best
        ("311", TOO_FAST.format("2027/28 Q4", "20.5 per 10,000 aged 10-17", "20.0")),
        ("352", None),  # already there
        ("400", None),  # a target worse than now needs no improvement
    ],
)
def test_lower_is_better_needs_a_fall(target, message) -> None:
    failures = check_target(replace(LOWER_TARGET, value=D(target)), today=TODAY)
    assert failures == ([] if message is None else [Failure(A, message)])


@pytest.mark.parametrize(
    ("by_year", "gave"),
    [
        ({2022: "60.0", 2023: "59.5", 2024: "58.8", 2025: "58.0"}, "a worsening of 0.5"),
        ({2022: "58.0", 2023: "58.0", 2024: "58.0", 2025: "58.0"}, "no improvement"),
        ({2022: "58.0", 2023: "58.0", 2024: "58.04", 2025: "58.0"}, "no improvement"),
    ],
)
def test_when_no_year_improved(by_year, gave) -> None:
    facts = replace(TARGET, history=quarterly(by_year), value=D("58.5"))
    assert check_target(facts, today=TODAY) == [
        Failure(A, TOO_FAST.format("2026/27 Q4", "0.5 points", gave))
    ]


def test_two_changes_are_enough_evidence_and_one_is_not() -> None:
    two = annual({2023: "50.0", 2024: "51.0", 2025: "52.0"})
    facts = replace(TARGET, history=two, baseline=None, period=P("2026/27"), value=D("55.0"))
    assert check_target(facts, today=TODAY) == [
        Failure(A, TOO_FAST.format("2026/27", "3.0 points", "1.0"))
    ]
    one = {p: v for p, v in two.items() if p != P("2023/24")}
    assert check_target(replace(facts, history=one), today=TODAY) == []


def test_the_baseline_counts_as_a_result() -> None:
    # Two recorded years give one change; the baseline a year before them gives a second.
    facts = replace(
        TARGET,
        history=annual({2023: "51.0", 2024: "52.0"}),
        baseline=D("50.0"),
        baseline_period=P("2022/23"),
        period=P("2026/27"),
        value=D("60.0"),
    )
    assert check_target(facts, today=TODAY) == [
        Failure(A, TOO_FAST.format("2026/27", "4.0 points", "1.0"))
    ]
    assert check_target(replace(facts, baseline_period=None), today=TODAY) == []


def test_a_recorded_result_wins_over_the_baseline_for_the_same_period() -> None:
    facts = replace(TARGET, baseline=D("10.0"), baseline_period=P("2024/25 Q4"))
    assert check_target(facts, today=TODAY) == []


def test_results_not_yet_ended_are_not_evidence() -> None:
    # 61.0 for a quarter still running on 1 May 2026 would make 62.0 look near.
    history = HISTORY | {P("2026/27 Q1"): D("61.0")}
    facts = replace(TARGET, history=history, value=D("62.0"))
    too_fast = [Failure(A, TOO_FAST.format("2026/27 Q4", "4.0 points", "2.1"))]
    assert check_target(facts, today=TODAY) == too_fast
    assert check_target(facts, today=date(2026, 7, 1)) == []


def test_the_start_is_the_latest_result_before_the_target_period() -> None:
    history = HISTORY | {P("2027/28 Q1"): D("70.0")}
    facts = replace(
        TARGET, history=history, value=D("62.0"), period=P("2027/28 Q1"), plan_last_year=2027
    )
    # 4.0 points up from 2025/26 Q4 (58.0) in 15 months; the later 70.0 is the target's own.
    assert check_target(facts, today=date(2027, 5, 1), version_start=date(2026, 5, 1)) == [
        Failure(A, TOO_FAST.format("2027/28 Q1", "3.2 points", "2.1"))
    ]


# Achievable and time: a version is judged from its start, with the history known then;
# a period already reported is judged by its result.

# A monthly rate, lower is better, falling 0.2 a year: the example.
MONTHLY = {
    P(f"{month} {year}"): D(value)
    for (year, value) in ((2024, "3.7"), (2025, "3.5"))
    for month in ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
} | {
    P(f"{month} {year}"): D(value)
    for (year, value) in ((2025, "3.7"), (2026, "3.5"))
    for month in ("Jan", "Feb", "Mar")
}
MONTHLY |= {P("Apr 2026"): D("3.4"), P("May 2026"): D("3.4"), P("Jun 2026"): D("3.3")}
MONTHLY |= {P("Jul 2026"): D("3.3")}
RATE = replace(
    TARGET,
    indicator_code="CS07",
    polarity=LOWER,
    unit="%",
    decimals=1,
    history=MONTHLY,
    baseline=None,
    baseline_period=None,
    period=P("Aug 2026"),
    value=D("3.0"),
)
DECEMBER = date(2026, 12, 3)


def test_a_period_whose_result_beat_its_target_is_not_flagged_for_a_rate() -> None:
    # Aug 2026's 2.8% beat its 3.0% target, so it needs no rate of improvement at all
    # (from Jul 2026's 3.3% a month earlier it "needed 3.5 points a year").
    facts = replace(RATE, history=MONTHLY | {P("Aug 2026"): D("2.8")})
    assert check_target(facts, today=DECEMBER, version_start=date(2026, 12, 1)) == []
    assert check_target(facts, today=DECEMBER) == []


def test_a_period_whose_result_missed_its_target_is_not_a_smart_failure() -> None:
    # Judged by its result (red on the performance pages), not by a rate it "needs".
    facts = replace(RATE, history=MONTHLY | {P("Aug 2026"): D("3.4")})
    assert check_target(facts, today=DECEMBER, version_start=date(2026, 12, 1)) == []


def test_a_band_with_a_result_is_judged_by_its_result_too() -> None:
    facts = replace(
        RATE, polarity=BAND, upper=D("3.2"), history=MONTHLY | {P("Aug 2026"): D("3.3")}
    )
    assert check_target(facts, today=DECEMBER) == []


def test_a_result_not_yet_known_on_the_day_of_the_check_is_not_used() -> None:
    # Checked as of the day of approval, 1 August 2026: Aug 2026 had not ended, so its
    # result is not known and the rate from Jul 2026 (3.3%) is what there is to judge by.
    facts = replace(RATE, history=MONTHLY | {P("Aug 2026"): D("2.8")})
    assert check_target(facts, today=date(2026, 8, 1)) == [
        Failure(A, TOO_FAST.format("Aug 2026", "3.5 points", "0.2"))
    ]


def test_the_rate_is_judged_from_the_versions_start_with_the_results_known_then() -> None:
    # Version approved on 1 May 2026, when 2025/26 Q4 (58.0) was the latest result: 62.0 by
    # 2026/27 Q4 needs 4.0 points a year. A 61.0 reported later does not make it look near.
    history = HISTORY | {P("2026/27 Q1"): D("61.0")}
    facts = replace(TARGET, history=history, value=D("62.0"))
    too_fast = [Failure(A, TOO_FAST.format("2026/27 Q4", "4.0 points", "2.1"))]
    assert check_target(facts, today=date(2026, 8, 1), version_start=date(2026, 5, 1)) == too_fast
    # A version started on 1 August 2026 knows the 61.0.
    assert check_target(facts, today=date(2026, 8, 1), version_start=date(2026, 8, 1)) == []


def test_a_target_before_the_versions_start_without_a_result_uses_what_was_known() -> None:
    # 2026/27 Q1 ended before the version started but has no result yet: its rate is
    # judged from the latest result before it, as known at the start.
    facts = replace(TARGET, period=P("2026/27 Q1"), value=D("61.0"))
    assert check_target(facts, today=date(2026, 8, 1), version_start=date(2026, 8, 1)) == [
        Failure(A, TOO_FAST.format("2026/27 Q1", "12.0 points", "2.1"))
    ]


def test_large_numbers_have_thousands_separators() -> None:
    facts = replace(
        TARGET,
        unit="count",
        decimals=0,
        history=quarterly({2022: "10000", 2023: "11000", 2024: "12500", 2025: "13000"}),
        baseline=None,
        value=D("16000"),
    )
    assert check_target(facts, today=TODAY) == [
        Failure(A, TOO_FAST.format("2026/27 Q4", "3,002.1", "1,500.0"))
    ]


# Comparators, and how values are written with their units

COMPARED = replace(TARGET, history={}, comparators=[D("6.2"), D("7.0"), D("8.1")])


@pytest.mark.parametrize(
    ("unit", "decimals", "target", "best"),
    [
        ("%", 1, "5.0%", "6.2%"),
        ("percentage points", 1, "5.0 percentage points", "6.2 percentage points"),
        ("count", 0, "5", "6"),
        ("", 0, "5", "6"),
        ("rate per 10,000", 1, "5.0 per 10,000", "6.2 per 10,000"),
        ("per 100,000 population", 1, "5.0 per 100,000 population", "6.2 per 100,000 population"),
        ("£ per head", 2, "£5.00 per head", "£6.20 per head"),
        ("£ million", 1, "£5.0 million", "£6.2 million"),
        ("£", 2, "£5.00", "£6.20"),
        ("days", 1, "5.0 days", "6.2 days"),
    ],
)
def test_a_target_better_than_every_comparator(unit, decimals, target, best) -> None:
    facts = replace(COMPARED, unit=unit, decimals=decimals, polarity=LOWER, value=D("5.0"))
    message = f"a target of {target} would be better than every comparator area (best {best})"
    assert check_target(facts, today=TODAY) == [Failure(R, message)]


def test_negative_values_keep_their_sign_before_the_pound() -> None:
    facts = replace(
        COMPARED, unit="£ million", comparators=[D("-3"), D("-2.5"), D("-4")], value=D("-1.5")
    )
    message = (
        "a target of -£1.5 million would be better than every comparator area (best -£2.5 million)"
    )
    assert check_target(facts, today=TODAY) == [Failure(R, message)]


@pytest.mark.parametrize(("target", "fails"), [("6.1", True), ("6.2", False), ("7.5", False)])
def test_comparators_lower_is_better(target, fails) -> None:
    facts = replace(COMPARED, polarity=LOWER, value=D(target))
    assert bool(check_target(facts, today=TODAY)) is fails


def test_target_failures_come_in_smart_order() -> None:
    facts = replace(
        TARGET,
        has_definition=False,
        history={},
        baseline=None,
        comparators=[D("1"), D("2"), D("3")],
        has_owner=False,
        has_actions=False,
        has_lead_organisation=False,
        period=P("2030/31 Q1"),
    )
    failures = check_target(facts, today=TODAY)
    assert [f.criterion for f in failures] == [S, M, R, R, R, R, T]
    assert list(summary(failures)) == [S, M, R, T]
    assert all(not f.message.endswith(".") for f in failures)


# annual_changes


def test_annual_changes_are_year_on_year_over_the_last_five_years() -> None:
    assert (
        annual_changes(HISTORY, HIGHER)
        == [D("2.0")] * 4 + [D("1.5")] * 8 + [D("2.1")] * 4 + [D("0.9")] * 4
    )


def test_annual_changes_for_lower_is_better_count_falls_as_improvement() -> None:
    changes = annual_changes(LOWER_HISTORY, LOWER, years=2)
    assert changes == [D("15")] * 4 + [D("-2")] * 4


@pytest.mark.parametrize(("years", "count"), [(1, 4), (2, 8), (5, 20), (6, 20), (10, 20)])
def test_annual_changes_look_back_a_number_of_financial_years(years, count) -> None:
    assert len(annual_changes(HISTORY, HIGHER, years=years)) == count


def test_annual_changes_count_back_from_the_latest_result() -> None:
    old = annual({2005: "10", 2006: "11", 2007: "13"})
    assert annual_changes(old, HIGHER, years=5) == [D("1"), D("2")]


def test_annual_changes_skip_periods_with_no_result_a_year_earlier() -> None:
    gappy = annual({2020: "10", 2021: "12", 2023: "15", 2024: "16"})
    assert annual_changes(gappy, HIGHER) == [D("2"), D("1")]


def test_annual_changes_leave_out_periods_not_ended_by_today() -> None:
    assert len(annual_changes(HISTORY, HIGHER, today=date(2026, 3, 31))) == 19
    assert len(annual_changes(HISTORY, HIGHER, today=date(2026, 4, 1))) == 20


@pytest.mark.parametrize(
    ("history", "polarity"),
    [({}, HIGHER), (annual({2024: "1"}), HIGHER), (HISTORY, BAND)],
)
def test_annual_changes_can_be_none(history, polarity) -> None:
    assert annual_changes(history, polarity) == []


def test_annual_changes_need_at_least_a_year() -> None:
    with pytest.raises(ValueError, match="at least one year"):
        annual_changes(HISTORY, HIGHER, years=0)


# Criterion, Failure and summary


def test_criteria_are_labelled_in_smart_order() -> None:
    assert Criterion.choices() == [
        ("specific", "Specific"),
        ("measurable", "Measurable"),
        ("achievable", "Achievable"),
        ("realistic", "Realistic"),
        ("time_bound", "Time-bound"),
    ]


def test_a_failure_reads_with_its_criterion() -> None:
    failure = Failure(M, "no indicator measures this objective")
    assert str(failure) == "Measurable: no indicator measures this objective"


def test_summary_groups_in_smart_order_whatever_the_order_given() -> None:
    failures = [
        Failure(T, "no deadline"),
        Failure(A, "no owner"),
        Failure(A, "1 action has no owner"),
    ]
    assert list(summary(failures).items()) == [
        (A, ["no owner", "1 action has no owner"]),
        (T, ["no deadline"]),
    ]
    assert summary([]) == {}
