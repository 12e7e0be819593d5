"""The quarter in the product: opening it, filling in a return, submitting it, and the
performance team signing it off or returning it. Every write checks who may make it and
whether the return may still change, runs in a transaction, and is recorded in the
history."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from concurrency.exceptions import RecordModifiedError
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from goldenthread.core import audit
from goldenthread.core.access import Need, allows, require, require_performance_team
from goldenthread.core.models import (
    Action,
    ActionUpdate,
    CorrectiveAction,
    Indicator,
    NotificationKind,
    Partnership,
    ReportingRound,
    Result,
    Return,
    Risk,
    RiskReview,
    User,
    default_deadline,
)
from goldenthread.core.models.fields import check_bounds
from goldenthread.core.monitoring import due_periods, return_contents
from goldenthread.rules import ActionState, Frequency, Period, Rag, long_date

from . import save_audited
from .corrective_actions import record_progress_in_return, tell_owner
from .finance import record_spend
from .notifications import leads_of, notify


class ReturnConflict(Exception):
    """Someone else saved the return after this person opened it."""

    def __init__(self, ret: Return):
        super().__init__("The return was changed by someone else.")
        self.ret = ret


def _ensure_editable(ret: Return) -> None:
    if ret.is_locked:
        raise ValidationError(
            f"The {ret.period.label} return is signed off, so its results are locked. "
            "The performance team can reopen it, giving a reason."
        )
    if not ret.is_editable:
        raise ValidationError(
            f"The {ret.period.label} return has been submitted: it can change again if the "
            "performance team returns it."
        )


@transaction.atomic
def open_quarter(
    *, period: Period, by: User, deadline: datetime.date | None = None, early: bool = False
) -> ReportingRound:
    """Open a quarter for every partnership at once. Running it again adds returns for
    partnerships created since, and changes nothing else.

    A quarter that has not ended yet (its last day included) opens only with `early`: the
    performance team has confirmed it, because opening one early moves every partnership
    on to a quarter still under way. A quarter already open needs no confirmation.

    The round comes back with `opened_now` (False when the quarter was already open) and
    `returns_added` (how many partnerships got a return), so callers can say which."""
    require_performance_team(by, refusal="Only the council performance team opens a quarter.")
    if period.frequency != Frequency.QUARTERLY:
        raise ValidationError(
            {"period": f"{period.label} is not a quarter: choose one like 2025/26 Q3."}
        )
    deadline = deadline or default_deadline(period)
    if deadline <= period.end:
        raise ValidationError({"deadline": "The deadline must fall after the quarter ends."})
    already_open = ReportingRound.objects.filter(period=period).exists()
    if not already_open and not early and timezone.localdate() <= period.end:
        raise ValidationError(
            {
                "early": f"{period.label} has not ended yet: it ends on "
                f"{long_date(period.end)}. Confirm that you want to open it early."
            }
        )
    round_, created = ReportingRound.objects.get_or_create(
        period=period, defaults={"deadline": deadline, "opened_by": by}
    )
    have = set(round_.returns.values_list("partnership_id", flat=True))
    added = 0
    # A closed partnership reports no more: no new returns for it.
    for partnership in Partnership.objects.exclude(pk__in=have).filter(closed_on__isnull=True):
        save_audited(
            Return(round=round_, partnership=partnership, deadline=round_.deadline),
            by=by,
            reason=f"{period.label} opened",
        )
        added += 1
    round_.opened_now, round_.returns_added = created, added
    return round_


@dataclass(frozen=True)
class ResultInput:
    indicator_id: int
    period: Period
    value: Decimal | None
    not_available: bool = False
    not_available_reason: str = ""
    note: str = ""
    commentary: str = ""


@dataclass(frozen=True)
class CorrectiveInput:
    indicator_id: int
    period: Period
    description: str
    owner_id: int | None
    due_date: datetime.date | None


@dataclass(frozen=True)
class CorrectiveProgressInput:
    """How a corrective action of an earlier quarter is going, given in this return."""

    corrective_action_id: int
    status: str
    progress: str


@dataclass(frozen=True)
class ActionInput:
    action_id: int
    state: str
    percent_complete: int
    commentary: str = ""


@dataclass(frozen=True)
class ReviewInput:
    risk_id: int
    likelihood: int
    impact: int
    next_review: datetime.date
    note: str = ""


FILL_IN = "Only the partnership's leads and members fill in its return."
# What the council library writes on a result of a plan's use of a library indicator.
LIBRARY_KEEPS = ("value", "not_available", "not_available_reason", "note")


def row_error(index: int, message: str, field: str = "") -> ValidationError:
    """A problem with one row of a list of results: pages show the message; the API
    reports it at the row's place in the request (`params`: the row, and the field when
    the problem is one field's). The message is kept as written (a "%" in an indicator's
    code is not a format)."""
    params = {"row": index, "field": field}
    return ValidationError(message.replace("%", "%%"), code="row", params=params)


def _check_owner(by: User, partnership: Partnership, owner_id: int | None, what: str) -> None:
    require(
        by,
        partnership,
        Need.EDIT,
        owner_id,
        refusal=f"Only the lead or the owner can report {what}.",
    )


@transaction.atomic
def record_results(
    *, ret: Return, by: User, results: Sequence[ResultInput], how: str = "Results recorded"
) -> int:
    """Write results for indicators due in the return (a spreadsheet upload, or the API):
    new ones created, changed ones updated, unchanged ones left alone — so the same input
    twice changes nothing. A fixed number of queries however many rows. Returns how many
    rows changed.

    Only rows that change something need the lead or the indicator's owner: a member
    may send back a whole downloaded sheet, others' rows untouched. A change moves the
    return's version, as saving the page does, so anyone who opened the return before it
    is refused (ReturnConflict) rather than overwriting it unseen; `how` is the reason the
    return's history gives."""
    require(by, ret.partnership, Need.CONTRIBUTE, refusal=FILL_IN)
    # Locked, so the version moved below is the one in the database.
    ret = Return.objects.select_for_update().select_related("round", "partnership").get(pk=ret.pk)
    _ensure_editable(ret)
    changed = _write_results(ret, by, results)
    if changed:
        save_audited(ret, by=by, reason=how)
    return changed


