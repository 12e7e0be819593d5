"""Quarterly returns: their status, what this person may do with them next, their results,
and the writes the return page makes — results and commentary (one, or a bulk all or
nothing), and submitting. Writes need `If-Match` with the return's `ETag` (its version, the
same optimistic lock the page uses): without it 428, with an old one 412.

Everything is done by core: core.access finds the return (another partnership's is a 404),
core.monitoring reads it, core.services.returns writes it with its own checks, refusals
and history (which says "(through the API)")."""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import BaseModel, Field

from goldenthread.core.access import Need, allows, get_return_for_user
from goldenthread.core.models import Indicator, Result, Return, User
from goldenthread.core.monitoring import due_periods, return_contents
from goldenthread.core.services import returns as services
from goldenthread.rules import Frequency, Period, PeriodError

from .common import Paged, check_if_match, version_etag
from .filters import FROM, PARTNERSHIP, TO, PeriodText, period_range, scoped
from .problems import READ_ERRORS, WRITE_ERRORS

router = Router(tags=["Returns"])

MAX_ITEMS = 10_000


def parse_period(text: str) -> Period:
    """A period as councils write it ("2025/26 Q3", "Nov 2025") or its key ("2025-Q3")."""
    try:
        return Period.parse(text)
    except PeriodError:
        try:
            return Period.from_key(text.strip())
        except PeriodError:
            pass
        raise


def return_etag(ret: Return) -> str:
    return version_etag("return", ret.pk, ret.version)


def transitions(user: User, ret: Return) -> list[str]:
    """What the return page offers this person now (the services decide, and refuse,
    when it is done): fill in and submit while it is being written, the performance
    team's decision once submitted, reopening once signed off."""
    offered = []
    if ret.is_editable and allows(user, ret.partnership, Need.CONTRIBUTE):
        offered.append("record_results")
    if ret.is_editable and allows(user, ret.partnership, Need.LEAD):
        offered.append("submit")
    if user.is_performance_team and not ret.partnership.is_closed:
        if ret.status == Return.Status.SUBMITTED:
            offered += ["sign_off", "return_for_changes"]
        elif ret.status == Return.Status.SIGNED_OFF:
            offered.append("reopen")
    return offered


# --- what is read ------------------------------------------------------------------------


class ReturnOut(Schema):
    id: int
    partnership_id: int
    partnership: str
    period: str = Field(description="As written: 2025/26 Q3")
    period_key: str = Field(description="Sortable: 2025-Q3")
    status: Return.Status
    deadline: datetime.date
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    returned_reason: str
    version: int = Field(description="The return's version: its ETag is made from it.")

    @staticmethod
    def resolve_partnership(obj: Return) -> str:
        return obj.partnership.name

    @staticmethod
    def resolve_period(obj: Return) -> str:
        return obj.period.label

    @staticmethod
    def resolve_period_key(obj: Return) -> str:
        return obj.period.key


class DueOut(Schema):
    """A result due in the return, reported or not."""

    indicator_id: int
    indicator_code: str
    period: str
    period_key: str
    reported: bool
    value: Decimal | None
    not_available: bool
    not_available_reason: str
    note: str
    commentary: str
    target: Decimal | None
    rag: str


class ReturnDetailOut(ReturnOut):
    highlights: str
    exceptions: str
    transitions: list[str] = Field(
        description="What you may do with the return now: record_results, submit, sign_off, "
        "return_for_changes, reopen."
    )
    results: list[DueOut] = Field(description="Every result due in the return.")


class ResultOut(BaseModel):
    """A reported result, made straight from the database's rows (`values()`, see
    `_Rows`) with the number and the time already written as JSON text: a 10,000-row read
    builds no model instances and leaves nothing for the JSON encoder to convert."""

    indicator_id: int
    indicator_code: str
    period: str
    period_key: str
    value: str | None = Field(description="A decimal number, as text: 101.5")
    not_available: bool
    not_available_reason: str
    note: str
    commentary: str
    entered_by: str
    entered_at: str = Field(json_schema_extra={"format": "date-time"})


class _Rows:
    """A page of result rows for the paginator (`count` from len, a page by slicing) as
    ResultOut's fields, with who entered each found in one query for the page rather than
    a join on every row, which the count would carry too."""

    def __init__(self, rows: QuerySet):
        self.rows = rows

    def __len__(self) -> int:
        return self.rows.count()

    def __getitem__(self, page: slice) -> list[dict]:
        rows = list(self.rows[page])
        people = {
            u.pk: str(u) for u in User.objects.filter(pk__in={r["entered_by_id"] for r in rows})
        }
        for row in rows:
            period, value = row["period"], row["value"]
            row["period"], row["period_key"] = period.label, period.key
            row["value"] = None if value is None else str(value)
            row["entered_at"] = row["entered_at"].isoformat()
            row["entered_by"] = people.get(row.pop("entered_by_id"), "")
        return rows


