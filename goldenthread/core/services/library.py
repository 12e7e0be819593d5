"""The council indicator library (issue 16): one indicator, many partnerships.

A measure such as "16–17 year olds not in education, employment or training" is defined
once here by the performance team, with its source and published metric reference. A
partnership's plan uses it by adding an `Indicator` linked to it (`use_library_indicator`):
the definition (title, unit, decimals, polarity, frequency, how periods roll up, source)
is copied from the library and kept in step — changing the library indicator changes every
linked indicator in the same transaction, and changing those fields on a linked indicator
is refused — while each plan keeps its own code, owner, baseline, tolerance and targets,
so the same result can be green for one partnership and red for another.

Results are entered once, by the library indicator's owner or the performance team
(`record_library_results`), and written in the same transaction as a `Result` of every
linked indicator. They are held per plan, but written only through the library: every
read of results (RAG, SPC, returns, the API, open data, the annual report…) stays one
query on `Result` and needs no change, and the library is the one way in, so the copies
never differ. A result written to a linked indicator any other way (the return page and
its spreadsheet, the API, the history import) is refused with the reason, in
services.returns and services.history. A partnership's commentary on its own copy (why
the result is where it is, for its target) stays its own, written in its return.

A closed partnership's record is kept as it was: its linked indicators are neither
changed by the library nor sent new results.

Councils arrive with each partnership keeping its own copy of a measure. While a draft of
its plan uses that copy, the partnership may link it to the library indicator
(`link_to_library`): it keeps its code, owner, baseline, tolerance, targets and history,
takes the library's title, definition, roll-up and source, and from then on its results
come from the library. Only a copy measured the same way (unit, decimal places, which way
is better, how often) can be linked, and a result of its own that differs from the
library's is replaced only when the person says so — never one a signed-off return
reports. `stop_using_library` undoes the link: the indicator keeps its definition and
every result as its own, and the partnership enters its results itself again.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from goldenthread.core import audit
from goldenthread.core.access import Need, require, require_performance_team
from goldenthread.core.models import (
    Indicator,
    LibraryIndicator,
    LibraryResult,
    Objective,
    Organisation,
    Partnership,
    Plan,
    Result,
    Return,
    Target,
    User,
)
from goldenthread.core.models.fields import check_bounds
from goldenthread.core.models.indicators import ADVERBS
from goldenthread.core.monitoring import due_periods
from goldenthread.rules import Frequency, Period

from . import delete_audited, save_audited
from .plans import create_indicator

# What the performance team sets on a library indicator.
LIBRARY_FIELDS = (
    "code",
    "title",
    "definition",
    "source",
    "metric_reference",
    "unit",
    "decimals",
    "polarity",
    "frequency",
    "roll_up",
    "owner",
    "owner_organisation",
)
KEEP_LIBRARY = "Only the council performance team keeps the indicator library."
RESULT_FIELDS = ["value", "not_available", "not_available_reason", "note"]


def may_enter_results(user: User, library_indicator: LibraryIndicator) -> bool:
    """The library indicator's owner, and the council performance team."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_performance_team or (
        library_indicator.owner_id is not None and library_indicator.owner_id == user.pk
    )


def _linked(library_indicator: LibraryIndicator):
    """The linked indicators the library still writes: those of open partnerships."""
    return library_indicator.uses.filter(partnership__closed_on__isnull=True)


def _check_definition(library_indicator: LibraryIndicator) -> None:
    try:
        library_indicator.full_clean(validate_unique=True, validate_constraints=True)
    except ValidationError as error:
        raise ValidationError(
            {
                name: messages
                for name, messages in error.message_dict.items()
                if name in LIBRARY_FIELDS or name == "__all__"
            }
            or error.messages
        ) from None


