"""The API's tests: a client that calls /api/v1/ with a personal access token of a given
person and scope, as another system would."""

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from goldenthread.core.models import TokenScope, User
from goldenthread.core.services.api_tokens import create_token

PREFIX = "/api/v1"


def token_for(person: User, scope: str = TokenScope.READ_WRITE, name: str = "Tests") -> str:
    """A new token's secret, made through the service as the tokens page does."""
    _token, secret = create_token(
        person,
        name=name,
        scope=scope,
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    return secret


class Api:
    """Calls the API as `person` (with a token), or anonymously (person None)."""

    def __init__(self, client: Client, secret: str | None):
        self.client = client
        self.secret = secret

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        found = dict(headers or {})
        if self.secret:
            found.setdefault("Authorization", f"Bearer {self.secret}")
        return found

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str):
        return self.client.get(PREFIX + path, params or {}, headers=self._headers(headers))

    def send(self, method: str, path: str, body: Any = None, **headers: str):
        call = getattr(self.client, method.lower())
        return call(
            PREFIX + path,
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers=self._headers(headers),
        )

    def post(self, path: str, body: Any = None, **headers: str):
        return self.send("post", path, body, **headers)

    def put(self, path: str, body: Any = None, **headers: str):
        return self.send("put", path, body, **headers)


@pytest.fixture
def api_as(db):
    """api_as(person, scope) -> Api; api_as(None) calls without a token."""

    def make(person: User | None, scope: str = TokenScope.READ_WRITE) -> Api:
        return Api(Client(), token_for(person, scope) if person is not None else None)

    return make


def problem_of(response) -> dict[str, Any]:
    """The RFC 9457 body of an error response, checked to be one."""
    assert response["Content-Type"] == "application/problem+json", response.content[:300]
    body = response.json()
    assert body["status"] == response.status_code
    assert body["title"] and "detail" in body
    return body