def _write_results(ret: Return, by: User, results: Sequence[ResultInput]) -> int:
    if not results:
        return 0
    indicators = {
        i.pk: i
        for i in Indicator.objects.filter(partnership=ret.partnership).select_related(
            "library_indicator__owner"
        )
    }
    due = {f: set(due_periods(f, ret.period)) for f in {i.frequency for i in indicators.values()}}
    problems = []
    for index, row in enumerate(results):
        indicator = indicators.get(row.indicator_id)
        if indicator is None or row.period not in due[indicator.frequency]:
            name = indicator.code if indicator else "That indicator"
            problems.append(
                row_error(index, f"{name} {row.period.label} is not due in this return.")
            )
            continue
        if row.value is None and not row.not_available and (row.note or row.commentary):
            problems.append(
                row_error(
                    index,
                    f"{indicator.code} {row.period.label}: enter a value, "
                    "or mark it not available.",
                )
            )
        if row.not_available and not row.not_available_reason.strip():
            problems.append(
                row_error(
                    index,
                    f"{indicator.code} {row.period.label}: say why the result is not available.",
                )
            )
    if problems:
        raise ValidationError(problems)
    # Joined on the partnership rather than a list of ids, which could run to thousands.
    existing = {
        (r.indicator_id, r.period): r
        for r in Result.objects.filter(
            indicator__partnership=ret.partnership,
            period__in={r.period.key for r in results},
        )
    }
    fields = ["value", "not_available", "not_available_reason", "note", "commentary", "entered_by"]
    create, update = [], []
    refused = []
    now = timezone.now()
    for index, row in enumerate(results):
        if row.value is None and not row.not_available:
            continue  # nothing reported for this one yet
        values = {
            "value": None if row.not_available else row.value,
            "not_available": row.not_available,
            "not_available_reason": row.not_available_reason.strip() if row.not_available else "",
            "note": row.note.strip(),
            "commentary": row.commentary.strip(),
        }
        result = existing.get((row.indicator_id, row.period))
        if result is not None and all(getattr(result, f) == v for f, v in values.items()):
            continue
        indicator = indicators[row.indicator_id]
        _check_owner(by, ret.partnership, indicator.owner_id, f"{indicator.code}")
        if indicator.library_indicator_id is not None and (
            result is None or any(getattr(result, f) != values[f] for f in LIBRARY_KEEPS)
        ):
            # Entered once in the council library for every plan using it
            # (services.library); the partnership's own commentary is still its own.
            refused.append(
                row_error(index, indicator.library_indicator.results_refusal(indicator.code))
            )
            continue
        if result is None:
            create.append(
                Result(indicator_id=row.indicator_id, period=row.period, entered_by=by, **values)
            )
        else:
            for name, value in values.items():
                setattr(result, name, value)
            result.entered_by, result.entered_at = by, now
            update.append(result)
    if refused:
        raise ValidationError(refused)
    rows = {(row.indicator_id, row.period): index for index, row in enumerate(results)}
    _check_rows(indicators, [*create, *update], rows)
    reason = f"{ret.period.label} return"
    with transaction.atomic():
        if create:
            bulk_create_with_history(
                create, Result, default_user=by, default_change_reason=audit.reason(reason)
            )
        if update:
            bulk_update_with_history(
                update,
                Result,
                [*fields, "entered_at"],
                default_user=by,
                default_change_reason=audit.reason(reason),
            )
        _forget_drafts(ret, [*create, *update])
    return len(create) + len(update)


