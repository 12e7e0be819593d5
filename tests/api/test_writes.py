"""Action progress, risk reviews and comparator data through the API: written by core's
services as the pages write them, locked with ETag/If-Match, refused in their words."""

import datetime
from decimal import Decimal

import pytest

from goldenthread.core.models import (
    ActionUpdate,
    Area,
    ComparatorValue,
    Result,
    Return,
    Risk,
    RiskReview,
)
from goldenthread.rules import ActionState, Period

from .conftest import problem_of


def match(etag: str) -> dict[str, str]:
    return {"If-Match": etag}


# --- action progress ---------------------------------------------------------------------


def test_progress_on_an_action_is_given_in_the_latest_return(world, api_as):
    api = api_as(world.member)
    path = f"/actions/{world.action.pk}/progress"
    read = api.get(path)
    assert read.status_code == 200
    assert read.json()["updates"] == []
    version = Return.objects.get(pk=world.ret.pk).version
    response = api.post(
        path,
        {"state": "at_risk", "percent_complete": 40, "commentary": "Fewer volunteers."},
        **match(read["ETag"]),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["percent_complete"]) == ("at_risk", 40)
    assert body["updates"][0]["period"] == "2025/26 Q3"
    assert response["ETag"] != read["ETag"]
    update = ActionUpdate.objects.get(action=world.action)
    assert (update.ret_id, update.state, update.percent_complete, update.commentary) == (
        world.ret.pk,
        ActionState.AT_RISK,
        40,
        "Fewer volunteers.",
    )
    assert update.by == world.member
    world.action.refresh_from_db()
    assert (world.action.state, world.action.percent_complete) == (ActionState.AT_RISK, 40)
    latest = world.action.history.order_by("-history_id").first()
    assert latest.history_user == world.member
    assert latest.history_change_reason == "2025/26 Q3 return (through the API)"
    # The return moved, as saving its page moves it.
    assert Return.objects.get(pk=world.ret.pk).version != version
    # The same ETag again is stale now.
    stale = api.post(path, {"state": "on_track", "percent_complete": 50}, **match(read["ETag"]))
    assert stale.status_code == 412
    assert stale["ETag"] == response["ETag"]
    assert ActionUpdate.objects.get(action=world.action).percent_complete == 40


def test_action_progress_needs_if_match_and_is_checked_by_the_service(world, api_as):
    api = api_as(world.lead)
    path = f"/actions/{world.action.pk}/progress"
    assert api.post(path, {"state": "on_track", "percent_complete": 10}).status_code == 428
    etag = api.get(path)["ETag"]
    wrong = api.post(path, {"state": "on_track", "percent_complete": 120}, **match(etag))
    assert wrong.status_code == 422
    assert problem_of(wrong)["detail"] == "A1: per cent complete runs from 0 to 100."
    bad_state = api.post(path, {"state": "sideways", "percent_complete": 10}, **match(etag))
    assert bad_state.status_code == 422
    assert problem_of(bad_state)["errors"][0]["pointer"] == "#/state"
    assert not ActionUpdate.objects.exists()


def test_progress_in_a_submitted_return_is_refused_in_the_services_words(world, api_as):
    Return.objects.filter(pk=world.ret.pk).update(status=Return.Status.SUBMITTED)
    api = api_as(world.lead)
    path = f"/actions/{world.action.pk}/progress"
    response = api.post(
        path, {"state": "on_track", "percent_complete": 10}, **match(api.get(path)["ETag"])
    )
    assert response.status_code == 422
    assert "has been submitted" in problem_of(response)["detail"]
    assert not ActionUpdate.objects.exists()


def test_progress_in_another_partnerships_return_is_refused(world, api_as):
    other_return = Return.objects.create(
        round=world.ret.round, partnership=world.other, deadline=world.ret.deadline
    )
    api = api_as(world.lead)
    path = f"/actions/{world.action.pk}/progress"
    response = api.post(
        path,
        {"state": "on_track", "percent_complete": 10, "return_id": other_return.pk},
        **match(api.get(path)["ETag"]),
    )
    assert response.status_code == 404  # the lead cannot see the other partnership's return
    assert not ActionUpdate.objects.exists()


# --- risk reviews ------------------------------------------------------------------------


def test_a_risk_is_reviewed_in_the_latest_return(world, api_as):
    api = api_as(world.member)
    path = f"/risks/{world.risk.pk}/reviews"
    read = api.get(path)
    assert read.status_code == 200
    assert read.json()["inherent_score"] == 16
    response = api.post(
        path,
        {"likelihood": 3, "impact": 4, "next_review": "2026-06-30", "note": "Budget agreed."},
        **match(read["ETag"]),
    )
    assert response.status_code == 200, response.content
    review = RiskReview.objects.get(risk=world.risk)
    assert (review.ret_id, review.likelihood, review.impact, review.next_review, review.by) == (
        world.ret.pk,
        3,
        4,
        datetime.date(2026, 6, 30),
        world.member,
    )
    risk = Risk.objects.get(pk=world.risk.pk)
    assert (risk.residual_likelihood, risk.residual_impact) == (3, 4)
    latest = risk.history.order_by("-history_id").first()
    assert latest.history_user == world.member
    assert latest.history_change_reason == "Reviewed in the 2025/26 Q3 return (through the API)"
    assert response.json()["reviews"][0]["note"] == "Budget agreed."
    assert (
        api.post(
            path, {"likelihood": 1, "impact": 1, "next_review": "2026-06-30"}, **match(read["ETag"])
        ).status_code
        == 412
    )


