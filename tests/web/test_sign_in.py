"""Signing in (issue 14): the two sign-in pages, organisations' identity providers as the
performance team adds and changes them, and whom a sign-in through a provider signs in
(core.services.sign_in.sign_in_through, as the allauth adapter calls it). The whole round
trip through a real provider is tests/browser/test_single_sign_on.py."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from oidc_provider_mock import run_server_in_thread

from goldenthread.core.models import (
    IdentityProvider,
    Invitation,
    Membership,
    Role,
    SecurityEvent,
    SignInDomain,
    User,
)
from goldenthread.core.services import sign_in
from goldenthread.core.services.invitations import token_hash
from tests.conftest import PASSWORD

Kind = SecurityEvent.Kind


@pytest.fixture
def provider_server():
    """A real OpenID Connect provider on this machine's loopback."""
    with run_server_in_thread(port=0) as server:
        yield f"http://localhost:{server.server_port}"


def add(world, **fields) -> IdentityProvider:
    values = {
        "by": world.performance,
        "name": "Test Police",
        "organisation": world.police,
        "issuer": "https://login.example.net/tenant/v2.0",
        "client_id": "client-1",
        "secret": "secret-1",
        "domains": "police.example",
    }
    return sign_in.add_provider(**{**values, **fields})


# --- the first page: who are you? -----------------------------------------------------------