@transaction.atomic
def create_library_indicator(*, by: User, **fields) -> LibraryIndicator:
    """A new indicator in the council library. `fields` are LIBRARY_FIELDS."""
    require_performance_team(by, refusal=KEEP_LIBRARY)
    unknown = set(fields) - set(LIBRARY_FIELDS)
    if unknown:
        raise ValueError(f"Not a library indicator's field: {', '.join(sorted(unknown))}")
    library_indicator = LibraryIndicator(created_by=by, **fields)
    _check_definition(library_indicator)
    return save_audited(library_indicator, by=by, reason="Added to the council library")


@transaction.atomic
def update_library_indicator(
    *, library_indicator: LibraryIndicator, by: User, **fields
) -> LibraryIndicator:
    """Change a library indicator; every plan using it (in an open partnership) gets the
    new definition in the same transaction, each change in its indicator's history."""
    require_performance_team(by, refusal=KEEP_LIBRARY)
    unknown = set(fields) - set(LIBRARY_FIELDS)
    if unknown:
        raise ValueError(f"Not a library indicator's field: {', '.join(sorted(unknown))}")
    library_indicator = LibraryIndicator.objects.select_for_update().get(pk=library_indicator.pk)
    old_frequency = library_indicator.frequency
    for name, value in fields.items():
        setattr(library_indicator, name, value)
    if library_indicator.frequency != old_frequency and (
        library_indicator.results.exists()
        or Result.objects.filter(indicator__library_indicator=library_indicator).exists()
        or Target.objects.filter(indicator__library_indicator=library_indicator).exists()
        or Indicator.objects.filter(
            library_indicator=library_indicator, plan_targets__isnull=False
        ).exists()
    ):
        raise ValidationError(
            {
                "frequency": "It has results or plans' targets of the periods it has now, "
                "so how often it is measured cannot change. Add a new library indicator "
                "for the new frequency instead."
            }
        )
    _check_definition(library_indicator)
    save_audited(library_indicator, by=by, reason="Changed in the council library")
    reason = f"Changed in the council library ({library_indicator.code})"
    wanted = library_indicator.definition_values()
    for indicator in _linked(library_indicator).select_related("partnership"):
        if all(getattr(indicator, name) == value for name, value in wanted.items()):
            continue
        for name, value in wanted.items():
            setattr(indicator, name, value)
        save_audited(indicator, by=by, reason=reason)
    return library_indicator


@transaction.atomic
def use_library_indicator(
    *,
    plan: Plan,
    objective: Objective | None,
    library_indicator: LibraryIndicator,
    by: User,
    code: str = "",
    owner: User | None = None,
    owner_organisation: Organisation | None = None,
    baseline: Decimal | None = None,
    baseline_period: Period | None = None,
    tolerance_kind: str | None = None,
    tolerance: Decimal | None = None,
) -> Indicator:
    """The draft plan starts using the library indicator: a new indicator of the
    partnership, linked to it and to `objective`, with the library's definition and every
    result the library has so far. The plan then sets its own targets. Who may do it is
    who may add an indicator to the draft (plans.create_indicator)."""
    # Who may is create_indicator's question, asked first here so that a refusal comes
    # before anything about the partnership's indicators is said.
    require(by, plan.partnership, Need.CONTRIBUTE)
    code = (code or library_indicator.code).strip()
    already = plan.partnership.indicators.filter(library_indicator=library_indicator).first()
    fields = {
        "code": code,
        **library_indicator.definition_values(),
        "library_indicator": library_indicator,
        "owner": owner,
        "owner_organisation": owner_organisation,
        "baseline": baseline,
        "baseline_period": baseline_period,
    }
    if tolerance_kind is not None:
        fields["tolerance_kind"] = tolerance_kind
    if tolerance is not None:
        fields["tolerance"] = tolerance
    if already is not None:
        raise ValidationError(
            {
                "library_indicator": f"{plan.partnership.name} already uses this library "
                f"indicator, as {already.code}: link {already.code} to the objective instead."
            }
        )
    if plan.partnership.indicators.filter(code=code).exists():
        raise ValidationError(
            {
                "code": f"{plan.partnership.name} already has an indicator {code}: "
                "choose another code."
            }
        )
    indicator = create_indicator(plan=plan, objective=objective, by=by, **fields)
    copies = [
        Result(
            indicator=indicator,
            period=r.period,
            entered_by_id=r.entered_by_id,
            **{name: getattr(r, name) for name in RESULT_FIELDS},
        )
        for r in library_indicator.results.all()
    ]
    if copies:
        bulk_create_with_history(
            copies,
            Result,
            default_user=by,
            default_change_reason=audit.reason(
                f"Copied from the council library ({library_indicator.code})"
            ),
        )
    return indicator


