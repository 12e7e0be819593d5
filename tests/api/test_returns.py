"""Returns through the API: reading them with their transitions and ETag; recording results
one at a time and in bulk (all or nothing, idempotent, If-Match); submitting."""

from decimal import Decimal
from urllib.parse import quote

from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.core.models import ReportingRound, Result, Return
from goldenthread.rules import Frequency, Period
from tests.conftest import make_indicator

from .conftest import problem_of

Q3 = Period.parse("2025/26 Q3")


def match(etag: str) -> dict[str, str]:
    return {"If-Match": etag}


def etag_of_return(api, ret) -> str:
    response = api.get(f"/returns/{ret.pk}")
    assert response.status_code == 200, response.content
    return response["ETag"]


def history_of(indicator, period=Q3):
    return list(Result.history.filter(indicator_id=indicator.pk, period=period).order_by("pk"))


def test_a_return_reads_with_its_status_results_transitions_and_etag(world, api_as):
    response = api_as(world.lead).get(f"/returns/{world.ret.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "open"
    assert body["period"] == "2025/26 Q3"
    assert body["period_key"] == "2025-Q3"
    assert body["transitions"] == ["record_results", "submit"]
    [due] = body["results"]
    assert due["indicator_code"] == "SS01"
    assert due["reported"] is True
    assert Decimal(due["value"]) == Decimal("101")
    assert due["rag"] == "green"
    assert response["ETag"] == f'"return-{world.ret.pk}-v{world.ret.version}"'


def test_transitions_follow_the_role_and_the_status(world, api_as):
    path = f"/returns/{world.ret.pk}"
    assert api_as(world.member).get(path).json()["transitions"] == ["record_results"]
    assert api_as(world.viewer).get(path).json()["transitions"] == []
    assert api_as(world.performance).get(path).json()["transitions"] == []
    Return.objects.filter(pk=world.ret.pk).update(status=Return.Status.SUBMITTED)
    assert api_as(world.performance).get(path).json()["transitions"] == [
        "sign_off",
        "return_for_changes",
    ]
    assert api_as(world.lead).get(path).json()["transitions"] == []


def test_returns_list_filters(world, api_as):
    api = api_as(world.performance)
    body = api.get("/returns/").json()
    assert [r["id"] for r in body["items"]] == [world.ret.pk]
    assert api.get("/returns/", {"status": "submitted"}).json()["count"] == 0
    assert api.get("/returns/", {"partnership": world.other.pk}).json()["count"] == 0
    assert api.get("/returns/", {"from": "2025/26 Q3"}).json()["count"] == 1
    assert api.get("/returns/", {"from": "2025/26 Q4"}).json()["count"] == 0
    assert api.get("/returns/", {"to": "2025/26 Q2"}).json()["count"] == 0
    assert api.get("/returns/", {"from": "2025/26", "to": "2025/26"}).json()["count"] == 1
    wrong = api.get("/returns/", {"from": "sometime"})
    assert wrong.status_code == 422
    assert problem_of(wrong)["errors"][0]["pointer"] == "#/query/from"
    outsider = api_as(world.outsider)
    assert outsider.get("/returns/").json()["count"] == 0
    # As every list: naming a partnership one may not see is a 404, not an empty list.
    hidden = outsider.get("/returns/", {"partnership": world.partnership.pk})
    assert hidden.status_code == 404
    problem_of(hidden)


def test_the_results_of_a_return_page_by_code_and_period(world, api_as):
    body = api_as(world.viewer).get(f"/returns/{world.ret.pk}/results").json()
    assert [(r["indicator_code"], r["period"]) for r in body["items"]] == [("SS01", "2025/26 Q3")]


def test_bulk_results_are_written_and_the_same_body_twice_changes_nothing(world, api_as):
    second = make_indicator(world.partnership, "SS02", owner=world.member)
    api = api_as(world.member)
    body = {
        "results": [
            {
                "indicator_id": world.indicator.pk,
                "period": "2025/26 Q3",
                "value": 97,
                "commentary": "Fewer than hoped.",
            },
            {"indicator_code": "SS02", "period": "2025-Q3", "value": "12.5"},
        ]
    }
    etag = etag_of_return(api, world.ret)
    first = api.post(f"/returns/{world.ret.pk}/results", body, **match(etag))
    assert first.status_code == 200, first.content
    assert first.json()["changed"] == 2
    assert first["ETag"] != etag
    assert first.json()["etag"] == first["ETag"]
    assert Result.objects.get(indicator=world.indicator, period=Q3).value == Decimal("97")
    assert Result.objects.get(indicator=second, period=Q3).value == Decimal("12.5")

    again = api.post(f"/returns/{world.ret.pk}/results", body, **match(first["ETag"]))
    assert again.status_code == 200
    assert again.json()["changed"] == 0
    assert again["ETag"] == first["ETag"]  # nothing changed: the return did not move
    assert len(history_of(second)) == 1


def test_a_bulk_with_one_bad_item_writes_nothing(world, api_as):
    second = make_indicator(world.partnership, "SS02", owner=world.member)
    api = api_as(world.member)
    etag = etag_of_return(api, world.ret)
    before = history_of(world.indicator)
    response = api.post(
        f"/returns/{world.ret.pk}/results",
        {
            "results": [
                {"indicator_id": world.indicator.pk, "period": "2025/26 Q3", "value": 90},
                {"indicator_id": second.pk, "period": "2025/26 Q3", "not_available": True},
                {"indicator_id": second.pk, "period": "2025/26 Q2", "value": 1},
                {"indicator_code": "NOPE", "period": "2025/26 Q3", "value": 1},
                {"indicator_id": second.pk, "period": "soon", "value": 1},
            ]
        },
        **match(etag),
    )
    assert response.status_code == 422
    problem = problem_of(response)
    pointers = [e["pointer"] for e in problem["errors"]]
    assert pointers == ["#/results/3/indicator_code", "#/results/4/period"]
    # Readable items: the service's own checks, each at its item.
    response = api.post(
        f"/returns/{world.ret.pk}/results",
        {
            "results": [
                {"indicator_id": world.indicator.pk, "period": "2025/26 Q3", "value": 90},
                {"indicator_id": second.pk, "period": "2025/26 Q3", "not_available": True},
                {"indicator_id": second.pk, "period": "2025/26 Q2", "value": 1},
            ]
        },
        **match(etag),
    )
    assert response.status_code == 422
    errors = problem_of(response)["errors"]
    assert {e["pointer"]: e["detail"] for e in errors} == {
        "#/results/1": "SS02 2025/26 Q3: say why the result is not available.",
        "#/results/2": "SS02 2025/26 Q2 is not due in this return.",
    }
    assert Result.objects.get(indicator=world.indicator, period=Q3).value == Decimal("101")
    assert not Result.objects.filter(indicator=second).exists()
    assert history_of(world.indicator) == before
    assert etag_of_return(api, world.ret) == etag  # the return did not move either


def test_a_value_out_of_bounds_points_at_its_field(world, api_as):
    api = api_as(world.lead)
    response = api.post(
        f"/returns/{world.ret.pk}/results",
        {
            "results": [
                {"indicator_id": world.indicator.pk, "period": "2025/26 Q3", "value": "1e30"}
            ]
        },
        **match(etag_of_return(api, world.ret)),
    )
    assert response.status_code == 422
    [error] = problem_of(response)["errors"]
    assert error["pointer"] == "#/results/0/value"
    assert Result.objects.get(indicator=world.indicator, period=Q3).value == Decimal("101")


def test_the_same_indicator_and_period_twice_is_refused(world, api_as):
    api = api_as(world.lead)
    row = {"indicator_id": world.indicator.pk, "period": "2025/26 Q3", "value": 1}
    response = api.post(
        f"/returns/{world.ret.pk}/results",
        {"results": [row, {**row, "period": "2025-Q3", "value": 2}]},
        **match(etag_of_return(api, world.ret)),
    )
    assert response.status_code == 422
    assert problem_of(response)["errors"][0]["pointer"] == "#/results/1"


def test_if_match_is_required_and_a_stale_one_is_refused(world, api_as):
    api = api_as(world.lead)
    path = f"/returns/{world.ret.pk}/results"
    body = {"results": [{"indicator_id": world.indicator.pk, "period": "2025/26 Q3", "value": 80}]}
    missing = api.post(path, body)
    assert missing.status_code == 428
    problem_of(missing)
    old = etag_of_return(api, world.ret)
    assert api.post(path, body, **match(old)).status_code == 200
    # Another client still holds the old ETag: refused, nothing overwritten.
    stale = api.post(
        path,
        {"results": [{"indicator_id": world.indicator.pk, "period": "2025/26 Q3", "value": 5}]},
        **match(old),
    )
    assert stale.status_code == 412
    assert stale["ETag"] == etag_of_return(api, world.ret) != old
    problem_of(stale)
    assert Result.objects.get(indicator=world.indicator, period=Q3).value == Decimal("80")
    # Saving the page moves the version too: the API's ETag goes stale with it.
    current = etag_of_return(api, world.ret)
    ret = Return.objects.get(pk=world.ret.pk)
    ret.save()
    assert api.post(path, body, **match(current)).status_code == 412


def test_a_result_put_alone(world, api_as):
    api = api_as(world.member)
    period = quote("2025/26 Q3")
    path = f"/returns/{world.ret.pk}/results/{world.indicator.pk}/{period}"
    response = api.put(
        path, {"value": 99, "commentary": "Close."}, **match(etag_of_return(api, world.ret))
    )
    assert response.status_code == 200, response.content
    assert response.json()["changed"] == 1
    result = Result.objects.get(indicator=world.indicator, period=Q3)
    assert (result.value, result.commentary) == (Decimal("99"), "Close.")
    # By key as well; a problem points at the body's field.
    response = api.put(
        f"/returns/{world.ret.pk}/results/{world.indicator.pk}/2025-Q3",
        {"not_available": True},
        **match(response["ETag"]),
    )
    assert response.status_code == 422
    assert problem_of(response)["errors"] == [
        {"pointer": "#/", "detail": "SS01 2025/26 Q3: say why the result is not available."}
    ]


def test_the_history_names_the_person_and_the_api(world, api_as):
    api = api_as(world.member)
    response = api.post(
        f"/returns/{world.ret.pk}/results",
        {"results": [{"indicator_id": world.indicator.pk, "period": "2025/26 Q3", "value": 77}]},
        **match(etag_of_return(api, world.ret)),
    )
    assert response.status_code == 200
    latest = history_of(world.indicator)[-1]
    assert latest.history_user == world.member
    assert latest.history_change_reason == "2025/26 Q3 return (through the API)"
    ret_history = Return.history.filter(id=world.ret.pk).order_by("-history_id").first()
    assert ret_history.history_user == world.member
    assert ret_history.history_change_reason == "Results recorded (through the API)"


def test_another_partnerships_return_is_not_found(world, api_as):
    api = api_as(world.outsider)
    assert api.get(f"/returns/{world.ret.pk}").status_code == 404
    response = api.post(f"/returns/{world.ret.pk}/results", {"results": []}, **match("*"))
    assert response.status_code == 404


def test_submitting_lists_what_is_missing_then_submits(world, api_as):
    api = api_as(world.lead)
    Result.objects.filter(indicator=world.indicator, period=Q3).delete()
    etag = etag_of_return(api, world.ret)
    assert api.post(f"/returns/{world.ret.pk}/submit").status_code == 428
    refused = api.post(f"/returns/{world.ret.pk}/submit", **match(etag))
    assert refused.status_code == 422
    assert problem_of(refused)["errors"] == [
        {
            "pointer": "#/",
            "detail": "SS01 2025/26 Q3: enter the result, or mark it not available and say why.",
        }
    ]
    assert Return.objects.get(pk=world.ret.pk).status == Return.Status.OPEN
    recorded = api.post(
        f"/returns/{world.ret.pk}/results",
        {"results": [{"indicator_id": world.indicator.pk, "period": "2025/26 Q3", "value": 100}]},
        **match(etag),
    )
    assert recorded.status_code == 200
    assert api.post(f"/returns/{world.ret.pk}/submit", **match(etag)).status_code == 412
    done = api.post(f"/returns/{world.ret.pk}/submit", **match(recorded["ETag"]))
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "submitted"
    ret = Return.objects.get(pk=world.ret.pk)
    assert (ret.status, ret.submitted_by) == (Return.Status.SUBMITTED, world.lead)
    assert done["ETag"] == f'"return-{ret.pk}-v{ret.version}"'
    # Submitted: results are refused with the service's words.
    late = api.post(
        f"/returns/{world.ret.pk}/results",
        {"results": [{"indicator_id": world.indicator.pk, "period": "2025/26 Q3", "value": 1}]},
        **match(done["ETag"]),
    )
    assert late.status_code == 422
    assert "has been submitted" in problem_of(late)["detail"]


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert call().status_code == 200
    return len(queries)


def test_lists_do_not_grow_queries_with_rows(world, api_as):
    api = api_as(world.lead)
    api.get("/returns/")  # the token's use recorded, once a minute
    results = _queries(lambda: api.get(f"/returns/{world.ret.pk}/results"))
    returns = _queries(lambda: api.get("/returns/"))
    for n in range(2, 12):
        make_indicator(world.partnership, f"SS{n:02d}", {"2025/26 Q3": ("1", str(n))})
        Return.objects.create(
            round=ReportingRound.objects.create(
                period=Period(Frequency.QUARTERLY, 2010 + n, 1), deadline=world.ret.deadline
            ),
            partnership=world.partnership,
            deadline=world.ret.deadline,
        )
    assert _queries(lambda: api.get(f"/returns/{world.ret.pk}/results")) == results
    assert _queries(lambda: api.get("/returns/")) == returns
    body = api.get(f"/returns/{world.ret.pk}/results").json()
    assert body["count"] == 11
    assert body["items"][1]["indicator_code"] == "SS02"
    assert api.get("/returns/").json()["count"] == 11