def _check_rows(
    indicators: Mapping[int, Indicator],
    rows: Sequence[Result],
    index: Mapping[tuple[int, Period], int],
) -> None:
    """The rules every save checks (goldenthread.core.models.fields), for rows written in
    bulk, which skips them: each problem named by its indicator and period, and tied to
    its row of the input (`index`)."""
    problems = []
    for result in rows:
        try:
            check_bounds(result)
        except ValidationError as error:
            name = f"{indicators[result.indicator_id].code} {result.period.label}"
            at = index[(result.indicator_id, result.period)]
            for field, messages in error.message_dict.items():
                label = Result._meta.get_field(field).verbose_name
                problems += [
                    row_error(at, f"{name}, {label}: {message}", field) for message in messages
                ]
    if problems:
        raise ValidationError(problems)


def _forget_drafts(ret: Return, written: Sequence[Result]) -> None:
    """A result now saved (say, from a spreadsheet) replaces what was typed for it
    earlier and kept as a draft."""
    if not ret.draft or not written:
        return
    prefixes = tuple(f"r_{r.indicator_id}_{r.period.key}_" for r in written)
    kept = {name: value for name, value in ret.draft.items() if not name.startswith(prefixes)}
    if kept != ret.draft:
        ret.draft = kept
        # Not a save(): the draft is not an edit someone could conflict with.
        Return.objects.filter(pk=ret.pk).update(draft=kept)


