"""The other writes the pages make: progress on an action and a risk's review (both given
in a quarter's return, as on the return page: core.services.returns.save_return), and
comparator data (core.services.benchmarking.import_comparator_values, with the importer's
row checks). Progress and reviews are locked optimistically: read them (GET), and send
their `ETag` in `If-Match` with the write (428 without, 412 when changed since).

The permissions, rules, refusals and history are core's: this module finds the objects
(core.access, a 404 for another partnership's), parses the body and calls the service."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import Field

from goldenthread.core.access import get_action_for_user, get_return_for_user, get_risk_for_user
from goldenthread.core.benchmarking import home_area_code
from goldenthread.core.models import (
    Action,
    ActionUpdate,
    Indicator,
    Partnership,
    Return,
    Risk,
    RiskReview,
    User,
)
from goldenthread.core.services import returns as services
from goldenthread.core.services.benchmarking import import_comparator_values
from goldenthread.documents.comparators import Columns, Table, check_rows
from goldenthread.rules import ActionState

from .common import check_if_match, etag_of
from .problems import READ_ERRORS, WRITE_ERRORS

actions = Router(tags=["Actions"])
risks = Router(tags=["Risks"])
comparators = Router(tags=["Comparators"])

MAX_ROWS = 50_000  # as the comparator importer's files


def _return_for(user: User, partnership: Partnership, return_id: int | None) -> Return:
    """The return the progress or review is given in: the one named, or the partnership's
    latest (the service refuses one that is not being written)."""
    if return_id is not None:
        return get_return_for_user(user, return_id)
    latest = (
        Return.objects.filter(partnership=partnership)
        .select_related("round", "partnership")
        .order_by("-round__period")
        .first()
    )
    if latest is None:
        raise ValidationError(
            {
                "return_id": f"{partnership.name} has no return yet: progress and reviews "
                "are given in a quarter's return, once the performance team opens it."
            }
        )
    return latest


def _locked_return(ret: Return) -> Return:
    return Return.objects.select_for_update().select_related("round", "partnership").get(pk=ret.pk)


# --- action progress ---------------------------------------------------------------------


class ActionUpdateOut(Schema):
    return_id: int | None
    period: str
    state: ActionState
    percent_complete: int
    commentary: str
    by: str
    at: datetime.datetime


class ActionProgressOut(Schema):
    action_id: int
    ref: str
    title: str
    state: ActionState
    percent_complete: int
    completed_on: datetime.date | None
    updates: list[ActionUpdateOut] = Field(
        description="Progress given in each return, latest first"
    )


class ActionProgressIn(Schema):
    state: ActionState
    percent_complete: int = Field(ge=-(2**31), le=2**31 - 1, description="0 to 100")
    commentary: str = Field("", max_length=20000)
    return_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="The return it is given in: the latest if blank"
    )


def _action_progress(action: Action) -> dict[str, Any]:
    updates = (
        ActionUpdate.objects.filter(action=action)
        .select_related("ret__round", "by")
        .order_by("-ret__round__period", "-at", "-pk")
    )
    return {
        "action_id": action.pk,
        "ref": action.ref,
        "title": action.title,
        "state": action.state,
        "percent_complete": action.percent_complete,
        "completed_on": action.completed_on,
        "updates": [
            {
                "return_id": u.ret_id,
                "period": u.ret.period.label if u.ret else "",
                "state": u.state,
                "percent_complete": u.percent_complete,
                "commentary": u.commentary,
                "by": str(u.by) if u.by else "",
                "at": u.at,
            }
            for u in updates
        ],
    }


@actions.get("/{int:action_id}/progress", response={200: ActionProgressOut, **READ_ERRORS})
def get_action_progress(request: HttpRequest, action_id: int, response: HttpResponse):
    """How the action is going, and the progress given in each return. Its `ETag` goes in
    `If-Match` when you report progress."""
    action = get_action_for_user(request.user, action_id)
    data = _action_progress(action)
    response["ETag"] = etag_of(data)
    return data


@actions.post("/{int:action_id}/progress", response={200: ActionProgressOut, **WRITE_ERRORS})
def report_action_progress(
    request: HttpRequest, action_id: int, body: ActionProgressIn, response: HttpResponse
):
    """Report progress on the action in a return (the latest, unless `return_id` says
    which), as the return page does: its owner or the partnership's lead."""
    user = request.user
    action = get_action_for_user(user, action_id)
    partnership = action.objective.plan.partnership
    ret = _return_for(user, partnership, body.return_id)
    with transaction.atomic():
        ret = _locked_return(ret)
        action = Action.objects.select_for_update().get(pk=action.pk)
        check_if_match(request, etag_of(_action_progress(action)))
        services.save_return(
            ret=ret,
            by=user,
            version=ret.version,
            actions=[
                services.ActionInput(
                    action_id=action.pk,
                    state=body.state,
                    percent_complete=body.percent_complete,
                    commentary=body.commentary,
                )
            ],
        )
    data = _action_progress(Action.objects.get(pk=action.pk))
    response["ETag"] = etag_of(data)
    return data


# --- risk reviews ------------------------------------------------------------------------


class RiskReviewOut(Schema):
    return_id: int | None
    period: str
    likelihood: int
    impact: int
    next_review: datetime.date
    note: str
    by: str
    at: datetime.datetime


class RiskReviewsOut(Schema):
    risk_id: int
    ref: str
    title: str
    inherent_score: int
    residual_likelihood: int
    residual_impact: int
    review_date: datetime.date | None
    reviews: list[RiskReviewOut] = Field(description="Each review, latest first")


