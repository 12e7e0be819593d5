"""Sessions end after 30 minutes without use and 12 hours after signing in (web.middleware.
SessionLimitsMiddleware), with a message saying why; signed-in pages are never cached;
behind HTTPS the cookies are __Host- prefixed; forms posted through the council's TLS proxy
pass the CSRF origin check (settings, GT_HTTPS, GT_SITE_URL, GT_CSRF_TRUSTED_ORIGINS)."""

import html
import json
import subprocess

import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from goldenthread.core.models import SecurityEvent
from tests.conftest import PASSWORD
from tests.live import PROJECT, PYTHON, live_env

Kind = SecurityEvent.Kind
minutes = timezone.timedelta(minutes=1)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def sign_in(client, username: str = "member"):
    return client.post(reverse("sign_in_password"), {"login": username, "password": PASSWORD})


def test_an_idle_session_ends_after_thirty_minutes(client, world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert sign_in(client).status_code == 302
    # Still in after 29 minutes, and again 29 minutes after that: using it keeps it.
    for step in (29, 58, 87):
        with time_machine.travel(start + step * minutes, tick=False):
            assert client.get(reverse("home")).status_code == 200, step
    # 31 minutes without use: signed out, sent to sign in, told why.
    with time_machine.travel(start + (87 + 31) * minutes, tick=False):
        response = client.get(reverse("notification_list") + "?page=2")
        assert response.status_code == 302
        asked = reverse("notification_list") + "?page=2"
        assert response["Location"] == f"{reverse('login')}?{urlencode({'next': asked})}"
        assert not signed_in(client)
        page = html.unescape(client.get(response["Location"]).content.decode())
        assert "You were signed out because you had not used Golden Thread for 30 minutes" in page
        assert client.get(reverse("home")).status_code == 302
    event = SecurityEvent.objects.get(kind=Kind.SESSION_EXPIRED)
    assert event.actor == world.member and "idle" in event.detail
    assert not SecurityEvent.objects.filter(kind=Kind.SIGNED_OUT).exists()


def test_a_session_ends_twelve_hours_after_signing_in_however_busy(client, world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client)
    for step in range(20, 12 * 60, 20):
        with time_machine.travel(start + step * minutes, tick=False):
            assert client.get(reverse("home")).status_code == 200, step
    with time_machine.travel(start + (12 * 60 + 1) * minutes, tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302 and not signed_in(client)
        page = html.unescape(client.get(response["Location"]).content.decode())
        assert "signed in more than 12 hours ago" in page
    assert SecurityEvent.objects.filter(kind=Kind.SESSION_EXPIRED).count() == 1


@override_settings(GT_SESSION_IDLE_MINUTES=5)
def test_the_idle_time_is_a_setting(client, world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client)
    with time_machine.travel(start + 6 * minutes, tick=False):
        assert client.get(reverse("home")).status_code == 302


def test_signed_in_pages_are_not_stored_public_ones_and_static_files_are(client, world):
    anonymous = client.get(reverse("public_index"))
    assert anonymous.status_code == 200
    assert "no-store" not in anonymous.get("Cache-Control", "")
    sign_in(client)
    for url in (reverse("home"), reverse("public_index"), reverse("mfa_index")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url
    static = client.get("/static/gt/app.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")


def production_settings(**env: str) -> dict:
    """The settings a process gets from these environment variables."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k, None) for k in ["
        "'SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_DOMAIN', 'CSRF_COOKIE_DOMAIN', "
        "'SESSION_COOKIE_PATH', 'CSRF_COOKIE_PATH', 'CSRF_TRUSTED_ORIGINS', "
        "'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_AGE', 'ALLOWED_HOSTS', "
        "'CONTENT_SECURITY_POLICY']}))"
    )
    process_env = live_env("sqlite:///:memory:", DJANGO_SETTINGS_MODULE="goldenthread.settings")
    for name in ("GT_HTTPS", "GT_SITE_URL", "GT_CSRF_TRUSTED_ORIGINS", "GT_SESSION_HOURS"):
        process_env.pop(name, None)
    done = subprocess.run(
        [PYTHON, "-c", code],
        cwd=PROJECT,
        env={**process_env, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


HOST = "goldenthread.example.gov.uk"


def test_settings_behind_https():
    s = production_settings(
        GT_HTTPS="1", GT_SITE_URL=f"https://{HOST}/", GT_ALLOWED_HOSTS=HOST, GT_SESSION_HOURS="8"
    )
    assert s["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert s["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["SESSION_COOKIE_DOMAIN"] is None and s["CSRF_COOKIE_DOMAIN"] is None
    assert s["SESSION_COOKIE_PATH"] == "/" and s["CSRF_COOKIE_PATH"] == "/"
    assert s["CSRF_TRUSTED_ORIGINS"] == [f"https://{HOST}"]
    assert s["SESSION_COOKIE_AGE"] == 8 * 3600
    directives = s["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["base-uri"] == ["'none'"] and directives["object-src"] == ["'none'"]
    # Named origins win; plain HTTP gives no default.
    named = production_settings(
        GT_HTTPS="1",
        GT_SITE_URL=f"https://{HOST}",
        GT_CSRF_TRUSTED_ORIGINS="https://a.example.gov.uk, https://b.example.gov.uk",
    )
    assert named["CSRF_TRUSTED_ORIGINS"] == ["https://a.example.gov.uk", "https://b.example.gov.uk"]
    plain = production_settings()
    assert plain["CSRF_TRUSTED_ORIGINS"] == [] and plain["SESSION_COOKIE_NAME"] == "sessionid"


# What production_settings(GT_HTTPS=1, GT_SITE_URL=https://HOST) gives, in this process;
# the app server behind the proxy is reached as 127.0.0.1:8000.
BEHIND_PROXY = dict(
    SESSION_COOKIE_NAME="__Host-sessionid",
    CSRF_COOKIE_NAME="__Host-csrftoken",
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    CSRF_TRUSTED_ORIGINS=[f"https://{HOST}"],
    ALLOWED_HOSTS=[HOST, "127.0.0.1"],
)


@override_settings(**BEHIND_PROXY)
def test_signing_in_through_the_tls_proxy_with_host_cookies(world):
    browser = Client(enforce_csrf_checks=True)
    proxied = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "127.0.0.1:8000"}
    page = browser.get(reverse("sign_in_password"), **proxied)
    assert page.status_code == 200
    cookie = browser.cookies["__Host-csrftoken"]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]
    token = page.context["csrf_token"]
    form = {"login": "member", "password": PASSWORD, "csrfmiddlewaretoken": token}
    # The browser says where the form came from: the public address, over HTTPS.
    response = browser.post(
        reverse("sign_in_password"), form, HTTP_ORIGIN=f"https://{HOST}", **proxied
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    session = browser.cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"] and session["path"] == "/"
    assert not session["domain"]
    # A form posted from anywhere else is refused, and the refusal recorded.
    other = Client(enforce_csrf_checks=True)
    page = other.get(reverse("sign_in_password"), **proxied)
    form["csrfmiddlewaretoken"] = page.context["csrf_token"]
    refused = other.post(
        reverse("sign_in_password"), form, HTTP_ORIGIN="https://evil.example", **proxied
    )
    assert refused.status_code == 403
    assert SecurityEvent.objects.filter(kind=Kind.REFUSED).count() == 1


@override_settings(**{**BEHIND_PROXY, "CSRF_TRUSTED_ORIGINS": []})
def test_without_the_trusted_origin_the_proxy_breaks_sign_in(world):
    """Why CSRF_TRUSTED_ORIGINS defaults to GT_SITE_URL's origin: the check fails here."""
    browser = Client(enforce_csrf_checks=True)
    proxied = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "127.0.0.1:8000"}
    page = browser.get(reverse("sign_in_password"), **proxied)
    form = {
        "login": "member",
        "password": PASSWORD,
        "csrfmiddlewaretoken": page.context["csrf_token"],
    }
    response = browser.post(
        reverse("sign_in_password"), form, HTTP_ORIGIN=f"https://{HOST}", **proxied
    )
    assert response.status_code == 403
