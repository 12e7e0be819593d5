"""The record of security events: each kind recorded with who, when and from where
(core.security_signals, the account adapter, web.middleware), and the performance team's
page listing them (web.views.security), which nobody else may see."""

import html

from django.urls import reverse
from django.utils import timezone

from goldenthread.core.models import SecurityEvent
from tests.conftest import PASSWORD

Kind = SecurityEvent.Kind
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


def sign_in(client, login: str, password: str = PASSWORD, **headers):
    return client.post(
        reverse("sign_in_password"),
        {"login": login, "password": password},
        HTTP_USER_AGENT=BROWSER,
        **headers,
    )


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_signing_in_and_out_is_recorded(client, world):
    before = timezone.now()
    assert sign_in(client, "member", REMOTE_ADDR="198.51.100.4").status_code == 302
    event = SecurityEvent.objects.get(kind=Kind.SIGNED_IN)
    assert (event.actor, event.subject) == (world.member, world.member)
    assert event.ip_address == "198.51.100.4" and event.user_agent == BROWSER
    assert event.at >= before and event.detail == "with password"
    client.post(reverse("logout"), REMOTE_ADDR="198.51.100.4")
    out = SecurityEvent.objects.get(kind=Kind.SIGNED_OUT)
    assert out.actor == world.member and out.ip_address == "198.51.100.4"


def test_a_failed_sign_in_is_recorded_with_what_was_typed(client, world):
    sign_in(client, "member", "wrong", REMOTE_ADDR="203.0.113.9")
    sign_in(client, "nobody-by-this-name", "wrong", REMOTE_ADDR="203.0.113.9")
    real, made_up = SecurityEvent.objects.filter(kind=Kind.SIGN_IN_FAILED).order_by("pk")
    assert real.actor is None and real.subject == world.member and real.login == "member"
    assert made_up.subject is None and made_up.login == "nobody-by-this-name"
    assert real.ip_address == made_up.ip_address == "203.0.113.9"
    assert real.path == reverse("sign_in_password")


def test_behind_the_proxy_the_address_is_the_clients(client, world, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    sign_in(client, "member", "wrong", HTTP_X_FORWARDED_FOR="192.0.2.44", REMOTE_ADDR="10.0.0.1")
    assert SecurityEvent.objects.get(kind=Kind.SIGN_IN_FAILED).ip_address == "192.0.2.44"


def test_a_refused_request_is_recorded_once(client, world):
    client.force_login(world.viewer)
    response = client.get(reverse("security_event_list"), REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 403
    refused = SecurityEvent.objects.filter(kind=Kind.REFUSED)
    assert refused.count() == 1
    event = refused.get()
    assert event.actor == world.viewer and event.path == reverse("security_event_list")
    assert event.ip_address == "198.51.100.7"


def test_a_hostile_browser_description_is_recorded_safely(client, world):
    hostile = "evil\x00\x01\x1b[31m<script>alert(1)</script>\r\n" + "A" * 10_000
    client.post(
        reverse("sign_in_password"),
        {"login": "x\x1b[2Jy\x07" + "z" * 500, "password": "wrong"},
        HTTP_USER_AGENT=hostile,
    )
    event = SecurityEvent.objects.get(kind=Kind.SIGN_IN_FAILED)
    assert len(event.user_agent) <= 300 and "\x00" not in event.user_agent
    assert "\x1b" not in event.user_agent and "\x01" not in event.user_agent
    assert len(event.login) <= 254 and "\x1b" not in event.login and "\x07" not in event.login
    # And shown safely on the page.
    client.force_login(world.performance)
    page = client.get(reverse("security_event_list")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_the_page_is_for_the_performance_team_only(client, world):
    for person in (world.viewer, world.member, world.lead):
        client.force_login(person)
        assert client.get(reverse("security_event_list")).status_code == 403
        assert client.get(reverse("security_policy")).status_code == 403
    client.logout()
    assert client.get(reverse("security_event_list")).status_code == 302
    client.force_login(world.performance)
    assert client.get(reverse("security_event_list")).status_code == 200
    # Linked from the council view.
    assert reverse("security_event_list") in client.get(reverse("council_view")).content.decode()


def test_the_page_lists_newest_first_filters_and_pages(client, world):
    for n in range(3):
        sign_in(client, "member", f"wrong-{n}", REMOTE_ADDR="203.0.113.1")
    sign_in(client, "lead", REMOTE_ADDR="203.0.113.2")
    client.force_login(world.performance)
    page = text(client.get(reverse("security_event_list")))
    assert page.index("Signed in") < page.index("Sign-in failed")  # newest first
    assert "203.0.113.1" in page and "typed “member”" in page
    only_failures = text(client.get(reverse("security_event_list"), {"kind": "sign_in_failed"}))
    assert "3 events" in only_failures and "203.0.113.2" not in only_failures
    by_person = text(client.get(reverse("security_event_list"), {"person": "lead"}))
    assert "203.0.113.2" in by_person and "203.0.113.1" not in by_person
    today = timezone.localdate()
    yesterday = today - timezone.timedelta(days=1)
    none = text(client.get(reverse("security_event_list"), {"until": yesterday.isoformat()}))
    assert "No events match these filters" in none
    bad = client.get(
        reverse("security_event_list"),
        {"since": today.isoformat(), "until": yesterday.isoformat()},
    )
    assert "There is a problem" in text(bad)
    # Fifty to a page; the filters carried to the next.
    SecurityEvent.objects.bulk_create(
        SecurityEvent(kind=Kind.SIGN_IN_FAILED, login=f"bulk-{n}") for n in range(60)
    )
    first = text(client.get(reverse("security_event_list"), {"kind": "sign_in_failed"}))
    assert "page 1 of 2" in first and "kind=sign_in_failed&page=2" in first
    second = text(client.get(reverse("security_event_list"), {"kind": "sign_in_failed", "page": 2}))
    assert "page 2 of 2" in second


def test_making_new_recovery_codes_is_recorded(client, world):
    """Adding and removing go through the pages in tests/web/test_mfa.py."""
    import time

    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import TestCase

    TOTP.activate(world.member, generate_totp_secret())
    client.force_login(world.member)
    session = client.session  # as allauth leaves it after confirming the password
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(world.member.pk)
    session.save()
    page = client.get(reverse("mfa_generate_recovery_codes"))
    assert page.status_code == 200 and "Make new recovery codes" in text(page)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("mfa_generate_recovery_codes"), REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302
    event = SecurityEvent.objects.filter(
        kind__in=[Kind.RECOVERY_CODES, Kind.SECOND_FACTOR_ADDED]
    ).get()
    assert event.actor == world.member and event.ip_address == "198.51.100.20"


def test_policy_changes_are_recorded(client, world):
    client.force_login(world.performance)
    page = client.get(reverse("security_policy"))
    assert page.status_code == 200
    client.post(reverse("security_policy"), {"second_factor": "not_required"})
    event = SecurityEvent.objects.get(kind=Kind.POLICY_CHANGED)
    assert event.actor == world.performance and event.detail == "second factor: not required"
    # Saving the same again records nothing new.
    client.post(reverse("security_policy"), {"second_factor": "not_required"})
    assert SecurityEvent.objects.filter(kind=Kind.POLICY_CHANGED).count() == 1
