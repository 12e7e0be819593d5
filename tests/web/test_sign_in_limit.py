"""Too many failed sign-ins for a username: refused for a while, with a message that says
so, whatever the password; counted in the shared cache (core.rate_limits)."""

import time_machine
from django.urls import reverse
from django.utils import timezone

from goldenthread.core import rate_limits
from tests.conftest import PASSWORD


def sign_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_eleventh_try_is_refused_even_with_the_right_password(client, world):
    for n in range(rate_limits.SIGN_IN_FAILURES):
        page = sign_in(client, "member", f"wrong-{n}").content.decode()
        assert "Enter a correct username and password" in page
    response = sign_in(client, "member", PASSWORD)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Too many failed sign-ins for this username" in page
    assert "_auth_user_id" not in client.session
    # The username is matched however it is typed, and others can still sign in.
    assert "Too many failed" in sign_in(client, "MEMBER", PASSWORD).content.decode()
    assert sign_in(client, "lead", PASSWORD).status_code == 302


def test_the_limit_ends_with_its_window(client, world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(rate_limits.SIGN_IN_FAILURES):
            sign_in(client, "member", f"wrong-{n}")
        assert "Too many failed" in sign_in(client, "member", PASSWORD).content.decode()
    later = start + timezone.timedelta(seconds=rate_limits.SIGN_IN_WINDOW + 1)
    with time_machine.travel(later, tick=False):
        assert sign_in(client, "member", PASSWORD).status_code == 302


def test_signing_in_clears_the_count(client, world):
    for n in range(rate_limits.SIGN_IN_FAILURES - 1):
        sign_in(client, "member", f"wrong-{n}")
    assert sign_in(client, "member", PASSWORD).status_code == 302
    client.logout()
    for n in range(rate_limits.SIGN_IN_FAILURES - 1):
        sign_in(client, "member", f"wrong-again-{n}")
    assert sign_in(client, "member", PASSWORD).status_code == 302