@dataclass(frozen=True)
class LibraryResultInput:
    value: Decimal | None
    not_available: bool = False
    not_available_reason: str = ""
    note: str = ""


def _check_results(
    library_indicator: LibraryIndicator, results: Mapping[Period, LibraryResultInput]
) -> None:
    today = timezone.localdate()
    problems: dict[str, list[str]] = {}
    for period, given in sorted(results.items()):
        where = f"{library_indicator.code} {period.label}"
        if period.frequency != library_indicator.frequency:
            problems.setdefault("period", []).append(
                f"{where}: {library_indicator.code} is measured "
                f"{library_indicator.get_frequency_display().lower()}, so enter a "
                f"{library_indicator.get_frequency_display().lower()} period."
            )
        elif period.end >= today:
            problems.setdefault("period", []).append(
                f"{where} has not ended yet: enter its result once it has."
            )
        if given.not_available:
            if not given.not_available_reason.strip():
                problems.setdefault("not_available_reason", []).append(
                    f"{where}: say why the result is not available."
                )
        elif given.value is None:
            problems.setdefault("value", []).append(
                f"{where}: enter a value, or mark it not available."
            )
    if problems:
        raise ValidationError(problems)


def _locked_periods(
    library_indicator: LibraryIndicator,
    partnership: Partnership | None = None,
    statuses: tuple[str, ...] = (Return.Status.SIGNED_OFF,),
) -> dict[Period, list[str]]:
    """{period: names of partnerships whose signed-off return reports it}: a signed-off
    return's results are locked, for the library as for anyone. Those of the partnerships
    using the library indicator, or of `partnership` alone (one about to link to it);
    returns of other `statuses` when asked (a submitted one, awaiting sign-off)."""
    returns = Return.objects.filter(status__in=statuses)
    if partnership is None:
        returns = returns.filter(partnership__indicators__in=_linked(library_indicator))
    else:
        returns = returns.filter(partnership=partnership)
    signed_off = returns.values_list("partnership__name", "round__period").distinct()
    locked: dict[Period, list[str]] = {}
    for name, quarter in signed_off:
        for period in due_periods(library_indicator.frequency, quarter):
            locked.setdefault(period, []).append(name)
    return locked


@dataclass(frozen=True)
class Frozen:
    """Why a period's result cannot change now, in words."""

    returns: str  # "the signed-off return of Safer Streets Partnership"
    state: str  # "is locked"
    advice: str  # what the performance team can do first


def _frozen_periods(
    library_indicator: LibraryIndicator, partnership: Partnership | None = None
) -> dict[Period, Frozen]:
    """{period: why its result cannot change now}: a period that a signed-off return
    reports (locked, as for anyone: the performance team reopens it first), or that a
    return awaiting sign-off reports (the partnership can no longer change it either: the
    performance team returns it first, or signs it off). Signed off wins where both are."""
    frozen: dict[Period, Frozen] = {}
    for status, returns, state, advice in (
        (
            Return.Status.SUBMITTED,
            "the return awaiting sign-off of",
            "cannot change while it awaits sign-off",
            "The performance team can return it first.",
        ),
        (
            Return.Status.SIGNED_OFF,
            "the signed-off return of",
            "is locked",
            "The performance team can reopen that return.",
        ),
    ):
        for period, names in _locked_periods(library_indicator, partnership, (status,)).items():
            frozen[period] = Frozen(f"{returns} {', '.join(sorted(set(names)))}", state, advice)
    return frozen


