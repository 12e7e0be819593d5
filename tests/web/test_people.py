"""People and memberships in the product (issue 14): the partnership's People page (its
leads and the performance team), changing a role, removing someone (not the last lead,
not the lead link officer's lead role), and the performance team's page of everyone with
deactivation, which ends every session of the person's at once, and reactivation. Each
write is checked in the database and in the security record."""

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from goldenthread.core.models import Membership, Role, SecurityEvent, User
from goldenthread.core.services import people
from tests.conftest import PASSWORD, add_member, make_user

Kind = SecurityEvent.Kind


def events(kind) -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(kind=kind).order_by("pk"))


# --- the services ---------------------------------------------------------------------------


def test_a_lead_changes_a_role_in_their_own_partnership(world):
    membership = world.membership
    people.change_role(world.lead, membership, Role.VIEWER)
    assert Membership.objects.get(pk=membership.pk).role == Role.VIEWER
    (event,) = events(Kind.ROLE_CHANGED)
    assert (event.actor, event.subject) == (world.lead, world.member)
    assert event.detail == "Safer Streets Partnership: Member to Viewer"


def test_a_lead_of_another_partnership_members_and_viewers_may_not(world):
    outsider_lead = make_user("other_lead")
    add_member(world.other, outsider_lead, Role.LEAD, world.police)
    for person in (outsider_lead, world.member, world.viewer, world.outsider):
        with pytest.raises(PermissionDenied):
            people.change_role(person, world.membership, Role.LEAD)
        with pytest.raises(PermissionDenied):
            people.remove_member(person, world.membership)
    assert Membership.objects.get(pk=world.membership.pk).role == Role.MEMBER
    assert not events(Kind.ROLE_CHANGED) and not events(Kind.MEMBER_REMOVED)


def test_the_performance_team_manages_any_partnership(world):
    membership = add_member(world.other, world.member, Role.MEMBER, world.police)
    people.change_role(world.performance, membership, Role.LEAD)
    assert Membership.objects.get(pk=membership.pk).role == Role.LEAD


def test_the_last_lead_cannot_be_demoted_or_removed(world):
    world.partnership.lead_link_officer = None
    world.partnership.save()
    lead_membership = Membership.objects.get(partnership=world.partnership, person=world.lead)
    with pytest.raises(ValidationError, match="only lead of Safer Streets Partnership"):
        people.change_role(world.performance, lead_membership, Role.MEMBER)
    with pytest.raises(ValidationError, match="only lead"):
        people.remove_member(world.lead, lead_membership)
    assert Membership.objects.get(pk=lead_membership.pk).role == Role.LEAD
    # With a second lead, the first may go.
    people.change_role(world.lead, world.membership, Role.LEAD)
    people.remove_member(world.lead, lead_membership)
    assert not Membership.objects.filter(pk=lead_membership.pk).exists()
    (event,) = events(Kind.MEMBER_REMOVED)
    assert (event.actor, event.subject) == (world.lead, world.lead)


def test_the_lead_link_officer_must_stay_a_lead(world):
    people.change_role(world.lead, world.membership, Role.LEAD)  # a second lead
    lead_membership = Membership.objects.get(partnership=world.partnership, person=world.lead)
    with pytest.raises(ValidationError, match="lead link officer"):
        people.change_role(world.performance, lead_membership, Role.VIEWER)
    with pytest.raises(ValidationError, match="lead link officer"):
        people.remove_member(world.performance, lead_membership)
    assert Membership.objects.get(pk=lead_membership.pk).role == Role.LEAD


def test_nothing_changes_in_a_closed_partnership(world):
    import datetime

    world.partnership.closed_on = datetime.date(2026, 1, 1)
    world.partnership.save()
    for person in (world.lead, world.performance):
        with pytest.raises(PermissionDenied):
            people.change_role(person, world.membership, Role.VIEWER)
    assert Membership.objects.get(pk=world.membership.pk).role == Role.MEMBER


