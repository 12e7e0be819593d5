"""Tokens at the API's door, for writes above all: a revoked or expired token, or one whose
person has left, is a 401; a read-only token cannot write (403); each token has a limit of
requests a minute (429 with Retry-After). None of them writes anything."""

import datetime

from django.utils import timezone

from goldenthread.core.models import ApiToken, Result, Return, TokenScope
from goldenthread.core.services.api_tokens import revoke_token

from .conftest import problem_of


def _write(world, api):
    ret = Return.objects.get(pk=world.ret.pk)
    return api.post(
        f"/returns/{ret.pk}/results",
        {"results": [{"indicator_id": world.indicator.pk, "period": "2025/26 Q3", "value": 5}]},
        **{"If-Match": f'"return-{ret.pk}-v{ret.version}"'},
    )


def _written(world) -> tuple:
    return (
        Result.history.count(),
        Return.objects.get(pk=world.ret.pk).version,
        Result.objects.get(indicator=world.indicator, period="2025-Q3").value,
    )


def _token_of(person) -> ApiToken:
    return ApiToken.objects.filter(person=person).latest("pk")


def test_a_revoked_token_is_refused(world, api_as):
    api = api_as(world.lead)
    assert api.get("/returns/").status_code == 200
    revoke_token(world.lead, token=_token_of(world.lead))
    before = _written(world)
    for response in (api.get("/returns/"), _write(world, api)):
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        problem_of(response)
    assert _written(world) == before


def test_a_bad_token_is_refused_even_beside_a_signed_in_session(world, api_as):
    """A token speaks for the request: a revoked one is a 401 even from a browser whose
    session cookie would let its person in (the session is for the product's own pages)."""
    api = api_as(world.lead)
    api.client.force_login(world.lead)
    revoke_token(world.lead, token=_token_of(world.lead))
    before = _written(world)
    assert api.get("/returns/").status_code == 401
    assert _write(world, api).status_code == 401
    api.secret = "gt_not-a-token"
    assert api.get("/returns/").status_code == 401
    assert _written(world) == before
    api.secret = None  # the session alone still reads, as the product's pages do
    assert api.get("/returns/").status_code == 200


def test_an_expired_token_is_refused(world, api_as):
    api = api_as(world.lead)
    ApiToken.objects.filter(person=world.lead).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    before = _written(world)
    assert api.get(f"/returns/{world.ret.pk}").status_code == 401
    assert _write(world, api).status_code == 401
    assert _written(world) == before


def test_the_token_of_someone_who_has_left_is_refused(world, api_as):
    api = api_as(world.lead)
    world.lead.is_active = False
    world.lead.save()
    before = _written(world)
    assert _write(world, api).status_code == 401
    assert _written(world) == before


def test_a_read_only_token_reads_but_cannot_write(world, api_as):
    api = api_as(world.lead, TokenScope.READ)
    assert api.get(f"/returns/{world.ret.pk}").status_code == 200
    before = _written(world)
    for response in (
        _write(world, api),
        api.post(f"/returns/{world.ret.pk}/submit", **{"If-Match": "*"}),
        api.post(
            f"/actions/{world.action.pk}/progress",
            {"state": "on_track", "percent_complete": 5},
            **{"If-Match": "*"},
        ),
    ):
        assert response.status_code == 403
        assert "read only" in problem_of(response)["detail"]
    assert _written(world) == before
    assert Return.objects.get(pk=world.ret.pk).status == Return.Status.OPEN


def test_the_rate_limit_answers_429_with_retry_after(world, api_as, settings):
    settings.GT_API_REQUESTS_PER_MINUTE = 2
    api = api_as(world.lead)
    assert api.get("/returns/").status_code == 200
    assert api.get(f"/returns/{world.ret.pk}").status_code == 200
    before = _written(world)
    for response in (api.get("/returns/"), _write(world, api)):
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 60
        problem_of(response)
    assert _written(world) == before
    # The limit is the token's: another person's token is not held back.
    assert api_as(world.member).get("/returns/").status_code == 200


def test_a_write_records_the_tokens_use(world, api_as):
    api = api_as(world.lead)
    assert _token_of(world.lead).last_used_at is None
    assert _write(world, api).status_code == 200
    token = _token_of(world.lead)
    assert token.last_used_at is not None
    assert token.last_used_from == "127.0.0.1"