@transaction.atomic
def record_library_results(
    *,
    library_indicator: LibraryIndicator,
    by: User,
    results: Mapping[Period, LibraryResultInput],
) -> int:
    """Enter results once, for every plan that uses the indicator: the library's own row
    and the `Result` of every linked indicator of an open partnership, all or nothing.
    Unchanged results are left alone, so the same input twice changes nothing. A result of
    a period that a partnership's signed-off return reports is locked: the performance team
    reopens that return first. Returns how many library results changed."""
    if not may_enter_results(by, library_indicator):
        raise PermissionDenied(
            f"Only the owner of {library_indicator.code} or the council performance team "
            "enters its results."
        )
    library_indicator = LibraryIndicator.objects.select_for_update().get(pk=library_indicator.pk)
    _check_results(library_indicator, results)
    existing = {r.period: r for r in library_indicator.results.all()}
    now = timezone.now()
    changed: dict[Period, dict] = {}
    rows: list[LibraryResult] = []
    for period, given in sorted(results.items()):
        values = {
            "value": None if given.not_available else given.value,
            "not_available": given.not_available,
            "not_available_reason": given.not_available_reason.strip()
            if given.not_available
            else "",
            "note": given.note.strip(),
        }
        row = existing.get(period)
        if row is not None and all(getattr(row, k) == v for k, v in values.items()):
            continue
        row = row or LibraryResult(library_indicator=library_indicator, period=period)
        for name, value in values.items():
            setattr(row, name, value)
        row.entered_by = by
        try:
            check_bounds(row)
        except ValidationError as error:
            raise ValidationError(
                {
                    field: [f"{library_indicator.code} {period.label}: {m}" for m in messages]
                    for field, messages in error.message_dict.items()
                }
            ) from None
        changed[period] = {name: getattr(row, name) for name in values}
        rows.append(row)
    if not rows:
        return 0
    frozen = _frozen_periods(library_indicator)
    refused = [
        f"{period.label}: {frozen[period].returns} reports it, so its result "
        f"{frozen[period].state}. {frozen[period].advice}"
        for period in changed
        if period in frozen
    ]
    if refused:
        raise ValidationError({"period": refused})
    reason = f"Entered in the council library ({library_indicator.code})"
    for row in rows:
        save_audited(row, by=by, reason=reason)
    linked = list(_linked(library_indicator))
    current = {
        (r.indicator_id, r.period): r
        for r in Result.objects.filter(indicator__in=linked, period__in=list(changed))
    }
    create, update = [], []
    for indicator in linked:
        for period, values in changed.items():
            result = current.get((indicator.pk, period))
            if result is None:
                create.append(Result(indicator=indicator, period=period, entered_by=by, **values))
                continue
            for name, value in values.items():
                setattr(result, name, value)
            result.entered_by, result.entered_at = by, now
            update.append(result)
    if create:
        bulk_create_with_history(
            create, Result, default_user=by, default_change_reason=audit.reason(reason)
        )
    if update:
        bulk_update_with_history(
            update,
            Result,
            [*RESULT_FIELDS, "entered_by", "entered_at"],
            default_user=by,
            default_change_reason=audit.reason(reason),
        )
    return len(rows)


@transaction.atomic
def remove_library_result(*, library_indicator: LibraryIndicator, period: Period, by: User) -> int:
    """Take back a result entered in the library by mistake (for the wrong period, say):
    the library's row and every open partnership's copy of it are deleted, each recorded
    in its history, which keeps the figure and the partnership's commentary. Its owner or
    the performance team, as for entering one. Never a period that a partnership's
    signed-off return reports (locked: the performance team reopens it first), nor one a
    return awaiting sign-off reports (it was submitted with that result: the performance
    team returns it first). Returns how many plans' results were removed."""
    if not may_enter_results(by, library_indicator):
        raise PermissionDenied(
            f"Only the owner of {library_indicator.code} or the council performance team "
            "removes its results."
        )
    library_indicator = LibraryIndicator.objects.select_for_update().get(pk=library_indicator.pk)
    code = library_indicator.code
    row = library_indicator.results.filter(period=period).first()
    if row is None:
        raise ValidationError({"period": f"{code} has no result for {period.label}."})
    if (frozen := _frozen_periods(library_indicator).get(period)) is not None:
        raise ValidationError(
            {
                "period": f"{period.label}: {frozen.returns} reports it, so {code}'s result "
                f"for it cannot be removed. {frozen.advice}"
            }
        )
    reason = f"Removed from the council library ({code})"
    copies = list(Result.objects.filter(indicator__in=_linked(library_indicator), period=period))
    for result in copies:
        delete_audited(result, by=by, reason=reason)
    delete_audited(row, by=by, reason=reason)
    return len(copies)


