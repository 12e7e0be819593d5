"""The SMART check: which of specific, measurable, achievable, realistic and time-bound an
objective or a target fails, and why, in words a council officer can act on.

Each failure is one sentence fragment, starting lower-case with no full stop, so a page can
show it after its criterion ("Measurable: no indicator measures this objective") and a plan
can be approved only with a recorded reason for each one.

Achievable and Realistic rest on evidence, as the issue asks: the indicator's own history
(the rate of improvement a target needs against the rates seen), comparator areas' values,
and whether the work has an owner, a lead organisation and actions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from goldenthread.rules._labels import LabelledEnum
from goldenthread.rules.periods import _MONTH_NAMES, Frequency, Period, PeriodError
from goldenthread.rules.rag import Polarity

# How far back the rates of change seen are taken from, in financial years.
YEARS_OF_EVIDENCE = 5
# Fewer comparator areas than this say little about what is possible.
MIN_COMPARATORS = 3

_MIN_TITLE_WORDS = 4
# The verbs plan objectives most often start with when they do not say what will change.
_VAGUE_START = re.compile(
    r"(?:to\s+)?(?P<verb>improv\w*|enhanc\w*|support\w*|promot\w*|develop\w*|continu\w*"
    r"|work(?:s|ing)?\s+towards?)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\d|%|\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|hundred"
    r"|thousand|million|half|halve[sd]?|halving|double[sd]?|doubling|treble[sd]?|triple[sd]?"
    r"|per\s?cent)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w[\w'’-]*")
_NUMBER_WORDS = {3: "three", 4: "four", 5: "five", 10: "ten"}
# Units that say nothing a bare number does not: "needs 12.0 a year", not "12.0 count".
_UNNAMED_UNITS = {"", "count", "number", "no."}
_DAYS_IN_A_YEAR = Decimal("365.25")
# The polarities with a better direction, for the checks that need one.
_DIRECTED = (Polarity.HIGHER, Polarity.LOWER)


class Criterion(LabelledEnum):
    SPECIFIC = "specific", "Specific"
    MEASURABLE = "measurable", "Measurable"
    ACHIEVABLE = "achievable", "Achievable"
    REALISTIC = "realistic", "Realistic"
    TIME_BOUND = "time_bound", "Time-bound"


@dataclass(frozen=True)
class Failure:
    criterion: Criterion
    message: str  # lower-case start, no full stop: it follows "Criterion: " on the page

    def __str__(self) -> str:
        return f"{self.criterion.label}: {self.message}"


@dataclass(frozen=True)
class ObjectiveFacts:
    title: str
    description: str
    has_owner: bool
    has_lead_organisation: bool
    deadline: date | None
    plan_first_year: int  # start years of the plan's first and last financial years
    plan_last_year: int
    indicator_count: int
    indicators_with_targets: int  # indicators with at least one target in the plan's span
    action_count: int
    actions_without_owner: int
    outcome_count: int


@dataclass(frozen=True)
class TargetFacts:
    indicator_code: str
    indicator_title: str
    has_definition: bool
    unit: str
    decimals: int
    polarity: Polarity
    period: Period  # the target's period
    value: Decimal  # the target; for a band, its lower edge
    upper: Decimal | None  # a band's upper edge
    plan_first_year: int
    plan_last_year: int
    history: Mapping[Period, Decimal]  # the indicator's recorded results, may be empty
    baseline: Decimal | None
    baseline_period: Period | None
    comparators: Sequence[Decimal]  # latest values of comparator areas, may be empty
    has_owner: bool  # the indicator has an owner
    has_actions: bool  # some objective the indicator measures has at least one action
    has_lead_organisation: bool  # the indicator's or the objective's organisation is set


def check_objective(facts: ObjectiveFacts) -> list[Failure]:
    """Everything the objective fails, in S-M-A-R-T order.

    Specific cannot read English, so it looks for the two commonest faults of a plan
    objective: a title too short to say what will change, and a title that starts with a
    vague verb ("Improve …", "Support …", "Work towards …"), has no number in it and has no
    description to say what success looks like. The verb is looked for at the start of the
    title (after an optional "To"), which is where objectives put it.

    Realistic: the evidence that a target is realistic (the indicator's history, comparator
    areas) belongs to the objective's targets and is checked there, and the work behind it
    (owner, lead organisation, actions) is checked here under Achievable. What is left for
    the objective itself is the test that councils reading SMART's R as "relevant" make: is
    the objective linked to an outcome of the council's strategic plans? An objective that
    is not is a break in the golden thread, which the golden thread page also lists; making
    it a failure here means a plan is not approved with the break unless someone records why.
    """
    failures: list[Failure] = []

    def fail(criterion: Criterion, message: str) -> None:
        failures.append(Failure(criterion, message))

    title = facts.title.strip()
    if len(_WORD.findall(title)) < _MIN_TITLE_WORDS:
        fail(
            Criterion.SPECIFIC,
            "the title is too short to say what will change; say what, for whom and where",
        )
    vague = _VAGUE_START.match(title)
    if vague and not facts.description.strip() and not _NUMBER.search(title):
        verb = vague["verb"]
        fail(
            Criterion.SPECIFIC,
            f"say what will change and by how much; “{verb[0].upper()}{verb[1:]} …” alone "
            "does not say what success looks like",
        )

    if facts.indicator_count == 0:
        fail(Criterion.MEASURABLE, "no indicator measures this objective")
    elif facts.indicators_with_targets == 0:
        fail(Criterion.MEASURABLE, "none of its indicators has a target within the plan")

    if facts.action_count == 0:
        fail(Criterion.ACHIEVABLE, "no actions say how this will be achieved")
    if not facts.has_owner:
        fail(Criterion.ACHIEVABLE, "no owner")
    if not facts.has_lead_organisation:
        fail(Criterion.ACHIEVABLE, "no lead organisation")
    if facts.actions_without_owner == 1:
        fail(Criterion.ACHIEVABLE, "1 action has no owner")
    elif facts.actions_without_owner > 1:
        fail(Criterion.ACHIEVABLE, f"{facts.actions_without_owner} actions have no owner")

    if facts.outcome_count == 0:
        fail(
            Criterion.REALISTIC,
            "not linked to any outcome of the council's strategic plans, so its contribution "
            "to the golden thread is not shown",
        )

    # A deadline outside the plan belongs to another plan: before it, the objective is
    # already late when the plan starts; after it, nobody reviewing this plan will see it met.
    plan_starts = date(facts.plan_first_year, 4, 1)
    plan_ends = date(facts.plan_last_year + 1, 3, 31)
    if facts.deadline is None:
        fail(Criterion.TIME_BOUND, "no deadline")
    elif facts.deadline > plan_ends:
        fail(
            Criterion.TIME_BOUND,
            f"the deadline, {_long_date(facts.deadline)}, falls after the plan ends on "
            f"{_long_date(plan_ends)}",
        )
    elif facts.deadline < plan_starts:
        fail(
            Criterion.TIME_BOUND,
            f"the deadline, {_long_date(facts.deadline)}, falls before the plan starts on "
            f"{_long_date(plan_starts)}",
        )
    return failures


def check_target(
    facts: TargetFacts, *, today: date, version_start: date | None = None
) -> list[Failure]:
    """Everything the target fails, in S-M-A-R-T order.

    Achievable is judged in time. A target whose period already has a result (its period
    ended before ``today``) is judged by that result on the performance pages (its RAG), never
    by a rate of change it "needs" — a month after the last result, a small gap would read as a huge
    yearly rate although the result is in. Any other target is judged from the version's
    start (``version_start``, the day the plan version was approved, or ``today`` for one
    being checked for approval) with the history known then: results for periods that had
    ended by that day. So an approved version's check does not drift as results come in.

    The rate check compares the improvement a year the target needs with the best year-on-year
    improvement the indicator has shown in the last five years (``annual_changes``). The
    starting point is the latest result known before the target's period; the baseline counts as
    a result where none is recorded for its period. Both figures are compared as they are
    shown (rounded to the indicator's decimals, at least one), so the page never says a
    target "needs 2.1" when "the best year gave 2.1". There is no failure when:

    - the target is already met by the latest result (nothing to improve);
    - fewer than two year-on-year changes are known: one good or bad year is luck as much as
      evidence, and failing every new indicator would teach officers to ignore the check
      (Measurable already says when there is nothing to measure change from);
    - the indicator's target is a band, or it has no better direction
      (``Polarity.NEITHER``, a context measure): there is no "better" direction to have a
      rate in. Such an indicator needs no target; a target set for it is checked only for
      what does not need a direction.

    Realistic fails a target better than every comparator area (with at least three of
    them, and not for a band), and when the indicator has no owner, no lead organisation or
    no action behind it.
    """
    failures: list[Failure] = []

    def fail(criterion: Criterion, message: str) -> None:
        failures.append(Failure(criterion, message))

    code = facts.indicator_code
    polarity = Polarity(facts.polarity)
    known_then = min(version_start or today, today)
    results = _results(facts, known_then)

    if not facts.has_definition:
        fail(Criterion.SPECIFIC, f"{code} has no definition, so people may count it differently")

    if not facts.history and facts.baseline is None:
        fail(Criterion.MEASURABLE, f"{code} has no baseline or past results to measure change from")

    # A period already reported is judged by its result (its RAG on the performance pages),
    # not here: a missed month is performance to act on, not a flaw in how the plan was set.
    reported = facts.period.end < today and facts.period in facts.history
    if not reported and polarity in _DIRECTED and (message := _too_fast(facts, polarity, results)):
        fail(Criterion.ACHIEVABLE, message)

    if polarity in _DIRECTED and (message := _beyond_comparators(facts, polarity)):
        fail(Criterion.REALISTIC, message)
    if not facts.has_owner:
        fail(Criterion.REALISTIC, f"{code} has no owner")
    if not facts.has_actions:
        fail(Criterion.REALISTIC, f"no action is planned for the objectives {code} measures")
    if not facts.has_lead_organisation:
        fail(Criterion.REALISTIC, f"no organisation leads the work on {code}")

    if not facts.plan_first_year <= facts.period.financial_year().year <= facts.plan_last_year:
        fail(
            Criterion.TIME_BOUND,
            f"{facts.period.label} is outside the plan "
            f"({_plan_span(facts.plan_first_year, facts.plan_last_year)})",
        )
    return failures


def annual_changes(
    history: Mapping[Period, Decimal],
    polarity: Polarity,
    years: int = YEARS_OF_EVIDENCE,
    today: date | None = None,
) -> list[Decimal]:
    """Year-on-year improvements seen, oldest first; positive is better, by ``polarity``.

    One for each result in the last ``years`` financial years up to the latest result whose
    same period a year earlier also has a result: a quarterly indicator gives up to four a
    year. With ``today``, results for periods that have not ended by then are left out. A
    band, or an indicator with no better direction (``Polarity.NEITHER``), gives none.
    """
    if years < 1:
        raise ValueError(f"Rates of change need at least one year, not {years}.")
    polarity = Polarity(polarity)
    if polarity not in _DIRECTED:
        return []
    known = {p: v for p, v in history.items() if today is None or p.end < today}
    if not known:
        return []
    last_year = max(known, key=_chronological).year
    changes = []
    for period in sorted(known, key=_chronological):
        if period.year <= last_year - years:
            continue
        try:
            year_before = period.same_period_last_year()
        except PeriodError:  # the earliest year a period can have
            continue
        if year_before in known:
            changes.append(_gain(known[period], known[year_before], polarity))
    return changes


def summary(failures: Sequence[Failure]) -> dict[Criterion, list[str]]:
    """Messages grouped by criterion, in S-M-A-R-T order; criteria with none are left out."""
    grouped: dict[Criterion, list[str]] = {}
    for criterion in Criterion:
        messages = [f.message for f in failures if f.criterion is criterion]
        if messages:
            grouped[criterion] = messages
    return grouped


def _results(facts: TargetFacts, today: date) -> dict[Period, Decimal]:
    """Recorded results that had ended by ``today``, with the baseline where it adds one."""
    results: dict[Period, Decimal] = {}
    if facts.baseline is not None and facts.baseline_period is not None:
        results[facts.baseline_period] = facts.baseline
    results |= facts.history  # a recorded result wins over a baseline for the same period
    return {p: v for p, v in results.items() if p.end < today}


def _too_fast(facts: TargetFacts, polarity: Polarity, results: Mapping[Period, Decimal]) -> str:
    """The Achievable failure, or "" when the history does not show the target out of reach."""
    before = {p: v for p, v in results.items() if p.end < facts.period.start}
    if not before:
        return ""
    latest = max(before, key=_chronological)
    days = (facts.period.end - latest.end).days  # positive: the latest ended before it started
    rates = annual_changes(before, polarity, YEARS_OF_EVIDENCE)
    if len(rates) < 2:
        return ""
    decimals = max(facts.decimals, 1)
    needed = _round(_gain(facts.value, before[latest], polarity) * _DAYS_IN_A_YEAR / days, decimals)
    best = _round(max(rates), decimals)
    if needed <= 0 or needed <= best:
        return ""
    if best > 0:
        gave = _number(best, decimals)
    elif best == 0:
        gave = "no improvement"
    else:
        gave = f"a worsening of {_number(-best, decimals)}"
    return (
        f"target {facts.period.label} needs {_change(needed, decimals, facts.unit)} a year of "
        f"improvement; the best year in the last {_in_words(YEARS_OF_EVIDENCE)} gave {gave}"
    )


def _beyond_comparators(facts: TargetFacts, polarity: Polarity) -> str:
    """The comparator failure, or "" when the target is no better than every comparator."""
    if len(facts.comparators) < MIN_COMPARATORS:
        return ""
    pick = max if polarity is Polarity.HIGHER else min
    best = _round(pick(facts.comparators), facts.decimals)
    target = _round(facts.value, facts.decimals)
    if _gain(target, best, polarity) <= 0:
        return ""
    return (
        f"a target of {_value(target, facts.decimals, facts.unit)} would be better than every "
        f"comparator area (best {_value(best, facts.decimals, facts.unit)})"
    )


def _gain(new: Decimal, old: Decimal, polarity: Polarity) -> Decimal:
    """How much better ``new`` is than ``old``; negative when it is worse."""
    return new - old if polarity is Polarity.HIGHER else old - new


def _chronological(period: Period) -> tuple[date, date]:
    # By end, then start, so a quarter ending with its year counts as later than the year.
    return period.end, period.start


def _round(value: Decimal, decimals: int) -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _number(value: Decimal, decimals: int) -> str:
    return f"{_round(value, decimals):,.{decimals}f}"


def _change(amount: Decimal, decimals: int, unit: str) -> str:
    """An amount of change: "9.5 points", "3.0 per 10,000", "£1.5 million", "12.0"."""
    if unit.strip() in ("%", "percentage points"):
        return f"{_number(amount, decimals)} points"
    return _value(amount, decimals, unit)


def _value(value: Decimal, decimals: int, unit: str) -> str:
    """A value as the indicator shows it: "5.0%", "£2.50 per head", "42.0 per 10,000"."""
    unit = unit.strip()
    sign, number = ("-", _number(-value, decimals)) if value < 0 else ("", _number(value, decimals))
    if unit == "%":
        return f"{sign}{number}%"
    if unit.startswith("£"):
        rest = unit[1:].strip()
        return f"{sign}£{number} {rest}".rstrip()
    if unit.lower() in _UNNAMED_UNITS:
        return f"{sign}{number}"
    if unit.lower().startswith("rate per "):
        unit = unit[len("rate ") :]
    return f"{sign}{number} {unit}"


def _plan_span(first_year: int, last_year: int) -> str:
    first = Period(Frequency.ANNUAL, first_year, 1).label
    if last_year == first_year:
        return first
    return f"{first} to {Period(Frequency.ANNUAL, last_year, 1).label}"


def _long_date(day: date) -> str:
    return f"{day.day} {_MONTH_NAMES[day.month - 1].capitalize()} {day.year}"


def _in_words(number: int) -> str:
    return _NUMBER_WORDS.get(number, str(number))
