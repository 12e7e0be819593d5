"""The second factor (django-allauth's mfa, our pages and policy): setting up an
authenticator app with a real code worked out from its key, signing in with a code and
with a recovery code (once only), a wrong code refused, the council's policy sending
people to set one up first, and people signed in through their organisation exempt."""

import html
import time

import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from goldenthread.core.models import SecurityEvent, SecurityPolicy
from goldenthread.core.security import second_factor_needed
from tests.conftest import PASSWORD

Kind = SecurityEvent.Kind


def code_for(secret: str, at: float | None = None) -> str:
    """The code an authenticator app shows for this key at this time."""
    return format_hotp_value(hotp_value(secret, int(at or time.time()) // 30))


def text(response) -> str:
    return html.unescape(response.content.decode())


def sign_in_with_password(client, username: str):
    return client.post(reverse("sign_in_password"), {"login": username, "password": PASSWORD})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def open_set_up_page(client):
    """The authenticator app's set-up page, after confirming the password (allauth asks
    for it again before any change to how one signs in)."""
    page = client.get(reverse("mfa_activate_totp"))
    if page.status_code == 302:
        assert page["Location"].startswith(reverse("account_reauthenticate"))
        confirm = client.get(page["Location"])
        assert "Confirm it is you" in text(confirm)
        response = client.post(
            page["Location"], {"password": PASSWORD, "next": reverse("mfa_activate_totp")}
        )
        assert response.status_code == 302, text(response)
        page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    return page


def set_up_app(client, username: str = "member") -> str:
    """Signs in with a password and turns on an authenticator app; returns its key."""
    assert sign_in_with_password(client, username).status_code == 302
    page = open_set_up_page(client)
    secret = page.context["form"].secret
    body = text(page)
    # The QR code has a text alternative and the key is shown as text to type in.
    assert 'alt="QR code for your authenticator app' in body
    assert f'id="authenticator_secret">{secret}</code>' in body
    with TestCase.captureOnCommitCallbacks(execute=True):  # allauth signals on commit
        response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert response.status_code == 302, text(response)
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    return secret


def test_setting_up_an_authenticator_app(client, world):
    secret = set_up_app(client)
    kinds = set(Authenticator.objects.filter(user=world.member).values_list("type", flat=True))
    assert kinds == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200 and "Unused codes" in text(codes)
    assert "On" in text(client.get(reverse("mfa_index")))
    added = SecurityEvent.objects.filter(kind=Kind.SECOND_FACTOR_ADDED, subject=world.member)
    assert "authenticator app" in [e.detail for e in added]
    assert secret


def test_a_wrong_code_when_setting_up_is_refused(client, world):
    sign_in_with_password(client, "member")
    secret = open_set_up_page(client).context["form"].secret
    wrong = f"{(int(code_for(secret)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_activate_totp"), {"code": wrong})
    assert response.status_code == 200
    assert "The code is not right" in text(response)
    assert "There is a problem" in text(response)
    assert not Authenticator.objects.filter(user=world.member).exists()