# --- a partnership's own copy: linking it to the library, and stopping ------------------


def draft_using(indicator: Indicator) -> Plan | None:
    """The draft version of the partnership's plan that uses the indicator under one of
    its objectives: whether an indicator uses the library changes only with a draft, as
    its definition does."""
    return (
        Plan.objects.filter(
            partnership_id=indicator.partnership_id,
            status=Plan.Status.DRAFT,
            objectives__indicators=indicator,
        )
        .distinct()
        .first()
    )


def _require_draft(indicator: Indicator) -> Plan:
    plan = draft_using(indicator)
    if plan is None:
        raise ValidationError(
            f"{indicator.code} is in no draft of {indicator.partnership.name}'s plan: whether "
            "it uses the council library changes only with a revision of the plan. Start a "
            f"revision, with {indicator.code} under one of its objectives, first."
        )
    return plan


def measured_differently(indicator: Indicator, library_indicator: LibraryIndicator) -> list[str]:
    """How the indicator is measured otherwise than the library indicator, in words; none
    when it may be linked to it. Its results, targets and RAG keep their meaning only if
    the unit, decimal places, which way is better and how often are the same."""
    ours, theirs = indicator.code, library_indicator.code
    problems = []
    unit, library_unit = indicator.unit.strip(), library_indicator.unit.strip()
    if unit != library_unit:
        problems.append(
            f"{theirs} is measured in {library_unit or 'plain numbers'}, "
            f"{ours} in {unit or 'plain numbers'}."
        )
    if indicator.decimals != library_indicator.decimals:
        places = "place" if library_indicator.decimals == 1 else "places"
        problems.append(
            f"{theirs} is shown to {library_indicator.decimals} decimal {places}, "
            f"{ours} to {indicator.decimals}."
        )
    if indicator.polarity != library_indicator.polarity:
        problems.append(
            f"For {theirs}: {library_indicator.get_polarity_display().lower()}; "
            f"for {ours}: {indicator.get_polarity_display().lower()}."
        )
    if indicator.frequency != library_indicator.frequency:
        problems.append(
            f"{theirs} is measured {ADVERBS[Frequency(library_indicator.frequency)]}, "
            f"{ours} {ADVERBS[Frequency(indicator.frequency)]}."
        )
    return problems


def link_choices(
    indicator: Indicator,
) -> tuple[list[LibraryIndicator], list[tuple[LibraryIndicator, list[str]]]]:
    """(the library indicators the indicator may be linked to, [(each other one, why
    not)]), for the page that links it. Two queries."""
    used = dict(
        indicator.partnership.indicators.filter(library_indicator__isnull=False).values_list(
            "library_indicator_id", "code"
        )
    )
    offered, others = [], []
    for library_indicator in LibraryIndicator.objects.order_by("title", "code"):
        why = measured_differently(indicator, library_indicator)
        if library_indicator.pk in used:
            why.insert(
                0, f"{indicator.partnership.name} already uses it, as {used[library_indicator.pk]}."
            )
        if why:
            others.append((library_indicator, why))
        else:
            offered.append(library_indicator)
    return offered, others


def _figures(result: Result | LibraryResult) -> tuple:
    """What the library decides of a result, as compared: a reason only when it is not
    available, and text without stray spaces."""
    if result.not_available:
        return (None, True, result.not_available_reason.strip(), result.note.strip())
    return (result.value, False, "", result.note.strip())


