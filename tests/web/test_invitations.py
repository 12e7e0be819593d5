"""Invitations (issue 14): who may invite whom, the e-mail and its link, the link's page
(a new account with a password, signed in and taken to the partnership; or, for someone
with an account, signing in and accepting into it), and a link that expires, works once
and can be withdrawn or sent again. Each write is checked in the database and in the
security record."""

import datetime
import hashlib
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from goldenthread.core.models import Invitation, Membership, Role, SecurityEvent, User
from goldenthread.core.services import invitations
from tests.conftest import PASSWORD, add_member, make_user
from tests.web.error_summary import assert_error_summary

Kind = SecurityEvent.Kind
NEW_PASSWORD = "a-long-new-passphrase-7"


def invite(world, *, by=None, email="Sam.Jones@Example.org", role=Role.MEMBER, **kw):
    return invitations.invite(
        by or world.lead,
        email=email,
        partnership=kw.pop("partnership", world.partnership),
        organisation=kw.pop("organisation", world.police),
        role=role,
        **kw,
    )


def link_in(mail) -> str:
    (url,) = re.findall(r"http://testserver(/invitations/[^/\s]+/)", mail.body)
    return url


@pytest.fixture(autouse=True)
def site(settings):
    settings.GT_SITE_URL = "http://testserver"


# --- inviting -------------------------------------------------------------------------------


