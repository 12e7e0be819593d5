"""Limits on guessing passwords (settings.ACCOUNT_RATE_LIMITS, django-allauth's
"login_failed"): per account and per address, on the sign-in page and through the admin,
whose sign-in is ours. Counted in the shared cache (the database), so every app server
counts the same tries. The message is the same whether or not the account exists."""

import html

import time_machine
from django.urls import reverse
from django.utils import timezone

from goldenthread.core.models import SecurityEvent
from tests.conftest import PASSWORD, make_user

LOCKED = "Too many failed attempts to sign in"
WRONG = "password you specified are not correct"


def sign_in(client, login: str, password: str, **headers):
    return client.post(
        reverse("sign_in_password"), {"login": login, "password": password}, **headers
    )


def text(response) -> str:
    return html.unescape(response.content.decode())


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_then_the_right_one_is_refused_for_that_account(client, world):
    for n in range(30):
        response = sign_in(client, "member", f"wrong-{n}")
        assert response.status_code == 200
        assert not signed_in(client)
    response = sign_in(client, "member", PASSWORD)
    assert response.status_code == 200
    assert LOCKED in text(response)
    assert not signed_in(client)
    # However the account is named: in capitals, or by its e-mail address.
    world.member.email = "member@police.example"
    world.member.save()
    assert LOCKED in text(sign_in(client, "MEMBER", PASSWORD))
    assert LOCKED in text(sign_in(client, "member@police.example", PASSWORD))
    assert not signed_in(client)
    # From another address, another account is not affected.
    response = sign_in(client, "lead", PASSWORD, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302 and signed_in(client)


def test_the_account_is_locked_after_ten_failures_from_many_addresses(client, world):
    for n in range(10):
        sign_in(client, "member", f"wrong-{n}", REMOTE_ADDR=f"10.0.0.{n + 1}")
    response = sign_in(client, "member", PASSWORD, REMOTE_ADDR="10.0.1.1")
    assert LOCKED in text(response) and not signed_in(client)
    # The refusal is recorded, with what was typed and from where.
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SIGN_IN_LOCKED).get()
    assert (event.login, event.ip_address) == ("member", "10.0.1.1")
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SIGN_IN_FAILED).count() == 10


def test_thirty_failures_from_one_address_lock_that_address(client, world):
    for n in range(30):
        response = sign_in(client, f"someone-{n}", "wrong")
        assert WRONG in text(response)
    # The right password for a real account, from that address: refused.
    response = sign_in(client, "lead", PASSWORD)
    assert LOCKED in text(response) and not signed_in(client)
    # The same person from another address signs in.
    response = sign_in(client, "lead", PASSWORD, REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 302 and signed_in(client)


def test_the_message_gives_no_hint_whether_the_account_exists(client, world):
    for n in range(10):
        sign_in(client, "member", f"wrong-{n}")
        sign_in(client, "no-such-person", f"wrong-{n}")
    real = text(sign_in(client, "member", "wrong-again"))
    made_up = text(sign_in(client, "no-such-person", "wrong-again"))
    assert LOCKED in real and LOCKED in made_up
    assert "try again later" in real.lower()
    # Nothing on the two pages differs but what was typed.
    assert real.replace("member", "X").count(LOCKED) == made_up.count(LOCKED)
    for page in (real, made_up):
        assert "does not exist" not in page and "no account" not in page.lower()


def test_the_limit_ends_with_its_window(client, world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(10):
            sign_in(client, "member", f"wrong-{n}")
        assert LOCKED in text(sign_in(client, "member", PASSWORD))
    with time_machine.travel(start + timezone.timedelta(minutes=15, seconds=1), tick=False):
        assert sign_in(client, "member", PASSWORD).status_code == 302


def test_a_success_does_not_wipe_the_count_of_failures(client, world):
    """allauth gives back the try that succeeded and no more: signing in now and then
    does not let a guesser go on for ever."""
    for n in range(9):
        sign_in(client, "member", f"wrong-{n}")
    assert sign_in(client, "member", PASSWORD).status_code == 302
    client.logout()
    sign_in(client, "member", "wrong-9")
    assert LOCKED in text(sign_in(client, "member", PASSWORD))


def test_the_admin_signs_in_through_the_same_page_and_limits(client, world):
    admin = make_user("admin", is_staff=True, is_superuser=True)
    # The admin's own sign-in page sends people to ours, keeping where they were going.
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=%2Fadmin%2F"
    # A password posted to the admin's old page is not even looked at.
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 302 and not signed_in(client)
    # Thirty wrong passwords on the way to the admin, then the right one: refused.
    for n in range(30):
        sign_in(client, "admin", f"wrong-{n}")
    assert LOCKED in text(sign_in(client, "admin", PASSWORD)) and not signed_in(client)
    # From elsewhere, once the account's window has passed, the superuser gets in.
    later = timezone.now() + timezone.timedelta(minutes=16)
    with time_machine.travel(later, tick=False):
        response = client.post(
            reverse("sign_in_password") + "?next=/admin/",
            {"login": "admin", "password": PASSWORD, "next": "/admin/"},
            REMOTE_ADDR="192.0.2.9",
        )
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200
        # Signed in, the admin's sign-in page goes straight to the admin.
        assert client.get("/admin/login/?next=/admin/core/").url == "/admin/core/"
    assert admin.is_superuser


def test_the_admin_refuses_someone_signed_in_who_is_not_staff(client, world):
    client.force_login(world.member)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 403


def test_the_count_is_kept_in_the_shared_cache_table(client, world):
    """What one app server counted, another sees: the counts are rows of the database
    cache's table (tests/service/test_two_servers.py signs in across two servers)."""
    from django.conf import settings
    from django.db import connection

    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    for n in range(10):
        sign_in(client, "member", f"wrong-{n}")
    assert LOCKED in text(sign_in(client, "member", PASSWORD))
    table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {table}")
        keys = [row[0] for row in cursor.fetchall()]
        assert any("login_failed" in k for k in keys), keys
        # Take the rows away and the count is gone: it was nowhere else.
        cursor.execute(f"DELETE FROM {table} WHERE cache_key LIKE %s", ["%login_failed%"])
    assert sign_in(client, "member", PASSWORD).status_code == 302


def test_too_many_tries_in_a_minute_get_a_plain_page(client, world, settings):
    """Each try at all (not only failures) is limited per address, per minute
    (ACCOUNT_RATE_LIMITS "login"); past it the answer is 429 with our page."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    for n in range(3):
        assert sign_in(client, f"someone-{n}", "wrong").status_code == 200
    response = sign_in(client, "lead", PASSWORD)
    assert response.status_code == 429 and not signed_in(client)
    assert "Too many tries" in text(response)