def _save_corrective(ret: Return, by: User, rows: Sequence[CorrectiveInput]) -> None:
    existing = {
        (c.indicator_id, c.period): c
        for c in ret.corrective_actions.select_related("indicator", "ret__partnership")
    }
    for row in rows:
        current = existing.get((row.indicator_id, row.period))
        if not row.description.strip() and row.owner_id is None and row.due_date is None:
            if current is not None:
                if current.updates.exists():
                    # Its progress is part of the record: it is closed, not removed.
                    raise ValidationError(
                        f"The corrective action for {current.indicator.code} "
                        f"{current.period.label} has progress reported since: close it on "
                        "its own page instead of removing it."
                    )
                current._history_user = by
                current.delete()
            continue
        item = current or CorrectiveAction(
            ret=ret, indicator_id=row.indicator_id, period=row.period
        )
        before = (item.description, item.owner_id, item.due_date) if current else None
        after = (row.description.strip(), row.owner_id, row.due_date)
        if before == after:
            continue  # saving the page again is not a change to record
        item.description, item.owner_id, item.due_date = after
        item.by = by
        save_audited(item, by=by, reason=f"{ret.period.label} return")
        if row.owner_id is not None and (before is None or before[1] != row.owner_id):
            # Given to someone new: they are told, once per owner.
            tell_owner(item, given_by=by)


def _save_corrective_progress(
    ret: Return, by: User, rows: Sequence[CorrectiveProgressInput]
) -> None:
    """Progress on corrective actions of earlier quarters, given in this return."""
    if not rows:
        return
    wanted = {row.corrective_action_id: row for row in rows}
    found = {
        ca.pk: ca
        for ca in CorrectiveAction.objects.filter(pk__in=wanted).select_related(
            "indicator", "ret__partnership", "ret__round"
        )
    }
    if set(found) != set(wanted):
        raise PermissionDenied("That corrective action does not exist.")
    record_progress_in_return(
        ret=ret,
        by=by,
        rows=[(found[pk], row.status, row.progress) for pk, row in wanted.items()],
    )


def _save_actions(ret: Return, by: User, rows: Sequence[ActionInput]) -> None:
    actions = {
        a.pk: a
        for a in Action.objects.filter(pk__in=[r.action_id for r in rows]).select_related(
            "objective__plan"
        )
    }
    updates = {u.action_id: u for u in ActionUpdate.objects.filter(ret=ret, action__in=actions)}
    for row in rows:
        action = actions[row.action_id]
        if action.objective.plan.partnership_id != ret.partnership_id:
            raise PermissionDenied("That action belongs to another partnership.")
        _check_owner(by, ret.partnership, action.owner_id, f"on {action.ref}")
        if not 0 <= row.percent_complete <= 100:
            raise ValidationError(f"{action.ref}: per cent complete runs from 0 to 100.")
        update = updates.get(action.pk) or ActionUpdate(action=action, ret=ret)
        update.state, update.percent_complete, update.commentary, update.by = (
            row.state,
            row.percent_complete,
            row.commentary.strip(),
            by,
        )
        update.save()
        if (action.state, action.percent_complete) != (row.state, row.percent_complete):
            action.state, action.percent_complete = row.state, row.percent_complete
            if row.state == ActionState.COMPLETED and action.completed_on is None:
                action.completed_on = timezone.localdate()
            save_audited(action, by=by, reason=f"{ret.period.label} return")


def _save_reviews(ret: Return, by: User, rows: Sequence[ReviewInput]) -> None:
    risks = {r.pk: r for r in Risk.objects.filter(pk__in=[r.risk_id for r in rows])}
    reviews = {r.risk_id: r for r in RiskReview.objects.filter(ret=ret, risk__in=risks)}
    for row in rows:
        risk = risks[row.risk_id]
        if risk.partnership_id != ret.partnership_id:
            raise PermissionDenied("That risk belongs to another partnership.")
        _check_owner(by, ret.partnership, risk.owner_id, f"on {risk.ref}")
        if row.likelihood * row.impact > risk.inherent_score:
            raise ValidationError(
                f"{risk.ref}: the new score must not be above the inherent score "
                f"({risk.inherent_score})."
            )
        review = reviews.get(risk.pk) or RiskReview(risk=risk, ret=ret)
        review.likelihood, review.impact, review.note, review.next_review, review.by = (
            row.likelihood,
            row.impact,
            row.note.strip(),
            row.next_review,
            by,
        )
        review.save()
        risk.residual_likelihood, risk.residual_impact, risk.review_date = (
            row.likelihood,
            row.impact,
            row.next_review,
        )
        save_audited(risk, by=by, reason=f"Reviewed in the {ret.period.label} return")


