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
    Plan,
    Result,
    Return,
    Target,
    User,
)
from goldenthread.core.models.fields import check_bounds
from goldenthread.core.monitoring import due_periods
from goldenthread.rules import Period

from . import save_audited
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


def _locked_periods(library_indicator: LibraryIndicator) -> dict[Period, list[str]]:
    """{period: names of partnerships whose signed-off return reports it}: a signed-off
    return's results are locked, for the library as for anyone."""
    signed_off = (
        Return.objects.filter(
            partnership__indicators__in=_linked(library_indicator),
            status=Return.Status.SIGNED_OFF,
        )
        .values_list("partnership__name", "round__period")
        .distinct()
    )
    locked: dict[Period, list[str]] = {}
    for name, quarter in signed_off:
        for period in due_periods(library_indicator.frequency, quarter):
            locked.setdefault(period, []).append(name)
    return locked


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
    locked = _locked_periods(library_indicator)
    refused = [
        f"{period.label}: the signed-off return of {', '.join(sorted(set(locked[period])))} "
        "reports it, so its result is locked. The performance team can reopen that return."
        for period in changed
        if period in locked
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