def test_deactivation_is_for_the_performance_team_and_not_oneself(world):
    for person in (world.lead, world.member):
        with pytest.raises(PermissionDenied):
            people.deactivate(person, world.viewer)
    with pytest.raises(ValidationError, match="your own account"):
        people.deactivate(world.performance, world.performance)
    assert User.objects.filter(is_active=False).count() == 0
    people.deactivate(world.performance, world.viewer)
    assert not User.objects.get(pk=world.viewer.pk).is_active
    people.reactivate(world.performance, world.viewer)
    assert User.objects.get(pk=world.viewer.pk).is_active
    assert [e.subject for e in events(Kind.DEACTIVATED)] == [world.viewer]
    assert [e.subject for e in events(Kind.REACTIVATED)] == [world.viewer]
    assert events(Kind.DEACTIVATED)[0].actor == world.performance


# --- deactivation ends sessions --------------------------------------------------------------


def test_deactivation_signs_the_person_out_everywhere_at_once(client, world, django_user_model):
    from django.test import Client

    phone = Client()
    # Signed in through the sign-in page, which records each session (allauth.usersessions).
    for browser in (client, phone):
        answer = browser.post(
            reverse("sign_in_password"), {"login": "member", "password": PASSWORD}
        )
        assert answer.status_code == 302
    for browser in (client, phone):
        assert browser.get(reverse("home")).status_code == 200
    assert UserSession.objects.filter(user=world.member).count() == 2
    keys = list(UserSession.objects.filter(user=world.member).values_list("session_key", flat=True))

    team = Client()
    team.force_login(world.performance)
    response = team.post(reverse("person_active", args=[world.member.pk]))
    assert response.status_code == 302
    assert not User.objects.get(pk=world.member.pk).is_active
    assert not UserSession.objects.filter(user=world.member).exists()
    assert not Session.objects.filter(session_key__in=keys).exists()
    (event,) = events(Kind.DEACTIVATED)
    assert event.actor == world.performance and event.subject == world.member
    assert event.detail == "2 sessions ended"

    # Their next request, with their old cookie, is signed out...
    for browser in (client, phone):
        response = browser.get(reverse("home"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    # ...and stays so after reactivation: the sessions themselves are gone.
    people.reactivate(world.performance, User.objects.get(pk=world.member.pk))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- the pages ------------------------------------------------------------------------------


def test_the_people_page_lists_members_by_role_with_their_organisation(client, world):
    invitation = world.invitation
    client.force_login(world.lead)
    page = client.get(reverse("partnership_people", args=[world.partnership.pk])).content.decode()
    leads = page[page.index('id="role-lead"') : page.index('id="role-member"')]
    members = page[page.index('id="role-member"') : page.index('id="role-viewer"')]
    assert "Lead Tester" in leads and "Lead link officer" in leads
    assert "Member Tester" in members and "Test Police" in members
    assert "Other_Member Tester" in members
    pending = page[page.index('id="invitations"') :]
    assert invitation.email in pending
    assert reverse("invitation_manage", args=[invitation.pk]) in pending
    assert reverse("membership_remove", args=[world.membership.pk]) in page


def test_the_partnership_page_links_people_for_leads_only(client, world):
    url = reverse("partnership_people", args=[world.partnership.pk])
    for person, shown in ((world.lead, True), (world.performance, True), (world.member, False)):
        client.force_login(person)
        page = client.get(world.partnership.get_absolute_url()).content.decode()
        assert (url in page) is shown, person


def test_changing_a_role_on_the_page(client, world):
    client.force_login(world.lead)
    url = reverse("membership_role", args=[world.membership.pk])
    page = client.get(url).content.decode()
    assert "Change the role of Member Tester" in page
    response = client.post(url, {"role": "viewer"})
    assert response.status_code == 302
    assert response.url == reverse("partnership_people", args=[world.partnership.pk])
    assert Membership.objects.get(pk=world.membership.pk).role == Role.VIEWER
    assert len(events(Kind.ROLE_CHANGED)) == 1


def test_demoting_the_lead_link_officer_is_refused_next_to_the_field(client, world):
    client.force_login(world.performance)
    lead_membership = Membership.objects.get(partnership=world.partnership, person=world.lead)
    response = client.post(
        reverse("membership_role", args=[lead_membership.pk]), {"role": "member"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "lead link officer" in page
    assert Membership.objects.get(pk=lead_membership.pk).role == Role.LEAD
    assert not events(Kind.ROLE_CHANGED)


def test_removing_someone_asks_first(client, world):
    client.force_login(world.lead)
    pk = world.membership.pk
    url = reverse("membership_remove", args=[pk])
    page = client.get(url).content.decode()
    assert "Remove Member Tester from the partnership?" in page
    assert Membership.objects.filter(pk=pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=pk).exists()
    assert User.objects.get(pk=world.member.pk).is_active  # the account stays
    (event,) = events(Kind.MEMBER_REMOVED)
    assert event.subject == world.member and event.ip_address == "127.0.0.1"


def test_removing_the_last_lead_on_the_page_says_why(client, world):
    world.partnership.lead_link_officer = None
    world.partnership.save()
    lead_membership = Membership.objects.get(partnership=world.partnership, person=world.lead)
    client.force_login(world.lead)
    response = client.post(reverse("membership_remove", args=[lead_membership.pk]))
    assert response.status_code == 400
    assert "only lead" in response.content.decode()
    assert Membership.objects.filter(pk=lead_membership.pk).exists()


def test_a_lead_cannot_reach_another_partnerships_people(client, world):
    other_lead = make_user("other_lead")
    add_member(world.other, other_lead, Role.LEAD, world.police)
    client.force_login(other_lead)
    assert client.get(reverse("partnership_people", args=[world.partnership.pk])).status_code == 404
    assert client.post(reverse("membership_remove", args=[world.membership.pk])).status_code == 404
    assert (
        client.post(
            reverse("membership_role", args=[world.membership.pk]), {"role": "lead"}
        ).status_code
        == 404
    )
    assert Membership.objects.get(pk=world.membership.pk).role == Role.MEMBER


def test_the_performance_teams_people_page_searches(client, world):
    world.member.email = "member@police.example"
    world.member.save()
    client.force_login(world.performance)
    page = client.get(reverse("people")).content.decode()
    for name in ("Lead Tester", "Member Tester", "Nobody Tester"):
        assert name in page
    page = client.get(reverse("people"), {"q": "police.example"}).content.decode()
    table = page[page.index('id="people"') :]
    assert "Member Tester" in table and "Lead Tester" not in table
    person_page = client.get(reverse("person", args=[world.member.pk])).content.decode()
    assert "Safer Streets Partnership" in person_page and "Deactivate" in person_page


def test_people_pages_refuse_everyone_else(client, world):
    for person in (world.lead, world.member):
        client.force_login(person)
        assert client.get(reverse("people")).status_code == 403
        assert client.post(reverse("person_active", args=[world.viewer.pk])).status_code == 403
    assert User.objects.get(pk=world.viewer.pk).is_active


def test_the_team_cannot_deactivate_itself_on_the_page(client, world):
    client.force_login(world.performance)
    response = client.post(reverse("person_active", args=[world.performance.pk]))
    assert response.status_code == 400
    assert "cannot deactivate your own account" in response.content.decode()
    assert User.objects.get(pk=world.performance.pk).is_active


def test_reactivating_on_the_page(client, world):
    people.deactivate(world.performance, world.viewer)
    client.force_login(world.performance)
    url = reverse("person_active", args=[world.viewer.pk])
    assert "Reactivate Viewer Tester" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert User.objects.get(pk=world.viewer.pk).is_active
    assert len(events(Kind.REACTIVATED)) == 1


def test_your_account_page(client, world):
    client.force_login(world.member)
    page = client.get(reverse("your_account")).content.decode()
    assert "Safer Streets Partnership" in page and "Test Police" in page
    for name in ("account_change_password", "mfa_index", "usersessions_list"):
        assert reverse(name) in page
    assert f'href="{reverse("your_account")}"' in page  # in the header