def test_signing_in_with_a_code(client, world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        secret = set_up_app(client)
        client.logout()
    # The next 30 seconds' code (a code works once).
    with time_machine.travel(start + timezone.timedelta(seconds=31), tick=False):
        response = sign_in_with_password(client, "member")
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
        assert not signed_in(client)
        page = client.get(reverse("mfa_authenticate"))
        assert "Enter your code" in text(page)
        response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
        assert response.status_code == 302 and signed_in(client)
        assert client.get(reverse("home")).status_code == 200
    event = SecurityEvent.objects.filter(kind=Kind.SIGNED_IN, subject=world.member).first()
    assert event.detail == "with password and second factor"


def test_a_wrong_code_is_refused_with_a_message(client, world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        secret = set_up_app(client)
        client.logout()
    with time_machine.travel(start + timezone.timedelta(seconds=31), tick=False):
        sign_in_with_password(client, "member")
        wrong = f"{(int(code_for(secret)) + 1) % 1_000_000:06d}"
        response = client.post(reverse("mfa_authenticate"), {"code": wrong})
        assert response.status_code == 200
        assert "The code is not right" in text(response)
        assert not signed_in(client)
    failed = SecurityEvent.objects.get(kind=Kind.SECOND_FACTOR_FAILED)
    assert failed.subject == world.member and failed.actor is None
    assert failed.ip_address == "127.0.0.1"


def test_guessing_codes_is_limited(client, world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        secret = set_up_app(client)
        client.logout()
    with time_machine.travel(start + timezone.timedelta(seconds=31), tick=False):
        sign_in_with_password(client, "member")
        right = code_for(secret)
        for n in range(10):
            guess = f"{(int(right) + n + 1) % 1_000_000:06d}"
            client.post(reverse("mfa_authenticate"), {"code": guess})
        response = client.post(reverse("mfa_authenticate"), {"code": right})
        assert "Too many failed attempts to sign in" in text(response)
        assert not signed_in(client)
    assert SecurityEvent.objects.filter(kind=Kind.SIGN_IN_LOCKED, subject=world.member).exists()


def test_a_recovery_code_works_once(client, world):
    set_up_app(client)
    client.logout()
    rc = Authenticator.objects.get(user=world.member, type=Authenticator.Type.RECOVERY_CODES)
    code = rc.wrap().get_unused_codes()[0]
    sign_in_with_password(client, "member")
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302 and signed_in(client)
    rc.refresh_from_db()
    assert code not in rc.wrap().get_unused_codes()
    client.post(reverse("logout"))
    assert not signed_in(client)
    sign_in_with_password(client, "member")
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200 and "The code is not right" in text(response)
    assert not signed_in(client)


def test_the_policy_sends_people_to_set_one_up_first(client, world, settings):
    settings.GT_REQUIRE_MFA = False
    policy = SecurityPolicy.current()
    policy.require_second_factor = True
    policy.save()
    assert sign_in_with_password(client, "member").status_code == 302
    required = f"{reverse('mfa_index')}?required=1"
    for page in (reverse("home"), reverse("notification_list"), "/admin/"):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"] == required, page
    page = client.get(required)
    assert page.status_code == 200
    assert "The council requires a second factor" in text(page)
    assert client.get("/healthz").status_code == 200
    # Once set up, everything opens.
    secret = open_set_up_page(client).context["form"].secret
    client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert client.get(reverse("home")).status_code == 200
    # Signing out is always possible.
    client.post(reverse("logout"))
    assert not signed_in(client)


def test_signing_out_works_while_a_second_factor_is_required(client, world, settings):
    settings.GT_REQUIRE_MFA = True
    sign_in_with_password(client, "member")
    assert client.get(reverse("home")).status_code == 302
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and not signed_in(client)


def test_without_the_policy_nobody_is_sent(client, world, settings):
    settings.GT_REQUIRE_MFA = False
    sign_in_with_password(client, "member")
    assert client.get(reverse("home")).status_code == 200
    # The performance team's page turns it on; it applies within a minute.
    client.force_login(world.performance)
    response = client.post(reverse("security_policy"), {"second_factor": "required"})
    assert response.status_code == 302
    assert SecurityPolicy.current().second_factor_required
    assert SecurityEvent.objects.filter(kind=Kind.POLICY_CHANGED).exists()
    client.logout()
    sign_in_with_password(client, "member")
    assert client.get(reverse("home")).status_code == 302


def _session_signed_in_by(client, user, method: str, **extra) -> None:
    """A session as allauth leaves it after signing in by `method` (its record of how the
    session was authenticated, allauth.account.authentication)."""
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [{"method": method, "at": time.time(), **extra}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def test_people_signed_in_through_their_organisation_are_exempt(client, world, settings, rf):
    """Going through a real provider is tests/browser/test_single_sign_on.py's; here the
    rule, with the session as allauth records such a sign-in."""
    settings.GT_REQUIRE_MFA = True
    _session_signed_in_by(
        client, world.member, "socialaccount", provider="police", uid="police-member-1"
    )
    assert client.get(reverse("home")).status_code == 200
    # The same person signed in with a password is sent to set one up.
    client.logout()
    _session_signed_in_by(client, world.member, "password", username="member")
    assert client.get(reverse("home")).status_code == 302

    request = rf.get("/")
    request.user = world.member
    request.session = client.session
    assert second_factor_needed(request) is True
    settings.GT_REQUIRE_MFA = False
    assert second_factor_needed(request) is False
    request.session["account_authentication_methods"] = [{"method": "socialaccount"}]
    assert second_factor_needed(request) is None


def test_turning_the_app_off_is_recorded_and_the_policy_applies_again(client, world, settings):
    settings.GT_REQUIRE_MFA = True
    set_up_app(client)
    assert client.get(reverse("home")).status_code == 200
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=world.member).exists()
    assert SecurityEvent.objects.filter(kind=Kind.SECOND_FACTOR_REMOVED).count() == 2
    assert client.get(reverse("home")).status_code == 302