def _in_words(indicator: Indicator, result: Result | LibraryResult) -> str:
    if result.not_available:
        reason = result.not_available_reason.strip()
        text = f"not available ({reason})" if reason else "not available"
    elif result.value is None:
        text = "no figure"
    else:
        # Every place the figure has: 5.52 and 5.5 must not both read "5.5%".
        places = max(indicator.decimals, -result.value.normalize().as_tuple().exponent)
        text = Indicator(unit=indicator.unit, decimals=places).format_value(result.value)
    note = result.note.strip()
    return f"{text}, note “{note}”" if note else text


@dataclass(frozen=True)
class ResultDifference:
    """A period for which the indicator's own result and the library's differ."""

    period: Period
    ours: str  # the indicator's own result, in words
    library: str  # the library's


def _compare(
    indicator: Indicator, library_indicator: LibraryIndicator
) -> tuple[list[LibraryResult], list[tuple[Result, LibraryResult]]]:
    """(the library's results of periods the indicator has none for, [(the indicator's
    result, the library's) for each period where they differ])."""
    own = {r.period: r for r in indicator.results.all()}
    missing, differing = [], []
    for row in library_indicator.results.all():
        result = own.get(row.period)
        if result is None:
            missing.append(row)
        elif _figures(result) != _figures(row):
            differing.append((result, row))
    return missing, differing


def differing_results(
    indicator: Indicator, library_indicator: LibraryIndicator
) -> list[ResultDifference]:
    """The periods linking the indicator to the library indicator would change, with
    both results in words: what the page asks the person to confirm."""
    _, differing = _compare(indicator, library_indicator)
    return [
        ResultDifference(row.period, _in_words(indicator, result), _in_words(indicator, row))
        for result, row in differing
    ]