RESULT_FIELDS = (
    "indicator_id",
    "period",
    "value",
    "not_available",
    "not_available_reason",
    "note",
    "commentary",
    "entered_by_id",
    "entered_at",
)


class ReturnFilter(Schema):
    partnership: int | None = PARTNERSHIP
    from_: PeriodText | None = FROM
    to: PeriodText | None = TO
    status: Return.Status | None = None


@router.get("/", response={200: list[ReturnOut], **READ_ERRORS})
@paginate(Paged)
def list_returns(request: HttpRequest, filters: Query[ReturnFilter]):
    """The returns of the partnerships you may see, latest quarter first. The same filters
    as the other lists: another partnership's id is a 404."""
    rows = scoped(
        Return.objects.select_related("round", "partnership"),
        "partnership",
        request.user,
        filters.partnership,
    )
    if filters.from_ or filters.to:
        rows = rows.filter(period_range("round__period", filters.from_, filters.to))
    if filters.status:
        rows = rows.filter(status=filters.status)
    return rows.order_by("-round__period", "partnership__name", "pk")


def _detail(user: User, ret: Return) -> Return:
    contents = return_contents(ret)
    results = []
    for due in contents.results:
        result, target = due.result, due.target
        results.append(
            {
                "indicator_id": due.indicator.pk,
                "indicator_code": due.indicator.code,
                "period": due.period.label,
                "period_key": due.period.key,
                "reported": bool(result and (result.value is not None or result.not_available)),
                "value": result.value if result else None,
                "not_available": bool(result and result.not_available),
                "not_available_reason": result.not_available_reason if result else "",
                "note": result.note if result else "",
                "commentary": result.commentary if result else "",
                "target": target.value if target else None,
                "rag": due.rag.value,
            }
        )
    ret.transitions = transitions(user, ret)  # type: ignore[attr-defined]
    ret.results = results  # type: ignore[attr-defined]
    return ret


@router.get("/{int:return_id}", response={200: ReturnDetailOut, **READ_ERRORS})
def get_return(request: HttpRequest, return_id: int, response: HttpResponse):
    """A return with every result due in it and what you may do with it now. Its `ETag`
    goes in `If-Match` when you write to it."""
    ret = get_return_for_user(request.user, return_id)
    response["ETag"] = return_etag(ret)
    return _detail(request.user, ret)


def due_results(ret: Return) -> QuerySet[Result]:
    """The results reported for the periods due in the return (a monthly indicator's
    three months, a quarterly one's quarter, an annual one's year at its end)."""
    due = Q(pk__in=[])
    for frequency in Frequency:
        periods = due_periods(frequency, ret.period)
        if periods:
            due |= Q(indicator__frequency=frequency, period__in=[p.key for p in periods])
    return Result.objects.filter(due, indicator__partnership=ret.partnership)


@router.get("/{int:return_id}/results", response={200: list[ResultOut], **READ_ERRORS})
@paginate(Paged)
def list_results(request: HttpRequest, return_id: int):
    """The results reported in the return so far, by indicator code and period."""
    ret = get_return_for_user(request.user, return_id)
    return _Rows(
        due_results(ret)
        .order_by("indicator__code", "period", "pk")
        .values(*RESULT_FIELDS, indicator_code=F("indicator__code"))
    )


# --- what is written ---------------------------------------------------------------------


class ResultValues(Schema):
    value: Decimal | None = Field(None, allow_inf_nan=False, description="Blank: not reported")
    not_available: bool = False
    not_available_reason: str = Field("", max_length=5000)
    note: str = Field("", max_length=5000)
    commentary: str = Field("", max_length=20000)


class ResultIn(ResultValues):
    indicator_id: int | None = Field(None, ge=1, le=2**31 - 1)
    indicator_code: str | None = Field(
        None, max_length=100, description="Instead of indicator_id: the indicator's code"
    )
    period: str = Field(max_length=40, description="As written: 2025/26 Q3 (or 2025-Q3)")


class ResultsIn(Schema):
    results: list[ResultIn] = Field(max_length=MAX_ITEMS)


class WriteOut(Schema):
    received: int
    changed: int = Field(description="Results created or changed: 0 when all were as sent.")
    etag: str = Field(description="The return's new ETag (also in the ETag header).")