@transaction.atomic
def save_return(
    *,
    ret: Return,
    by: User,
    version: int | None,
    results: Sequence[ResultInput] = (),
    corrective: Sequence[CorrectiveInput] = (),
    corrective_progress: Sequence[CorrectiveProgressInput] = (),
    actions: Sequence[ActionInput] = (),
    reviews: Sequence[ReviewInput] = (),
    spend: Decimal | None = None,
    highlights: str | None = None,
    exceptions: str | None = None,
    draft: Mapping[str, str] | None = None,
) -> Return:
    """Save what was entered on the return page in one go. `version` is the return's
    version when the page was opened: if someone saved since (or it is missing), nothing
    is written and ReturnConflict says who. `draft` keeps what was typed but is not valid
    yet."""
    require(by, ret.partnership, Need.CONTRIBUTE, refusal=FILL_IN)
    _ensure_editable(ret)
    lead = allows(by, ret.partnership, Need.LEAD)
    if highlights is not None and lead:
        ret.highlights = highlights.strip()
    if exceptions is not None and lead:
        ret.exceptions = exceptions.strip()
    if draft is not None:
        ret.draft = dict(draft)
    if version is None:
        # Without the version the page was opened at, nobody can tell whether this would
        # overwrite someone else's changes: refused, never taken as "no lock".
        raise ReturnConflict(Return.objects.select_related("round", "partnership").get(pk=ret.pk))
    ret.version = version
    ret._history_user = by
    try:
        # First, so a stale version stops everything below (django-concurrency); in a
        # savepoint, so the transaction can still read who saved in between.
        with transaction.atomic():
            ret.save()
    except RecordModifiedError as error:
        raise ReturnConflict(
            Return.objects.select_related("round", "partnership").get(pk=ret.pk)
        ) from error
    _write_results(ret, by, results)
    _save_corrective(ret, by, corrective)
    _save_corrective_progress(ret, by, corrective_progress)
    _save_actions(ret, by, actions)
    _save_reviews(ret, by, reviews)
    if spend is not None and lead:
        record_spend(partnership=ret.partnership, period=ret.period, amount=spend, by=by)
    return ret


@dataclass(frozen=True)
class Problem:
    """Something that stops a return being submitted, and where on the page it is."""

    anchor: str
    message: str


def submission_problems(ret: Return) -> list[Problem]:
    """Every due result reported or marked not available with a reason; every red or
    amber result explained; every red result with a corrective action that has an
    owner, a due date and says what will change; progress given on every corrective
    action of an earlier quarter not yet closed."""
    contents = return_contents(ret)
    problems = []
    for due in contents.results:
        name = f"{due.indicator.code} {due.period.label}"
        if not due.is_reported and due.indicator.library_indicator_id is not None:
            library = due.indicator.library_indicator
            owner = f" ({library.owner})" if library.owner_id else ""
            problems.append(
                Problem(
                    f"result-{due.key}",
                    f"{name}: not entered yet in the council library ({library.code}), "
                    f"where its owner{owner} enters it once for every plan that uses it.",
                )
            )
            continue
        if not due.is_reported:
            problems.append(
                Problem(
                    f"result-{due.key}",
                    f"{name}: enter the result, or mark it not available and say why.",
                )
            )
            continue
        rag = due.rag
        if rag in (Rag.RED, Rag.AMBER) and not due.result.commentary.strip():
            problems.append(
                Problem(
                    f"result-{due.key}",
                    f"{name} is {rag.label.lower()}: say why, in the commentary.",
                )
            )
        if rag is Rag.RED and not (due.corrective and due.corrective.is_complete):
            problems.append(
                Problem(
                    f"result-{due.key}",
                    f"{name} is red: add a corrective action saying what will change, "
                    "who owns it and by when.",
                )
            )
    for asked in contents.corrective:
        if asked.ca.status == CorrectiveAction.Status.CLOSED:
            continue
        if asked.update is None or not asked.update.progress.strip():
            problems.append(
                Problem(
                    f"id_{asked.key}progress",  # the box on the return page
                    f"Corrective action for {asked.ca.indicator.code} "
                    f"{asked.ca.period.label} (from the {asked.ca.ret.period.label} return): "
                    "give its status and say how it is going.",
                )
            )
    if ret.draft:
        problems.append(
            Problem("return-form", "Some entries could not be saved yet: correct them first.")
        )
    return problems