@transaction.atomic
def link_to_library(
    *,
    indicator: Indicator,
    library_indicator: LibraryIndicator,
    by: User,
    replace_differing: bool = False,
) -> Indicator:
    """The partnership's own copy of a measure becomes its use of the library indicator:
    it keeps its code, owner, baseline, tolerance, targets and history, takes the library's
    definition, and its results come from the library from now on. Only while a draft of
    the plan uses it, by a lead or its owner (as plans.update_indicator); only an indicator
    measured the same way (`measured_differently`).

    Results: a period the library has and the indicator lacks gets the library's result;
    a period only the indicator has keeps its own; a period where the two differ is
    refused, naming each, unless `replace_differing` — then the library's is written and
    the partnership's commentary kept. A period a signed-off return of the partnership
    reports never changes: refused, as record_library_results refuses it."""
    require(by, indicator.partnership, Need.EDIT, indicator.owner_id)
    # Locked first, as record_library_results and update_library_indicator lock it: a
    # result entered meanwhile is either copied here or written to it once linked.
    library_indicator = LibraryIndicator.objects.select_for_update().get(pk=library_indicator.pk)
    indicator = (
        Indicator.objects.select_for_update(of=("self",))
        .select_related("partnership", "library_indicator")
        .get(pk=indicator.pk)
    )
    partnership, code, library_code = indicator.partnership, indicator.code, library_indicator.code
    if indicator.library_indicator_id is not None:
        current = indicator.library_indicator.code
        raise ValidationError(
            {
                "library_indicator": f"{code} already uses the council library indicator "
                f"{current}."
                + (
                    ""
                    if current == library_code
                    else f" Stop using {current} first to link {code} to {library_code}."
                )
            }
        )
    _require_draft(indicator)
    already = partnership.indicators.filter(library_indicator=library_indicator).first()
    if already is not None:
        raise ValidationError(
            {
                "library_indicator": f"{partnership.name} already uses {library_code}, as "
                f"{already.code}: a partnership uses each library indicator once. Use "
                f"{already.code} in the plan instead of {code}."
            }
        )
    if different := measured_differently(indicator, library_indicator):
        raise ValidationError(
            {
                "library_indicator": [
                    *different,
                    f"Only an indicator measured the same way as {library_code} can be "
                    "linked to it.",
                ]
            }
        )
    missing, differing = _compare(indicator, library_indicator)
    frozen = _frozen_periods(library_indicator, partnership)
    refused = [
        f"{row.period.label}: {frozen[row.period].returns} reports "
        + (
            f"{code} {_in_words(indicator, result)}, and {library_code}'s is "
            f"{_in_words(indicator, row)}"
            if result is not None
            else f"no result of {code}, and {library_code} has {_in_words(indicator, row)}"
        )
        + f", so linking would change a result that {frozen[row.period].state}. "
        + frozen[row.period].advice
        for result, row in sorted(
            [(None, row) for row in missing] + differing, key=lambda pair: pair[1].period
        )
        if row.period in frozen
    ]
    if refused:
        raise ValidationError({"period": refused})
    if differing and not replace_differing:
        listed = "; ".join(
            f"{row.period.label} ({code} {_in_words(indicator, result)}, "
            f"{library_code} {_in_words(indicator, row)})"
            for result, row in differing
        )
        count = len(differing)
        raise ValidationError(
            {
                "replace_differing": f"{count} result{'s' if count != 1 else ''} of {code} "
                f"differ{'s' if count == 1 else ''} from {library_code}'s in the library: "
                f"{listed}. Confirm that the library's replace them, or link another "
                "indicator."
            }
        )

    indicator.library_indicator = library_indicator
    for name, value in library_indicator.definition_values().items():
        setattr(indicator, name, value)
    indicator.full_clean(validate_unique=True, validate_constraints=True)
    save_audited(indicator, by=by, reason=f"Linked to the council library ({library_code})")
    if missing:
        bulk_create_with_history(
            [
                Result(
                    indicator=indicator,
                    period=row.period,
                    entered_by_id=row.entered_by_id,
                    **{name: getattr(row, name) for name in RESULT_FIELDS},
                )
                for row in missing
            ],
            Result,
            default_user=by,
            default_change_reason=audit.reason(f"Copied from the council library ({library_code})"),
        )
    if differing:
        now = timezone.now()
        for result, row in differing:
            for name in RESULT_FIELDS:
                setattr(result, name, getattr(row, name))
            # The figure is the library's; the commentary stays the partnership's own.
            result.entered_by_id, result.entered_at = row.entered_by_id, now
        bulk_update_with_history(
            [result for result, _ in differing],
            Result,
            [*RESULT_FIELDS, "entered_by", "entered_at"],
            default_user=by,
            default_change_reason=audit.reason(
                f"Replaced by the council library's result on linking ({library_code})"
            ),
        )
    return indicator


@transaction.atomic
def stop_using_library(*, indicator: Indicator, by: User) -> Indicator:
    """The partnership stops using the library indicator: its indicator keeps the
    definition and every result it has, as its own copy; the library no longer changes it
    or writes its results, and the partnership enters them itself (its return, the API,
    the history import). Same rules as linking: a draft uses it, a lead or its owner."""
    require(by, indicator.partnership, Need.EDIT, indicator.owner_id)
    linked_to = (
        Indicator.objects.filter(pk=indicator.pk).values_list("library_indicator_id", flat=True)
    ).first()
    if linked_to is not None:
        # Locked first, as the library's own writes lock it: a result being entered now
        # reaches this indicator before it stops using the library, or not at all.
        LibraryIndicator.objects.select_for_update().filter(pk=linked_to).first()
    indicator = (
        Indicator.objects.select_for_update(of=("self",))
        .select_related("partnership", "library_indicator")
        .get(pk=indicator.pk)
    )
    library_indicator = indicator.library_indicator
    if library_indicator is None:
        raise ValidationError(
            f"{indicator.code} does not use a council library indicator: its definition and "
            "results are already its own."
        )
    _require_draft(indicator)
    indicator.library_indicator = None
    return save_audited(
        indicator, by=by, reason=f"Stopped using the council library ({library_indicator.code})"
    )
