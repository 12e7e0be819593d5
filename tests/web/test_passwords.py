"""Passwords (issue 14): changing one's own, setting one for an account that signs in
through its organisation, and resetting a forgotten one by e-mail (django-allauth's
views, our pages and words). A reset for an address with no account shows the same page
as for one that has an account. Each is in the security record."""

import re

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from goldenthread.core.models import SecurityEvent, User
from tests.conftest import PASSWORD
from tests.web.error_summary import assert_error_summary

Kind = SecurityEvent.Kind
NEW_PASSWORD = "another-long-passphrase-4"


@pytest.fixture
def member(world):
    world.member.email = "member@police.example"
    world.member.save()
    return world.member


def test_changing_ones_password(client, member):
    client.force_login(member)
    url = reverse("account_change_password")
    page = client.get(url).content.decode()
    assert '<h1 class="govuk-heading-l">Change your password</h1>' in page
    for label in ("Current password", "New password", "New password again"):
        assert f">{label}</label>" in page
    assert "placeholder" not in page

    response = client.post(
        url, {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 200
    assert assert_error_summary(response.content.decode()) == [
        "Your current password is not right: type it again"
    ]
    assert not SecurityEvent.objects.filter(kind=Kind.PASSWORD_CHANGED).exists()

    response = client.post(
        url, {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": "other-thing-77"}
    )
    assert "Enter the same new password in both boxes" in response.content.decode()

    response = client.post(
        url, {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=member.pk).check_password(NEW_PASSWORD)
    event = SecurityEvent.objects.get(kind=Kind.PASSWORD_CHANGED)
    assert event.subject == member and event.actor == member
    assert client.get(reverse("home")).status_code == 200  # still signed in here


def test_a_weak_new_password_is_refused_next_to_the_field(client, member):
    client.force_login(member)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "password", "password2": "password"},
    )
    page = response.content.decode()
    assert "There is a problem" in page and "too common" in page
    assert User.objects.get(pk=member.pk).check_password(PASSWORD)


def test_setting_a_password_for_an_account_without_one(client, member):
    member.set_unusable_password()
    member.save()
    client.force_login(member)
    assert client.get(reverse("account_change_password")).url == reverse("account_set_password")
    page = client.get(reverse("account_set_password")).content.decode()
    assert "Set a password" in page
    response = client.post(
        reverse("account_set_password"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=member.pk).check_password(NEW_PASSWORD)
    event = SecurityEvent.objects.get(kind=Kind.PASSWORD_CHANGED)
    assert event.detail == "First password set"


def reset_link(mail) -> str:
    (path,) = re.findall(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.body)
    return path


def test_a_forgotten_password_is_reset_by_email(client, member, mailoutbox):
    page = client.get(reverse("account_reset_password")).content.decode()
    assert "Reset your password" in page and ">E-mail address</label>" in page
    page = client.post(reverse("account_reset_password"), {"email": "not-an-address"})
    assert assert_error_summary(page.content.decode()) == [
        "Enter an e-mail address in the right form, like name@example.org"
    ]
    response = client.post(reverse("account_reset_password"), {"email": "Member@Police.example"})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    (mail,) = mailoutbox
    assert mail.to == ["member@police.example"]
    assert mail.subject == "Golden Thread: Reset your password"
    assert "Your username is member" in mail.body
    assert "you can ignore this e-mail" in mail.body
    asked = SecurityEvent.objects.get(kind=Kind.PASSWORD_RESET_ASKED)
    assert (asked.subject, asked.actor, asked.login) == (member, None, "member@police.example")

    # The link: allauth keeps the key in the session and shows the form on the next page.
    response = client.get(reset_link(mail))
    assert response.status_code == 302
    form_url = response.url
    page = client.get(form_url).content.decode()
    assert "Choose a new password" in page
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_from_key_done")
    assert "Your password is changed" in client.get(response.url).content.decode()
    assert authenticate(username="member", password=NEW_PASSWORD) is not None
    event = SecurityEvent.objects.get(kind=Kind.PASSWORD_RESET)
    assert event.subject == member

    # The link works once.
    client.cookies.clear()
    response = client.get(reset_link(mail), follow=True)
    assert "This link does not work" in response.content.decode()


def test_an_address_with_no_account_gets_the_same_page(client, member, mailoutbox):
    known = client.post(reverse("account_reset_password"), {"email": "member@police.example"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@police.example"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    known_page = client.get(known.url).content.decode()
    unknown_page = client.get(unknown.url).content.decode()

    def main(page: str) -> str:
        return page[page.index("<main") : page.index("</main>")]

    assert main(known_page) == main(unknown_page)
    assert "If the address you entered belongs to a Golden Thread account" in main(known_page)
    # The address with no account is told so by e-mail (only its owner reads it), with no link.
    unknown_mail = [m for m in mailoutbox if m.to == ["nobody@police.example"]]
    assert len(unknown_mail) == 1 and "/accounts/password/reset/key/" not in unknown_mail[0].body
    asked = SecurityEvent.objects.filter(kind=Kind.PASSWORD_RESET_ASKED).order_by("pk")
    assert [(e.subject, e.login) for e in asked] == [
        (member, "member@police.example"),
        (None, "nobody@police.example"),
    ]


def test_a_deactivated_account_gets_no_reset_link(client, member, mailoutbox):
    member.is_active = False
    member.save()
    client.post(reverse("account_reset_password"), {"email": "member@police.example"})
    assert all("/accounts/password/reset/key/" not in m.body for m in mailoutbox)