def test_a_review_above_the_inherent_score_is_refused(world, api_as):
    Risk.objects.filter(pk=world.risk.pk).update(inherent_likelihood=3, inherent_impact=3)
    api = api_as(world.lead)
    path = f"/risks/{world.risk.pk}/reviews"
    etag = api.get(path)["ETag"]
    response = api.post(
        path, {"likelihood": 4, "impact": 3, "next_review": "2026-06-30"}, **match(etag)
    )
    assert response.status_code == 422
    assert problem_of(response)["detail"] == (
        "R1: the new score must not be above the inherent score (9)."
    )
    out_of_range = api.post(
        path, {"likelihood": 6, "impact": 1, "next_review": "2026-06-30"}, **match(etag)
    )
    assert out_of_range.status_code == 422
    assert problem_of(out_of_range)["errors"][0]["pointer"] == "#/likelihood"
    assert (
        api.post(path, {"likelihood": 1, "impact": 1, "next_review": "2026-06-30"}).status_code
        == 428
    )
    assert not RiskReview.objects.exists()


# --- comparator data ---------------------------------------------------------------------


def _rows(world, **changes):
    row = {
        "indicator_id": world.indicator.pk,
        "area_code": "E08000020",
        "area_name": "Stockport",
        "period": "2025/26 Q2",
        "value": 102.5,
    }
    return [{**row, **changes}]


@pytest.fixture
def comparator_rows(world):
    return [
        *_rows(world),
        *_rows(world, area_code="E08000010", area_name="Wigan", value=99),
        *_rows(world, area_code="E08000011", area_name="", value=None),  # not available
        *_rows(world, area_code="E08000009", area_name="Us"),  # our own area: our result
    ]


def test_comparator_values_are_imported_once(world, api_as, comparator_rows):
    api = api_as(world.lead)
    body = {"source": "Police recorded crime", "rows": comparator_rows}
    first = api.post("/comparators/values", body)
    assert first.status_code == 200, first.content
    assert first.json() == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "areas_added": 2,
        "skipped": 2,
    }
    value = ComparatorValue.objects.get(area__code="E08000020")
    assert (value.value, value.period, value.imported_by, value.source) == (
        Decimal("102.5"),
        Period.parse("2025/26 Q2"),
        world.lead,
        "Police recorded crime",
    )
    again = api.post("/comparators/values", body)
    assert again.json()["created"] == again.json()["updated"] == 0
    assert again.json()["unchanged"] == 2
    assert ComparatorValue.objects.count() == 2


def test_comparator_rows_are_checked_as_the_importer_checks_them(world, api_as):
    api = api_as(world.performance)
    rows = [
        *_rows(world),
        *_rows(world, area_code="station-7"),
        *_rows(world, period="someday"),
    ]
    response = api.post("/comparators/values", {"rows": rows})
    assert response.status_code == 422
    errors = problem_of(response)["errors"]
    assert [e["pointer"] for e in errors] == ["#/rows/1/area_code", "#/rows/2/period"]
    assert "is not an area code" in errors[0]["detail"]
    assert not ComparatorValue.objects.exists()
    assert not Area.objects.exists()


ODD_RESULTS = [
    {"indicator_id": 1, "period": "2025/26 Q3", "value": "NaN"},
    {"indicator_id": 1, "period": "2025/26 Q3", "value": "1e400"},
    {"indicator_id": 1, "period": "2025/26 Q3", "value": 5, "commentary": "bad\x00text"},
    {"indicator_id": 1, "period": "\x00", "value": 5},
    {"indicator_id": 1, "period": "2025/26 Q3", "value": None, "note": "no value"},
    {"indicator_code": "", "period": "", "value": 1},
    {"period": "2025/26 Q3", "value": 1},
]


def test_odd_input_is_refused_not_a_server_error(world, api_as):
    """Each refused at its item with a problem, and nothing written."""
    api = api_as(world.lead)
    before = (Result.history.count(), Return.objects.get(pk=world.ret.pk).version)
    for row in ODD_RESULTS:
        row = {**row, "indicator_id": world.indicator.pk} if "indicator_id" in row else row
        response = api.post(f"/returns/{world.ret.pk}/results", {"results": [row]}, **match("*"))
        assert response.status_code == 422, (row, response.content)
        assert problem_of(response)["errors"], row
    for body in (
        {"likelihood": 0, "impact": 1, "next_review": "2026-06-30"},
        {"likelihood": 1, "impact": 1, "next_review": "9999-12-31"},
    ):
        response = api.post(f"/risks/{world.risk.pk}/reviews", body, **match("*"))
        assert response.status_code == 422, response.content
    response = api.post(
        "/comparators/values",
        {
            "rows": [
                {
                    "indicator_id": world.indicator.pk,
                    "area_code": "E08000020",
                    "period": "2025/26 Q2",
                    "value": "1e400",
                }
            ]
        },
    )
    assert response.status_code == 422, response.content
    assert (Result.history.count(), Return.objects.get(pk=world.ret.pk).version) == before
    assert not RiskReview.objects.exists() and not ComparatorValue.objects.exists()
