"""The API tokens page (issue 15): a person makes a token, sees its secret once, uses it
against the API, and revokes it; hostile input gets a message next to the box and saves
nothing; nobody else's token can be seen or revoked, but the performance team may revoke
anyone's from the person's page."""

import datetime
import hashlib
import html
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from goldenthread.core.models import ApiToken, SecurityEvent, TokenScope
from goldenthread.core.services.api_tokens import create_token
from tests.web.error_summary import assert_error_summary

TODAY = datetime.date(2026, 1, 15)
SECRET = re.compile(r'value="(gt_[A-Za-z0-9_-]+)"')


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=True):
        yield


def text(response) -> str:
    return html.unescape(response.content.decode())


def make(client, **data):
    form = {"name": "Power BI", "scope": TokenScope.READ, "expires_on": "2026-04-15", **data}
    return client.post(reverse("api_tokens"), form, REMOTE_ADDR="198.51.100.4")


def api_get(secret: str, path: str = "/api/v1/partnerships/"):
    return Client().get(path, headers={"Authorization": f"Bearer {secret}"})


def a_token(person, name: str = "Spreadsheet") -> ApiToken:
    token, _secret = create_token(
        person, name=name, scope=TokenScope.READ, expires_on=TODAY + datetime.timedelta(days=30)
    )
    return token


def test_the_account_page_links_to_the_tokens_page(client, world):
    client.force_login(world.viewer)
    page = client.get(reverse("your_account")).content.decode()
    assert f'href="{reverse("api_tokens")}"' in page


def test_the_form_offers_read_only_for_ninety_days(client, world):
    client.force_login(world.member)
    page = client.get(reverse("api_tokens")).content.decode()
    assert 'value="2026-04-15"' in page  # 90 days from 15 January 2026
    assert re.search(r'value="read"[^>]*checked', page)
    assert "You have no API tokens." in page


def test_it_makes_a_token_shows_the_secret_once_and_it_works_until_revoked(client, world):
    client.force_login(world.member)
    response = make(client, scope=TokenScope.READ_WRITE)
    assert response.status_code == 200
    secret = SECRET.search(response.content.decode()).group(1)
    assert "It is shown only this once" in text(response)

    token = ApiToken.objects.get()
    assert token.person == world.member and token.name == "Power BI"
    assert token.scope == TokenScope.READ_WRITE
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and secret not in token.prefix
    assert token.expires_at.date() == datetime.date(2026, 4, 15)
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.TOKEN_CREATED, actor=world.member
    ).exists()

    # The list shows the token by its first characters, never the secret again.
    listing = client.get(reverse("api_tokens"))
    assert secret not in listing.content.decode()
    assert f"{token.prefix}…" in text(listing) and "Never" in text(listing)

    answer = api_get(secret)
    assert answer.status_code == 200
    assert [p["name"] for p in answer.json()["items"]] == ["Safer Streets Partnership"]
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert "from 127.0.0.1" in text(client.get(reverse("api_tokens")))

    url = reverse("api_token_revoke", args=[token.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Revoke the token “Power BI”?" in text(confirm)
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.TOKEN_REVOKED, actor=world.member, subject=world.member
    ).exists()
    refused = api_get(secret)
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    assert "Revoked" in text(client.get(reverse("api_tokens")))


HOSTILE = [
    ({"name": ""}, "name", "Give the token a name that says what it is for"),
    ({"name": "   "}, "name", "Give the token a name that says what it is for"),
    ({"name": "x" * 100_000}, "name", "100"),
    ({"name": "Power\x00BI"}, "name", ""),
    ({"scope": ""}, "scope", "Choose read only, or read and write"),
    ({"scope": "admin"}, "scope", "Choose read only, or read and write"),
    ({"expires_on": ""}, "expires_on", "Enter the date the token stops working"),
    ({"expires_on": "not a date"}, "expires_on", "Enter the expiry date as a real date"),
    ({"expires_on": "2026-02-30"}, "expires_on", "Enter the expiry date as a real date"),
    ({"expires_on": "0001-01-01"}, "expires_on", ""),
    ({"expires_on": "9999-12-31"}, "expires_on", ""),
    ({"expires_on": "2026-01-15"}, "expires_on", "The expiry date must be after today"),
    ({"expires_on": "2027-03-01"}, "expires_on", "A token can last at most a year"),
]


@pytest.mark.parametrize(("data", "field", "message"), HOSTILE)
def test_hostile_input_gets_a_message_next_to_the_box_and_saves_nothing(
    client, world, data, field, message
):
    client.force_login(world.member)
    response = make(client, **data)
    assert response.status_code == 200
    page = response.content.decode()
    error = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</p>', page, re.S)
    assert error, f"no message next to {field}: {page[:500]}"
    assert message in html.unescape(error.group(1))
    assert_error_summary(page)
    assert not ApiToken.objects.exists()


def test_another_persons_token_cannot_be_seen_or_revoked(client, world):
    token = a_token(world.lead)
    url = reverse("api_token_revoke", args=[token.pk])
    for person in (world.member, world.other_member, world.outsider, world.viewer):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
        assert "Spreadsheet" not in text(client.get(reverse("api_tokens")))
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.get(reverse("api_token_revoke", args=[token.pk + 1000])).status_code == 404


def test_the_performance_team_revokes_anyones_token_from_their_page(client, world):
    token = a_token(world.member, "Old laptop")
    client.force_login(world.performance)
    person_page = text(client.get(reverse("person", args=[world.member.pk])))
    tokens_url = reverse("person_api_tokens", args=[world.member.pk])
    assert tokens_url in person_page
    listing = client.get(tokens_url)
    assert listing.status_code == 200 and "Old laptop" in text(listing)
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302 and response.url == tokens_url
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.TOKEN_REVOKED)
    assert (event.actor, event.subject) == (world.performance, world.member)


def test_only_the_performance_team_sees_someones_tokens(client, world):
    a_token(world.member)
    for person in (world.lead, world.member, world.viewer, world.outsider):
        client.force_login(person)
        url = reverse("person_api_tokens", args=[world.member.pk])
        assert client.get(url).status_code in (403, 404)


def test_revoking_twice_is_harmless(client, world):
    token = a_token(world.member)
    client.force_login(world.member)
    url = reverse("api_token_revoke", args=[token.pk])
    client.post(url)
    first = ApiToken.objects.get().revoked_at
    assert client.post(url).status_code == 302
    assert ApiToken.objects.get().revoked_at == first
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.TOKEN_REVOKED).count() == 1
    assert "already revoked" in text(client.get(url))
