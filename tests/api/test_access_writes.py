"""Who may make each write through the API: the pages' matrix (anonymous, outsider, viewer,
member who does not own the item, the owner, the lead, the performance team). A refusal
writes nothing."""

from urllib.parse import quote

import pytest

from goldenthread.core.models import (
    ActionUpdate,
    ComparatorValue,
    Result,
    Return,
    RiskReview,
)

ROLES = ["anonymous", "outsider", "viewer", "other_member", "member", "lead", "performance"]

# The owner of the indicator, the action and the risk is `member`.
EXPECTED = {
    "results": [401, 404, 403, 403, 200, 200, 403],
    "result": [401, 404, 403, 403, 200, 200, 403],
    "submit": [401, 404, 403, 403, 403, 200, 403],
    "progress": [401, 404, 403, 403, 200, 200, 403],
    "review": [401, 404, 403, 403, 200, 200, 403],
    "comparators": [401, 404, 403, 403, 403, 200, 200],
}

CASES = [
    (operation, role, status)
    for operation, statuses in EXPECTED.items()
    for role, status in zip(ROLES, statuses, strict=True)
]


def _state(world) -> tuple:
    ret = Return.objects.get(pk=world.ret.pk)
    return (
        Result.history.count(),
        ActionUpdate.objects.count(),
        RiskReview.objects.count(),
        ComparatorValue.objects.count(),
        ret.status,
        ret.version,
    )


def _call(world, api, reader, operation: str):
    ret = world.ret
    return_etag = reader.get(f"/returns/{ret.pk}")["ETag"]
    row = {"indicator_id": world.indicator.pk, "period": "2025/26 Q3", "value": 55}
    if operation == "results":
        return api.post(
            f"/returns/{ret.pk}/results", {"results": [row]}, **{"If-Match": return_etag}
        )
    if operation == "result":
        return api.put(
            f"/returns/{ret.pk}/results/{world.indicator.pk}/{quote('2025/26 Q3')}",
            {"value": 55},
            **{"If-Match": return_etag},
        )
    if operation == "submit":
        return api.post(f"/returns/{ret.pk}/submit", **{"If-Match": return_etag})
    if operation == "progress":
        path = f"/actions/{world.action.pk}/progress"
        return api.post(
            path,
            {"state": "on_track", "percent_complete": 30},
            **{"If-Match": reader.get(path)["ETag"]},
        )
    if operation == "review":
        path = f"/risks/{world.risk.pk}/reviews"
        return api.post(
            path,
            {"likelihood": 2, "impact": 3, "next_review": "2026-06-30"},
            **{"If-Match": reader.get(path)["ETag"]},
        )
    assert operation == "comparators"
    return api.post(
        "/comparators/values",
        {
            "rows": [
                {
                    "indicator_id": world.indicator.pk,
                    "area_code": "E08000020",
                    "period": "2025/26 Q2",
                    "value": 10,
                }
            ]
        },
    )


@pytest.mark.parametrize(("operation", "role", "status"), CASES)
def test_who_may_write(world, api_as, operation, role, status):
    person = None if role == "anonymous" else getattr(world, role)
    api = api_as(person)
    reader = api_as(world.lead)  # reads the ETags every caller sends
    before = _state(world)
    response = _call(world, api, reader, operation)
    assert response.status_code == status, response.content[:400]
    if status == 200:
        assert _state(world) != before
    else:
        assert response["Content-Type"] == "application/problem+json"
        assert _state(world) == before
