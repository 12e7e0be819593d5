"""Personal access tokens (issue 15): made and revoked by their person through the
service, only the hash kept, refused once revoked or expired or when the person is
deactivated, and their use recorded."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.utils import timezone

from goldenthread.core.models import ApiToken, SecurityEvent
from goldenthread.core.services.api_tokens import (
    authenticate,
    create_token,
    revoke_token,
    secret_hash,
)


def _make(person, **changes):
    fields = dict(
        name="Power BI", scope="read", expires_on=timezone.localdate() + datetime.timedelta(30)
    )
    fields.update(changes)
    return create_token(person, **fields)


def test_only_the_hash_is_kept_and_the_secret_works_once_shown(world):
    token, secret = _make(world.member)
    assert secret.startswith("gt_") and len(secret) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.secret_hash == secret_hash(secret) != secret
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert stored.prefix == secret[:10]
    assert authenticate(secret) == token
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.TOKEN_CREATED, actor=world.member
    ).exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"scope": "admin"}, "scope"),
        ({"expires_on": datetime.date(2020, 1, 1)}, "expires_on"),
        ({"expires_on": None}, "expires_on"),
    ],
)
def test_bad_input_is_refused_by_field(world, changes, field):
    with pytest.raises(ValidationError) as refused:
        _make(world.member, **changes)
    assert field in refused.value.message_dict
    assert not ApiToken.objects.exists()


def test_at_most_a_year(world):
    with pytest.raises(ValidationError) as refused:
        _make(world.member, expires_on=timezone.localdate() + datetime.timedelta(days=367))
    assert "at most a year" in refused.value.message_dict["expires_on"][0]


def test_revoked_expired_or_deactivated_tokens_do_not_work(world):
    token, secret = _make(world.member)
    revoke_token(world.member, token=token)
    assert authenticate(secret) is None
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.TOKEN_REVOKED).count() == 1

    _token, secret = _make(world.member)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=32)):
        assert authenticate(secret) is None

    _token, secret = _make(world.lead)
    world.lead.is_active = False
    world.lead.save()
    assert authenticate(secret) is None


def test_a_person_revokes_only_their_own_but_the_team_any(world):
    token, secret = _make(world.member)
    with pytest.raises(PermissionDenied):
        revoke_token(world.lead, token=token)
    assert authenticate(secret) == token
    revoke_token(world.performance, token=token)
    assert authenticate(secret) is None


@pytest.mark.parametrize("secret", ["", "gt_", "gt_" + "x" * 300, "Bearer", "gt_\x00"])
def test_nonsense_is_no_token(world, secret):
    assert authenticate(secret) is None


def test_use_is_recorded_when_and_from_where(world):
    token, secret = _make(world.member)
    request = RequestFactory().get("/api/v1/partnerships/", REMOTE_ADDR="192.0.2.7")
    authenticate(secret, request)
    token.refresh_from_db()
    assert token.last_used_from == "192.0.2.7"
    first = token.last_used_at
    assert first is not None
    # Within the minute, from the same place, the use is not written again.
    authenticate(secret, request)
    token.refresh_from_db()
    assert token.last_used_at == first
