"""Where you are signed in (issue 14): each sign-in is kept as a session of its own
(allauth.usersessions) with the address and browser it came from; the person sees them on
a page of ours and can sign the others out, which ends them at once."""

from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD


def signed_in(username: str, browser: str) -> Client:
    client = Client(HTTP_USER_AGENT=browser)
    response = client.post(reverse("sign_in_password"), {"login": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_each_sign_in_is_listed_and_the_others_can_be_signed_out(db, world):
    laptop = signed_in("member", "Laptop browser")
    phone = signed_in("member", "Phone browser")
    assert UserSession.objects.filter(user=world.member).count() == 2

    page = laptop.get(reverse("usersessions_list")).content.decode()
    assert '<h1 class="govuk-heading-l">Where you are signed in</h1>' in page
    assert "Laptop browser" in page and "Phone browser" in page
    assert page.count("This browser</strong>") == 1
    assert "Sign out everywhere else" in page

    response = laptop.post(reverse("usersessions_list"))
    assert response.status_code == 302
    assert list(
        UserSession.objects.filter(user=world.member).values_list("user_agent", flat=True)
    ) == ["Laptop browser"]
    # The phone's session is gone: its next page asks it to sign in.
    assert phone.get(reverse("home")).url.startswith(reverse("login"))
    assert laptop.get(reverse("home")).status_code == 200


def test_someone_signed_in_once_is_not_offered_to_sign_out_others(db, world):
    client = signed_in("lead", "Only browser")
    page = client.get(reverse("usersessions_list")).content.decode()
    assert "Only browser" in page
    assert "Sign out everywhere else" not in page