class RiskReviewIn(Schema):
    likelihood: int = Field(ge=1, le=5)
    impact: int = Field(ge=1, le=5)
    next_review: datetime.date
    note: str = Field("", max_length=5000)
    return_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="The return it is given in: the latest if blank"
    )


def _risk_reviews(risk: Risk) -> dict[str, Any]:
    reviews = (
        RiskReview.objects.filter(risk=risk)
        .select_related("ret__round", "by")
        .order_by("-ret__round__period", "-at", "-pk")
    )
    return {
        "risk_id": risk.pk,
        "ref": risk.ref,
        "title": risk.title,
        "inherent_score": risk.inherent_score,
        "residual_likelihood": risk.residual_likelihood,
        "residual_impact": risk.residual_impact,
        "review_date": risk.review_date,
        "reviews": [
            {
                "return_id": r.ret_id,
                "period": r.ret.period.label if r.ret else "",
                "likelihood": r.likelihood,
                "impact": r.impact,
                "next_review": r.next_review,
                "note": r.note,
                "by": str(r.by) if r.by else "",
                "at": r.at,
            }
            for r in reviews
        ],
    }


@risks.get("/{int:risk_id}/reviews", response={200: RiskReviewsOut, **READ_ERRORS})
def get_risk_reviews(request: HttpRequest, risk_id: int, response: HttpResponse):
    """The risk's current scores and its reviews. Its `ETag` goes in `If-Match` when you
    review it."""
    risk = get_risk_for_user(request.user, risk_id)
    data = _risk_reviews(risk)
    response["ETag"] = etag_of(data)
    return data


@risks.post("/{int:risk_id}/reviews", response={200: RiskReviewsOut, **WRITE_ERRORS})
def review_risk(request: HttpRequest, risk_id: int, body: RiskReviewIn, response: HttpResponse):
    """Review the risk in a return (the latest, unless `return_id` says which), as the
    return page does: its owner or the partnership's lead."""
    user = request.user
    risk = get_risk_for_user(user, risk_id)
    ret = _return_for(user, risk.partnership, body.return_id)
    with transaction.atomic():
        ret = _locked_return(ret)
        risk = Risk.objects.select_for_update().get(pk=risk.pk)
        check_if_match(request, etag_of(_risk_reviews(risk)))
        services.save_return(
            ret=ret,
            by=user,
            version=ret.version,
            reviews=[
                services.ReviewInput(
                    risk_id=risk.pk,
                    likelihood=body.likelihood,
                    impact=body.impact,
                    next_review=body.next_review,
                    note=body.note,
                )
            ],
        )
    data = _risk_reviews(Risk.objects.get(pk=risk.pk))
    response["ETag"] = etag_of(data)
    return data


# --- comparator data ---------------------------------------------------------------------


class ComparatorRowIn(Schema):
    indicator_id: int = Field(ge=1, le=2**31 - 1, description="One of our indicators")
    area_code: str = Field(max_length=40, description="ONS GSS code: E08000009")
    area_name: str = Field("", max_length=400)
    period: str = Field(max_length=40, description="As published: 2025/26 Q3, 2024/25, Nov 2025")
    value: Decimal | None = Field(None, allow_inf_nan=False, description="Blank: not available")


class ComparatorValuesIn(Schema):
    source: str = Field("", max_length=300, description="Where the figures were published")
    rows: list[ComparatorRowIn] = Field(max_length=MAX_ROWS)


class ComparatorCountsOut(Schema):
    created: int
    updated: int
    unchanged: int
    areas_added: int
    skipped: int = Field(description="Not available, or our own area (our result is ours)")


HEADINGS = ["indicator_id", "area_code", "area_name", "period", "value"]
COLUMNS = Columns(area_code=1, period=3, indicator=0, value=4, area_name=2)


@comparators.post("/values", response={200: ComparatorCountsOut, **WRITE_ERRORS})
def import_values(request: HttpRequest, body: ComparatorValuesIn):
    """Import other areas' published values of our indicators, all or nothing, checked
    row by row as the comparator importer checks a file (`#/rows/3/area_code`). A value
    already held is updated when it differs, so the same rows twice add nothing."""
    request.api_rows_at = ("rows",)  # type: ignore[attr-defined]
    user = request.user
    ids = {row.indicator_id for row in body.rows}
    found = {
        i.pk: i
        for i in Indicator.objects.filter(
            pk__in=ids, partnership__in=Partnership.objects.visible_to(user)
        ).select_related("partnership")
    }
    if len(found) != len(ids):
        raise Http404("Not found.")
    table = Table(
        headings=HEADINGS,
        rows=[
            (
                index,
                (
                    str(row.indicator_id),
                    row.area_code,
                    row.area_name,
                    row.period,
                    None if row.value is None else format(row.value, "f"),
                ),
            )
            for index, row in enumerate(body.rows)
        ],
    )
    mapping = {(str(pk), ""): indicator for pk, indicator in found.items()}
    checked = check_rows(table, COLUMNS, mapping, home_area_code())
    if checked.problems:
        raise ValidationError(
            [services.row_error(p.row or 0, p.message, p.column) for p in checked.problems]
        )
    counts = import_comparator_values(values=checked.values, by=user, source=body.source)
    return {
        "created": counts.created,
        "updated": counts.updated,
        "unchanged": counts.unchanged + checked.repeated,
        "areas_added": counts.areas_added,
        "skipped": checked.not_available + checked.home_area + checked.breakdowns,
    }
