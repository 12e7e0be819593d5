"""Partnerships and members through the API: who sees which, filters, paging, 404s."""

from goldenthread.core.models import Role

from .conftest import problem_of


def test_a_member_lists_only_their_partnerships(world, api_as):
    response = api_as(world.member).get("/partnerships/")
    assert response.status_code == 200
    body = response.json()
    assert [p["name"] for p in body["items"]] == ["Safer Streets Partnership"]
    assert body["count"] == 1


def test_the_performance_team_lists_every_partnership_a_to_z(world, api_as):
    body = api_as(world.performance).get("/partnerships/").json()
    assert [p["name"] for p in body["items"]] == ["Other Partnership", "Safer Streets Partnership"]


def test_another_partnership_is_not_found(world, api_as):
    response = api_as(world.member).get(f"/partnerships/{world.other.pk}")
    assert response.status_code == 404
    assert problem_of(response)["detail"] == "Not found."


def test_members_by_role(world, api_as):
    body = (
        api_as(world.viewer)
        .get(f"/partnerships/{world.partnership.pk}/members", {"role": Role.MEMBER})
        .json()
    )
    assert sorted(m["name"] for m in body["items"]) == sorted(
        [str(world.member), str(world.other_member)]
    )
    assert {m["role"] for m in body["items"]} == {"member"}


def test_paging_is_bounded_and_stable(world, api_as):
    api = api_as(world.performance)
    first = api.get("/partnerships/", {"page_size": 1}).json()
    second = api.get("/partnerships/", {"page_size": 1, "page": 2}).json()
    assert first["count"] == second["count"] == 2
    assert first["items"][0]["id"] != second["items"][0]["id"]
    too_big = api.get("/partnerships/", {"page_size": 501})
    assert too_big.status_code == 422
    assert problem_of(too_big)["errors"][0]["pointer"] == "#/query/page_size"


def test_without_a_token_is_401_with_a_challenge(world, api_as):
    response = api_as(None).get("/partnerships/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    problem_of(response)