def _inputs(ret: Return, items: Sequence[ResultIn]) -> list[services.ResultInput]:
    """The rows as the service takes them: the indicator found by id or code among the
    partnership's, the period read as written. What cannot be read is reported at its
    item, every item at once."""
    codes = {i.indicator_code for i in items if i.indicator_code is not None}
    by_code = {
        i.code: i.pk
        for i in Indicator.objects.filter(partnership=ret.partnership, code__in=codes).only(
            "pk", "code"
        )
    }
    problems, rows, seen = [], [], {}
    for index, item in enumerate(items):
        if (item.indicator_id is None) == (item.indicator_code is None):
            problems.append(
                services.row_error(index, "give indicator_id or indicator_code, not both")
            )
            continue
        indicator_id = item.indicator_id
        if item.indicator_code is not None:
            indicator_id = by_code.get(item.indicator_code)
            if indicator_id is None:
                problems.append(
                    services.row_error(
                        index,
                        f"{item.indicator_code} is not an indicator of this partnership",
                        "indicator_code",
                    )
                )
                continue
        try:
            period = parse_period(item.period)
        except PeriodError as error:
            problems.append(services.row_error(index, str(error), "period"))
            continue
        first = seen.setdefault((indicator_id, period), index)
        if first != index:
            problems.append(
                services.row_error(
                    index,
                    f"the same indicator and period appear twice (items {first} and {index})",
                )
            )
            continue
        rows.append(
            services.ResultInput(
                indicator_id=indicator_id,
                period=period,
                value=item.value,
                not_available=item.not_available,
                not_available_reason=item.not_available_reason,
                note=item.note,
                commentary=item.commentary,
            )
        )
    if problems:
        raise ValidationError(problems)
    return rows


def _record(
    request: HttpRequest, return_id: int, items: Sequence[ResultIn], response: HttpResponse
) -> dict:
    """Write the rows all or nothing, if the return is still at the version the client
    read (checked with the return locked, so nobody saves in between)."""
    user = request.user
    ret = get_return_for_user(user, return_id)
    with transaction.atomic():
        ret = (
            Return.objects.select_for_update().select_related("round", "partnership").get(pk=ret.pk)
        )
        check_if_match(request, return_etag(ret))
        rows = _inputs(ret, items)
        changed = services.record_results(ret=ret, by=user, results=rows)
        ret.refresh_from_db(fields=["version"])
    etag = return_etag(ret)
    response["ETag"] = etag
    return {"received": len(items), "changed": changed, "etag": etag}


@router.post("/{int:return_id}/results", response={200: WriteOut, **WRITE_ERRORS})
def record_results(request: HttpRequest, return_id: int, body: ResultsIn, response: HttpResponse):
    """Record results and commentary for the return, all or nothing: one invalid item and
    nothing is written, with every problem pointed at its item (`#/results/3/value`).
    Sending the same results again changes nothing (`changed` is 0, the ETag stays)."""
    request.api_rows_at = ("results",)  # type: ignore[attr-defined]
    return _record(request, return_id, body.results, response)


@router.put(
    "/{int:return_id}/results/{int:indicator_id}/{path:period}",
    response={200: WriteOut, **WRITE_ERRORS},
)
def put_result(
    request: HttpRequest,
    return_id: int,
    indicator_id: int,
    period: str,
    body: ResultValues,
    response: HttpResponse,
):
    """Record one result: the indicator by id, the period as written (2025/26 Q3,
    URL-encoded) or as its key (2025-Q3)."""
    item = ResultIn(indicator_id=indicator_id, period=period[:40], **body.model_dump())
    try:
        return _record(request, return_id, [item], response)
    except ValidationError as error:
        raise _by_field(error) from error


def _by_field(error: ValidationError) -> ValidationError:
    """One row's problems as the body's fields' (`#/value`), for a single result."""
    if hasattr(error, "error_dict"):
        return error
    fields: dict[str, list[str]] = {}
    for item in error.error_list:
        params = item.params or {}
        field = params.get("field") if item.code == "row" else None
        if field == "period":
            field = NON_FIELD_ERRORS  # the period is in the path
        for message in item:
            fields.setdefault(field or NON_FIELD_ERRORS, []).append(message)
    return ValidationError(fields)


class SubmitOut(ReturnOut):
    pass


@router.post("/{int:return_id}/submit", response={200: SubmitOut, **WRITE_ERRORS})
def submit_return(request: HttpRequest, return_id: int, response: HttpResponse):
    """Submit the return to the performance team (the partnership's lead). Refused (422)
    with every problem the return page lists while anything is missing."""
    user = request.user
    ret = get_return_for_user(user, return_id)
    with transaction.atomic():
        ret = (
            Return.objects.select_for_update().select_related("round", "partnership").get(pk=ret.pk)
        )
        check_if_match(request, return_etag(ret))
        ret = services.submit_return(ret=ret, by=user)
    response["ETag"] = return_etag(ret)
    return ret