def test_a_lead_invites_and_the_email_says_who_what_and_until_when(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite(world)
    invitation.refresh_from_db()
    assert invitation.email == "sam.jones@example.org"  # normalised
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash
    assert (invitation.role, invitation.organisation, invitation.invited_by) == (
        Role.MEMBER,
        world.police,
        world.lead,
    )
    days = (invitation.expires_at - timezone.now()).total_seconds() / 86400
    assert 6.99 < days <= 7
    (mail,) = mailoutbox
    assert mail.to == ["sam.jones@example.org"]
    assert "Safer Streets Partnership as a member" in mail.subject
    assert "Lead Tester (Test Council) has invited you to join Safer Streets Partnership" in (
        mail.body
    )
    assert "You will represent Test Police there." in mail.body
    assert f"until {timezone.localtime(invitation.expires_at):%-d %B %Y}" in mail.body
    assert "you can ignore this e-mail" in mail.body
    assert link_in(mail) == f"/invitations/{token}/"
    (event,) = SecurityEvent.objects.filter(kind=Kind.INVITED)
    assert (event.actor, event.login) == (world.lead, invitation.email)
    assert "Safer Streets Partnership as a member" in event.detail


def test_no_email_goes_if_the_invitation_is_rolled_back(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        invite(world)
        raise RuntimeError
    assert mailoutbox == [] and not Invitation.objects.exists()


def test_the_days_a_link_works_come_from_settings(world, settings):
    settings.GT_INVITATION_DAYS = 2
    invitation, _ = invite(world)
    days = (invitation.expires_at - timezone.now()).total_seconds() / 86400
    assert 1.99 < days <= 2


def test_a_lead_invites_to_their_own_partnership_only(world):
    other_lead = make_user("other_lead")
    add_member(world.other, other_lead, Role.LEAD, world.police)
    for person in (other_lead, world.member, world.viewer, world.outsider, world.nobody):
        with pytest.raises(PermissionDenied):
            invite(world, by=person)
    with pytest.raises(PermissionDenied):
        invitations.invite(world.lead, email="x@example.org", as_performance_team=True)
    assert not Invitation.objects.exists()
    assert not SecurityEvent.objects.filter(kind=Kind.INVITED).exists()
    invite(world, by=other_lead, partnership=world.other)
    invite(world, by=world.performance, partnership=world.other, email="y@example.org")
    invitations.invite(world.performance, email="Team@Example.org", as_performance_team=True)
    assert Invitation.objects.count() == 3
    assert Invitation.objects.get(as_performance_team=True).email == "team@example.org"


def test_a_closed_partnership_takes_no_invitations(world):
    world.partnership.closed_on = datetime.date(2026, 1, 1)
    world.partnership.save()
    for person in (world.lead, world.performance):
        with pytest.raises(PermissionDenied):
            invite(world, by=person)
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("email", ["", "not an address", "sam@", "@example.org"])
def test_the_address_must_be_one(world, email):
    with pytest.raises(ValidationError) as error:
        invite(world, email=email)
    assert "email" in error.value.message_dict
    assert not Invitation.objects.exists()


def test_someone_already_a_member_is_not_invited(world):
    world.member.email = "member@police.example"
    world.member.save()
    with pytest.raises(ValidationError, match="already a member of Safer Streets"):
        invite(world, email="MEMBER@police.example")
    assert not Invitation.objects.exists()


def test_inviting_again_renews_the_pending_invitation(world):
    first, old_token = invite(world, role=Role.VIEWER)
    second, new_token = invite(world, email="sam.jones@example.org", role=Role.LEAD)
    assert first.pk == second.pk and Invitation.objects.count() == 1
    assert Invitation.objects.get().role == Role.LEAD
    assert invitations.invitation_for_token(old_token) is None
    assert invitations.invitation_for_token(new_token) == second
    assert SecurityEvent.objects.filter(kind=Kind.INVITED).count() == 2


# --- the link's page: a new account ----------------------------------------------------------


def accept_form(**overrides) -> dict:
    return {
        "first_name": "Sam",
        "last_name": "Jones",
        "username": "sam.jones",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        **overrides,
    }


def test_the_link_makes_an_account_signs_in_and_lands_in_the_partnership(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, _ = invite(world)
    url = link_in(mailoutbox[0])
    page = client.get(url).content.decode()
    assert "Lead Tester (Test Council) has invited you to join Safer Streets Partnership" in page
    assert 'value="sam.jones"' in page  # the username suggested from the address
    assert "Continue with" not in page  # no provider serves example.org

    response = client.post(url, accept_form())
    assert response.status_code == 302
    assert response.url == world.partnership.get_absolute_url()
    user = User.objects.get(username="sam.jones")
    assert (user.email, user.get_full_name(), user.organisation) == (
        "sam.jones@example.org",
        "Sam Jones",
        world.police,
    )
    assert user.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.filter(user=user, email=user.email, verified=True).exists()
    membership = Membership.objects.get(partnership=world.partnership, person=user)
    assert (membership.role, membership.organisation) == (Role.MEMBER, world.police)
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    event = SecurityEvent.objects.get(kind=Kind.INVITATION_ACCEPTED)
    assert event.subject == user and event.ip_address == "127.0.0.1"
    # Signed in: the partnership opens.
    assert client.get(world.partnership.get_absolute_url()).status_code == 200
    assert int(client.session["_auth_user_id"]) == user.pk


def test_the_link_works_once(client, world):
    _, token = invite(world)
    url = reverse("invitation", args=[token])
    assert client.post(url, accept_form()).status_code == 302
    client.logout()
    response = client.get(url)
    assert response.status_code == 410
    assert "This invitation has been used" in response.content.decode()
    response = client.post(url, accept_form(username="someone.else"))
    assert response.status_code == 410
    assert User.objects.filter(email="sam.jones@example.org").count() == 1
    invitation = Invitation.objects.get()
    with pytest.raises(ValidationError, match="already been used"):
        invitations.accept(invitation, username="third", password=NEW_PASSWORD)


def test_the_link_expires(client, world):
    invitation, token = invite(world)
    url = reverse("invitation", args=[token])
    with time_machine.travel(invitation.expires_at + datetime.timedelta(minutes=1)):
        assert invitations.invitation_for_token(token) is None
        response = client.get(url)
        assert response.status_code == 410
        page = response.content.decode()
        assert "This invitation has expired" in page
        assert "Lead Tester" in page  # whom to ask
        assert client.post(url, accept_form()).status_code == 410
        with pytest.raises(ValidationError, match="expired"):
            invitations.accept(invitation, username="sam", password=NEW_PASSWORD)
    assert not User.objects.filter(username="sam.jones").exists()
    with time_machine.travel(invitation.expires_at - datetime.timedelta(minutes=1)):
        assert invitations.invitation_for_token(token) == invitation


def test_a_withdrawn_link_stops_working(client, world):
    invitation, token = invite(world)
    with pytest.raises(PermissionDenied):
        invitations.revoke(world.member, invitation)
    invitations.revoke(world.lead, invitation)
    assert Invitation.objects.get().revoked_at is not None
    response = client.get(reverse("invitation", args=[token]))
    assert response.status_code == 410
    assert "This invitation was withdrawn" in response.content.decode()
    event = SecurityEvent.objects.get(kind=Kind.INVITATION_REVOKED)
    assert (event.actor, event.login) == (world.lead, invitation.email)


def test_an_unknown_token_says_the_link_does_not_work(client, world):
    response = client.get(reverse("invitation", args=["not-a-token"]))
    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()
    assert invitations.invitation_for_token("x" * 5000) is None


def test_password_rules_are_shown_next_to_the_fields(client, world):
    _, token = invite(world)
    url = reverse("invitation", args=[token])
    response = client.post(url, accept_form(password="12345678", password_again="12345678"))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_password_error"' in page and "too common" in page
    assert_error_summary(page)
    page = client.post(url, {}).content.decode()
    assert len(assert_error_summary(page)) == 5
    response = client.post(url, accept_form(password_again="something-else-9"))
    assert "Enter the same password twice" in response.content.decode()
    response = client.post(url, accept_form(username="lead"))
    assert "That username is taken" in response.content.decode()
    assert not User.objects.filter(email="sam.jones@example.org").exists()
    assert Invitation.objects.get().accepted_at is None


# --- the link's page: someone with an account --------------------------------------------------


def test_someone_with_an_account_signs_in_and_accepts_into_it(client, world):
    world.outsider.email = "outsider@police.example"
    world.outsider.save()
    _, token = invite(world, email="Outsider@police.example", role=Role.VIEWER)
    url = reverse("invitation", args=[token])
    page = client.get(url).content.decode()
    assert "You already have a Golden Thread account" in page
    assert "Create my account" not in page
    assert client.post(url, accept_form()).status_code == 200  # no account made
    assert User.objects.filter(email__iexact="outsider@police.example").count() == 1

    client.force_login(world.outsider)
    assert "Accept the invitation" in client.get(url).content.decode()
    response = client.post(url, {"action": "accept"})
    assert response.status_code == 302
    assert response.url == world.partnership.get_absolute_url()
    membership = Membership.objects.get(partnership=world.partnership, person=world.outsider)
    assert membership.role == Role.VIEWER
    assert Invitation.objects.get().accepted_by == world.outsider


def test_a_deactivated_account_with_the_address_is_not_doubled(client, world):
    world.outsider.email = "outsider@police.example"
    world.outsider.is_active = False
    world.outsider.save()
    _, token = invite(world, email="outsider@police.example")
    response = client.post(reverse("invitation", args=[token]), accept_form())
    assert response.status_code == 400
    assert "is deactivated" in response.content.decode()
    assert User.objects.filter(email__iexact="outsider@police.example").count() == 1
    assert Invitation.objects.get().accepted_at is None


def test_a_signed_in_account_with_another_address_cannot_accept(client, world):
    _, token = invite(world)
    client.force_login(world.nobody)
    url = reverse("invitation", args=[token])
    page = client.get(url).content.decode()
    assert "but the invitation is for sam.jones@example.org" in page
    client.post(url, {"action": "accept"})
    assert not Membership.objects.filter(person=world.nobody).exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_invitation_to_the_performance_team(client, world):
    _, token = invitations.invite(
        world.performance, email="analyst@example.org", as_performance_team=True
    )
    url = reverse("invitation", args=[token])
    assert "the council performance team" in client.get(url).content.decode()
    assert client.post(url, accept_form(username="analyst")).status_code == 302
    user = User.objects.get(username="analyst")
    assert user.is_performance_team and not user.memberships.exists()


def test_an_organisations_sign_in_is_offered_when_it_serves_the_address(client, world):
    pytest.importorskip("goldenthread.core.services.sign_in")
    provider = world.identity_provider  # serves police.example
    _, token = invite(world, email="pat@police.example")
    page = client.get(reverse("invitation", args=[token])).content.decode()
    assert f"Continue with {provider.name}" in page
    assert "Create my account" in page  # a password is still possible


def test_continue_with_the_provider_goes_there_holding_the_invitation(client, world):
    """A real OpenID Connect provider on the loopback: the invitation page's button sends
    the invitee to it (with their address as the hint), keeping which invitation it is for
    the sign-in's return (core.services.sign_in)."""
    from urllib.parse import parse_qs, urlsplit

    from oidc_provider_mock import run_server_in_thread

    from goldenthread.core.services import sign_in

    with run_server_in_thread(port=0) as server:
        issuer = f"http://localhost:{server.server_port}"
        sign_in.add_provider(
            by=world.performance,
            name="Test Police",
            organisation=world.police,
            issuer=issuer,
            client_id="client-1",
            secret="secret-1",
            domains="police.example",
        )
        invitation, token = invite(world, email="pat@police.example")
        url = reverse("invitation", args=[token])
        page = client.get(url)
        # Chrome applies form-action to the redirect after the form: the provider is in it.
        csp = page["Content-Security-Policy"]
        form_action = next(d for d in csp.split(";") if d.strip().startswith("form-action"))
        assert issuer in form_action
        response = client.post(url, {"action": "provider"})
    assert response.status_code == 302
    assert response.url.startswith(issuer)
    assert parse_qs(urlsplit(response.url).query)["login_hint"] == ["pat@police.example"]
    assert client.session["invitation_id"] == invitation.pk
    assert Invitation.objects.get().accepted_at is None  # not until the provider answers


def test_a_provider_not_answering_leaves_the_password_form(client, world):
    pytest.importorskip("goldenthread.core.services.sign_in")
    world.identity_provider  # noqa: B018 -- serves police.example, at a closed port
    _, token = invite(world, email="pat@police.example")
    response = client.post(reverse("invitation", args=[token]), {"action": "provider"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "sign-in is not answering" in page and "Create my account" in page


# --- managing invitations on the pages --------------------------------------------------------


def test_the_invite_page_sends_an_invitation(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.lead)
    url = reverse("partnership_invite", args=[world.partnership.pk])
    assert "Invite someone" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"email": "pat@example.org", "organisation": world.police.pk, "role": "viewer"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("pat@example.org", Role.VIEWER)
    assert len(mailoutbox) == 1
    page = client.get(response.url).content.decode()
    assert "Invitation sent to pat@example.org" in page


def test_the_invite_page_says_what_is_wrong(client, world):
    world.member.email = "member@police.example"
    world.member.save()
    client.force_login(world.lead)
    url = reverse("partnership_invite", args=[world.partnership.pk])
    page = client.post(url, {"email": "", "role": ""}).content.decode()
    assert set(assert_error_summary(page)) == {
        "Enter their e-mail address",
        "Choose the organisation they will represent",
        "Choose their role",
    }
    page = client.post(
        url, {"email": "member@police.example", "organisation": world.police.pk, "role": "lead"}
    ).content.decode()
    assert "already a member" in page
    assert not Invitation.objects.exists()


def test_sending_again_and_withdrawing_on_the_page(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    invitation, old_token = invite(world)
    client.force_login(world.lead)
    url = reverse("invitation_manage", args=[invitation.pk])
    assert "Send it again" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"action": "resend"}).status_code == 302
    (mail,) = mailoutbox
    new_url = link_in(mail)
    assert old_token not in new_url
    assert invitations.invitation_for_token(old_token) is None
    assert client.get(new_url).status_code == 200  # the lead is signed in: accept page
    assert client.post(url, {"action": "withdraw"}).status_code == 302
    assert Invitation.objects.get().revoked_at is not None
    assert SecurityEvent.objects.filter(kind=Kind.INVITATION_REVOKED).count() == 1


def test_a_lead_cannot_manage_another_partnerships_invitation(client, world):
    invitation, _ = invite(world, by=world.performance, partnership=world.other)
    client.force_login(world.lead)
    url = reverse("invitation_manage", args=[invitation.pk])
    assert client.post(url, {"action": "withdraw"}).status_code == 404
    assert Invitation.objects.get().revoked_at is None


def test_the_team_invites_to_the_team_on_the_people_page(client, world):
    client.force_login(world.performance)
    response = client.post(reverse("team_invite"), {"email": "new.analyst@example.org"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.as_performance_team and invitation.partnership is None
    page = client.get(reverse("people")).content.decode()
    assert "new.analyst@example.org" in page[page.index('id="team-invitations"') :]
    client.force_login(world.lead)
    assert client.post(reverse("team_invite"), {"email": "x@example.org"}).status_code == 403


def test_the_lead_signs_in_with_the_password_the_invitee_chose(client, world):
    """The account made from the link signs in through the ordinary sign-in."""
    _, token = invite(world)
    client.post(reverse("invitation", args=[token]), accept_form())
    client.logout()
    from django.contrib.auth import authenticate

    assert authenticate(username="sam.jones", password=NEW_PASSWORD) is not None
    assert authenticate(username="sam.jones", password=PASSWORD) is None