def test_it_asks_for_an_email_address_or_username(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "Email address or username" in page
    assert "autofocus" not in page


def test_a_username_goes_to_the_password_page_filled_in_with_next_kept(client, world):
    response = client.post(reverse("login"), {"login": "member", "next": "/reporting/"})
    assert response.status_code == 302
    assert response.url == reverse("sign_in_password") + "?next=%2Freporting%2F"
    page = client.get(response.url).content.decode()
    assert 'value="member"' in page
    assert 'name="next" value="/reporting/"' in page
    assert reverse("account_reset_password") in page and "Forgotten your password?" in page
    response = client.post(
        response.url, {"login": "member", "password": PASSWORD, "next": "/reporting/"}
    )
    assert response.status_code == 302 and response.url == "/reporting/"
    assert client.session["_auth_user_id"] == str(world.member.pk)


def test_next_to_another_site_is_dropped(client, world):
    response = client.post(reverse("login"), {"login": "member", "next": "https://evil.example/"})
    assert response.url == reverse("sign_in_password")
    response = client.post(
        reverse("sign_in_password"),
        {"login": "member", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and "evil" not in response.url


def test_an_email_with_no_provider_goes_to_the_password_page(client, world):
    add(world)
    response = client.post(reverse("login"), {"login": "someone@council.example"})
    assert response.url == reverse("sign_in_password")


def test_an_empty_answer_is_asked_again(client, db):
    response = client.post(reverse("login"), {"login": "  "})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Enter your email address or username" in page


def test_a_wrong_password_keeps_the_login_and_says_so(client, world):
    response = client.post(reverse("sign_in_password"), {"login": "member", "password": "no"})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert 'value="member"' in page
    assert "_auth_user_id" not in client.session


def test_an_email_served_by_a_provider_goes_to_it(client, world, provider_server):
    provider = add(world, issuer=provider_server)
    assert (
        client.get(reverse("login")).headers["Content-Security-Policy"].count(provider_server) == 1
    )
    response = client.post(reverse("login"), {"login": "Sam@Police.example", "next": "/reporting/"})
    assert response.status_code == 302
    target = urlsplit(response.url)
    assert f"{target.scheme}://{target.netloc}" == provider_server
    query = parse_qs(target.query)
    assert query["client_id"] == ["client-1"]
    assert query["login_hint"] == ["Sam@Police.example"]
    assert query["redirect_uri"] == [
        "http://testserver"
        + reverse("openid_connect_callback", kwargs={"provider_id": provider.app.provider_id})
    ]
    # The state kept in the session carries `next` back after the provider.
    assert "/reporting/" in str(dict(client.session))


def test_a_switched_off_provider_is_not_used(client, world, provider_server):
    provider = add(world, issuer=provider_server)
    sign_in.deactivate_provider(by=world.performance, provider=provider)
    response = client.post(reverse("login"), {"login": "sam@police.example"})
    assert response.url == reverse("sign_in_password")
    assert provider_server not in client.get(reverse("login"))["Content-Security-Policy"]


def test_a_provider_that_does_not_answer_is_explained(client, world):
    add(world, issuer="http://127.0.0.1:9/nobody")  # port 9: nothing listens
    response = client.post(reverse("login"), {"login": "sam@police.example"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Test Police&#x27;s sign-in is not answering" in page


def test_the_continue_page_of_a_provider_lets_its_form_go_there(client, world, provider_server):
    provider = add(world, issuer=provider_server)
    url = reverse("openid_connect_login", kwargs={"provider_id": provider.app.provider_id})
    response = client.get(url)
    assert response.status_code == 200
    assert "Sign in with Test Police" in response.content.decode()
    assert provider_server in response["Content-Security-Policy"]


def test_signing_out_is_a_post(client, world):
    client.force_login(world.member)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


# --- adding and changing providers ----------------------------------------------------------


def test_the_performance_team_adds_a_provider(world):
    provider = add(
        world, name="Test Police", domains="Police.Example\nfire.example, police.example"
    )
    app = SocialApp.objects.get(pk=provider.app_id)
    assert (app.provider, app.provider_id, app.client_id, app.secret) == (
        "openid_connect",
        "test-police",
        "client-1",
        "secret-1",
    )
    assert app.settings == {"server_url": "https://login.example.net/tenant/v2.0"}
    assert sorted(SignInDomain.objects.values_list("domain", flat=True)) == [
        "fire.example",
        "police.example",
    ]
    assert provider.created_by == world.performance and provider.trusted
    event = SecurityEvent.objects.get(kind=Kind.PROVIDER_CHANGED)
    assert event.actor == world.performance and "Added Test Police" in event.detail
    # A second one of the same name has its own callback URL.
    assert add(world, domains="other.example").app.provider_id == "test-police-2"


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"issuer": "http://login.example.net/x"}, "issuer", "must start https://"),
        ({"issuer": "login.example.net"}, "issuer", "starting https://"),
        ({"issuer": "https://x.example/?a=1"}, "issuer", "without anything after a ?"),
        ({"issuer": ""}, "issuer", "Enter the issuer URL"),
        ({"client_id": " "}, "client_id", "Enter the client ID"),
        ({"secret": ""}, "secret", "Enter the client secret"),
        ({"domains": "sam@police.example"}, "domains", "without the @"),
        ({"domains": "police"}, "domains", "is not an e-mail domain"),
        ({"domains": "-bad.example"}, "domains", "is not an e-mail domain"),
        ({"domains": ""}, "domains", "Enter at least one e-mail domain"),
    ],
)
def test_bad_provider_details_are_refused_with_a_message(world, fields, field, message):
    with pytest.raises(ValidationError) as error:
        add(world, **fields)
    assert message in " ".join(error.value.message_dict[field])
    assert not SocialApp.objects.exists() and not IdentityProvider.objects.exists()


def test_http_is_allowed_for_loopback_only(world):
    assert add(world, issuer="http://127.0.0.1:8080/").app.settings["server_url"] == (
        "http://127.0.0.1:8080"
    )
    assert add(world, issuer="http://localhost:1/x", domains="b.example")


def test_a_domain_served_by_another_provider_is_refused_naming_it(world):
    add(world)
    with pytest.raises(ValidationError) as error:
        add(world, name="Fire", domains="fire.example police.example")
    assert "police.example is already served by Test Police" in str(error.value)
    assert IdentityProvider.objects.count() == 1


def test_only_the_performance_team_adds_or_changes_providers(world):
    for person in (world.lead, world.member, world.viewer):
        with pytest.raises(PermissionDenied):
            add(world, by=person)
    provider = add(world)
    with pytest.raises(PermissionDenied):
        sign_in.deactivate_provider(by=world.lead, provider=provider)
    assert IdentityProvider.objects.get().is_active


def test_changing_a_provider_keeps_its_callback_and_secret(world):
    provider = add(world)
    sign_in.change_provider(
        by=world.performance,
        provider=provider,
        name="Test Police Service",
        organisation=world.police,
        issuer="https://login.example.net/tenant2/v2.0/",
        client_id="client-2",
        secret="",
        domains="police.example\npolice2.example",
        trusted=False,
        is_active=True,
    )
    app = SocialApp.objects.get(pk=provider.app_id)
    assert app.provider_id == "test-police" and app.secret == "secret-1"
    assert app.client_id == "client-2"
    assert app.settings["server_url"] == "https://login.example.net/tenant2/v2.0"
    provider.refresh_from_db()
    assert provider.name == "Test Police Service" and not provider.trusted
    assert sorted(provider.domains.values_list("domain", flat=True)) == [
        "police.example",
        "police2.example",
    ]
    changed = SecurityEvent.objects.filter(kind=Kind.PROVIDER_CHANGED).first()
    assert "client ID" in changed.detail and "no longer trusted" in changed.detail


def test_provider_for_email(world):
    provider = add(world)
    assert sign_in.provider_for_email("Sam@POLICE.example") == provider
    assert sign_in.provider_for_email("sam@council.example") is None
    assert sign_in.provider_for_email("police.example") is None
    assert sign_in.provider_for_email("") is None
    sign_in.deactivate_provider(by=world.performance, provider=provider)
    assert sign_in.provider_for_email("sam@police.example") is None


# --- the pages ------------------------------------------------------------------------------


def test_the_pages_add_list_and_change_a_provider(client, world):
    client.force_login(world.performance)
    response = client.post(
        reverse("identity_provider_add"),
        {
            "name": "Test Police",
            "organisation": world.police.pk,
            "issuer": "https://login.example.net/tenant/v2.0",
            "client_id": "client-1",
            "secret": "secret-1",
            "domains": "police.example",
            "trusted": "on",
        },
    )
    assert response.status_code == 302
    provider = IdentityProvider.objects.get()
    page = client.get(reverse("identity_provider_list")).content.decode()
    assert "http://testserver/accounts/oidc/test-police/login/callback/" in page
    assert "secret-1" not in page
    page = client.get(reverse("identity_provider_change", args=[provider.pk])).content.decode()
    assert "secret-1" not in page and "client-1" in page
    response = client.post(
        reverse("identity_provider_change", args=[provider.pk]),
        {
            "name": "Test Police",
            "organisation": world.police.pk,
            "issuer": "https://login.example.net/tenant/v2.0",
            "client_id": "client-1",
            "secret": "",
            "domains": "police.example",
        },
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert not provider.is_active and not provider.trusted
    assert provider.app.secret == "secret-1"


def test_the_add_page_shows_the_services_messages(client, world):
    add(world)
    client.force_login(world.performance)
    response = client.post(
        reverse("identity_provider_add"),
        {
            "name": "Fire",
            "organisation": world.council.pk,
            "issuer": "http://login.example.net/",
            "client_id": "c",
            "secret": "s",
            "domains": "police.example",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "must start https://" in page
    assert IdentityProvider.objects.count() == 1


def test_other_people_cannot_open_the_pages(client, world):
    provider = add(world)
    for person in (world.lead, world.member):
        client.force_login(person)
        assert client.get(reverse("identity_provider_list")).status_code == 403
        response = client.post(
            reverse("identity_provider_change", args=[provider.pk]),
            {
                "name": "Hijacked",
                "organisation": world.police.pk,
                "issuer": "https://x.example",
                "client_id": "x",
                "domains": "police.example",
            },
        )
        assert response.status_code == 403
    assert IdentityProvider.objects.get().name == "Test Police"


# --- whom a sign-in through a provider signs in ---------------------------------------------


def claims(email="member@police.example", verified=True, **more):
    return {"sub": "abc", "email": email, "email_verified": verified, **more}


@pytest.fixture
def police(world):
    User.objects.filter(pk=world.member.pk).update(email="member@police.example")
    world.member.refresh_from_db()
    return add(world)


def test_a_verified_email_in_the_domain_links_the_existing_account(world, police):
    user, link = sign_in.sign_in_through(provider=police, claims=claims(), uid="abc")
    assert (user, link) == (world.member, True)
    event = SecurityEvent.objects.get(kind=Kind.PROVIDER_LINKED)
    assert event.subject == world.member and "by verified e-mail" in event.detail


def test_entra_ids_xms_edov_counts_as_verified(world, police):
    entra = {"sub": "abc", "email": "member@police.example", "xms_edov": True}
    assert sign_in.sign_in_through(provider=police, claims=entra, uid="abc")[0] == world.member


@pytest.mark.parametrize("verified", [False, None, "false", "yes"])
def test_an_unverified_email_is_refused(world, police, verified):
    with pytest.raises(sign_in.SignInRefused) as refusal:
        sign_in.sign_in_through(provider=police, claims=claims(verified=verified), uid="abc")
    assert "did not confirm that member@police.example is yours" in refusal.value.message
    event = SecurityEvent.objects.get(kind=Kind.PROVIDER_REFUSED)
    assert event.login == "member@police.example" and "not verified" in event.detail


def test_an_email_of_another_domain_is_refused(world, police):
    User.objects.filter(pk=world.lead.pk).update(email="lead@council.example")
    with pytest.raises(sign_in.SignInRefused) as refusal:
        sign_in.sign_in_through(provider=police, claims=claims("lead@council.example"), uid="abc")
    assert "does not sign in people with council.example" in refusal.value.message
    assert "not served" in SecurityEvent.objects.get(kind=Kind.PROVIDER_REFUSED).detail


def test_a_deactivated_account_is_refused_linked_or_not(world, police):
    User.objects.filter(pk=world.member.pk).update(is_active=False)
    world.member.refresh_from_db()
    for linked in (None, world.member):
        with pytest.raises(sign_in.SignInRefused, match="deactivated"):
            sign_in.sign_in_through(provider=police, claims=claims(), uid="abc", linked_user=linked)
    assert SecurityEvent.objects.filter(kind=Kind.PROVIDER_REFUSED).count() == 2


def test_no_account_is_made_without_an_invitation(world, police):
    with pytest.raises(sign_in.SignInRefused, match="no Golden Thread account"):
        sign_in.sign_in_through(provider=police, claims=claims("new@police.example"), uid="x")
    assert not User.objects.filter(email="new@police.example").exists()


def test_an_untrusted_provider_does_not_match_existing_accounts(world, police):
    IdentityProvider.objects.filter(pk=police.pk).update(trusted=False)
    police.refresh_from_db()
    with pytest.raises(sign_in.SignInRefused, match="not trusted"):
        sign_in.sign_in_through(provider=police, claims=claims(), uid="abc")


def test_a_switched_off_provider_signs_nobody_in(world, police):
    sign_in.deactivate_provider(by=world.performance, provider=police)
    police.refresh_from_db()
    with pytest.raises(sign_in.SignInRefused, match="switched off"):
        sign_in.sign_in_through(
            provider=police, claims=claims(), uid="abc", linked_user=world.member
        )


def test_an_account_linked_to_another_identity_is_not_linked_again(world, police):
    SocialAccount.objects.create(user=world.member, provider=police.app.provider_id, uid="old")
    with pytest.raises(sign_in.SignInRefused, match="already linked"):
        sign_in.sign_in_through(provider=police, claims=claims(), uid="abc")


def invitation(world, email: str, **fields) -> Invitation:
    return Invitation.objects.create(
        email=email,
        partnership=world.partnership,
        organisation=world.police,
        role=Role.MEMBER,
        token_hash=token_hash(email),
        invited_by=world.lead,
        expires_at=timezone.now() + datetime.timedelta(days=7),
        **fields,
    )


def test_a_pending_invitation_makes_the_account(world, police):
    invited = invitation(world, "New.Person@police.example")
    user, link = sign_in.sign_in_through(
        provider=police,
        claims=claims("new.person@police.example", given_name="New", family_name="Person"),
        uid="n1",
        invitation_id=invited.pk,
    )
    assert link and user.email == "New.Person@police.example" and not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("New", "Person")
    assert Membership.objects.filter(person=user, partnership=world.partnership).exists()
    invited.refresh_from_db()
    assert invited.accepted_by == user
    assert SecurityEvent.objects.filter(kind=Kind.PROVIDER_LINKED, subject=user).exists()


def test_an_invitation_for_another_email_or_unverified_does_nothing(world, police):
    invited = invitation(world, "someone.else@police.example")
    with pytest.raises(sign_in.SignInRefused, match="no Golden Thread account"):
        sign_in.sign_in_through(
            provider=police, claims=claims("new@police.example"), uid="n", invitation_id=invited.pk
        )
    mine = invitation(world, "new@police.example")
    with pytest.raises(sign_in.SignInRefused, match="did not confirm"):
        sign_in.sign_in_through(
            provider=police,
            claims=claims("new@police.example", verified=False),
            uid="n",
            invitation_id=mine.pk,
        )
    assert not User.objects.filter(email__iexact="new@police.example").exists()
    assert not Invitation.objects.filter(accepted_at__isnull=False).exists()