@transaction.atomic
def submit_return(*, ret: Return, by: User) -> Return:
    require(
        by,
        ret.partnership,
        Need.LEAD,
        refusal="Only the partnership's lead link officer submits its return.",
    )
    _ensure_editable(ret)
    problems = submission_problems(ret)
    if problems:
        raise ValidationError([p.message for p in problems])
    ret.status = Return.Status.SUBMITTED
    ret.submitted_by, ret.submitted_at = by, timezone.now()
    return save_audited(ret, by=by, reason="Submitted")


DECIDE = "Only the council performance team signs off returns."


def _return_name(ret: Return) -> str:
    return f"{ret.partnership.name} {ret.period.label} return"


def _tell_partnership(ret: Return, by: User, kind: str, subject: str, body: str) -> None:
    """The performance team's decision goes to the partnership's leads and to whoever
    submitted the return: they are the ones who act on it."""
    notify(
        [*leads_of(ret.partnership), ret.submitted_by],
        kind=kind,
        subject=subject,
        body=body,
        url=ret.get_absolute_url(),
        partnership=ret.partnership,
        exclude=by,
    )


@transaction.atomic
def sign_off_return(*, ret: Return, by: User) -> Return:
    require_performance_team(by, partnership=ret.partnership, refusal=DECIDE)
    if ret.status != Return.Status.SUBMITTED:
        raise ValidationError("Only a submitted return can be signed off.")
    ret.status, ret.decided_by, ret.decided_at, ret.returned_reason = (
        Return.Status.SIGNED_OFF,
        by,
        timezone.now(),
        "",
    )
    save_audited(ret, by=by, reason="Signed off")
    _tell_partnership(
        ret,
        by,
        NotificationKind.RETURN_SIGNED_OFF,
        f"The {_return_name(ret)} was signed off",
        f"Signed off by {by} of the council performance team.",
    )
    return ret


@transaction.atomic
def return_for_changes(*, ret: Return, by: User, reason: str) -> Return:
    require_performance_team(by, partnership=ret.partnership, refusal=DECIDE)
    if ret.status != Return.Status.SUBMITTED:
        raise ValidationError("Only a submitted return can be returned.")
    if not reason.strip():
        raise ValidationError(
            {"reason": "Say what needs to change, so the partnership can put it right."}
        )
    ret.status, ret.decided_by, ret.decided_at, ret.returned_reason = (
        Return.Status.RETURNED,
        by,
        timezone.now(),
        reason.strip(),
    )
    save_audited(ret, by=by, reason=f"Returned: {reason.strip()}")
    _tell_partnership(
        ret,
        by,
        NotificationKind.RETURN_RETURNED,
        f"The {_return_name(ret)} was sent back for changes",
        f"What needs to change, from {by} of the council performance team:\n{ret.returned_reason}",
    )
    return ret


@transaction.atomic
def reopen_return(*, ret: Return, by: User, reason: str) -> Return:
    require_performance_team(
        by,
        partnership=ret.partnership,
        refusal="Only the council performance team reopens a signed-off return.",
    )
    if ret.status != Return.Status.SIGNED_OFF:
        raise ValidationError("Only a signed-off return can be reopened.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the signed-off return is being reopened."})
    ret.status = Return.Status.OPEN
    return save_audited(ret, by=by, reason=f"Reopened: {reason.strip()}")
