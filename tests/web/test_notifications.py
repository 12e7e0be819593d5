"""The notification centre: the count in the header, the list (one's own only, newest
first, unread said in words), opening one (a POST that marks it read and goes to its
page; another person's is a 404), marking all read, and the e-mail settings. Also the
comment form's "Address it to", and feedback on a lead's home page and answered by the
performance team."""

import html

import pytest
from django.urls import reverse

from goldenthread.core.models import (
    Comment,
    Feedback,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from goldenthread.core.services.notifications import notify

Kind = NotificationKind
LIST = "/notifications/"
SETTINGS = "/notifications/settings/"


def note(person, subject="Your return was sent back", url="/returns/1/", **kw) -> Notification:
    return notify(
        [person], kind=kw.pop("kind", Kind.RETURN_RETURNED), subject=subject, url=url, **kw
    )[0]


def test_the_header_says_how_many_are_unread(client, world):
    client.force_login(world.lead)
    page = client.get(reverse("home")).content.decode()
    assert ">Notifications</a>" in page
    note(world.lead)
    note(world.lead, subject="Another")
    note(world.member)
    page = client.get(reverse("home")).content.decode()
    assert 'Notifications <strong class="gt-unread-count">(2 unread)</strong>' in page


def test_the_list_shows_ones_own_newest_first_with_unread_in_words(client, world):
    first = note(world.lead, subject="First thing")
    second = note(world.lead, subject="Second thing")
    note(world.member, subject="The member's thing")
    Notification.objects.filter(pk=first.pk).update(read_at=first.created_at)
    client.force_login(world.lead)
    page = client.get(LIST).content.decode()
    assert page.index("Second thing") < page.index("First thing")
    assert "The member's thing" not in page
    assert "You have 1 unread notification." in page
    second_item = page[page.index(f'id="notification-{second.pk}"') :]
    assert second_item.index("Unread") < second_item.index("Second thing")
    assert f'action="/notifications/{second.pk}/open/"' in page


def test_anonymous_people_are_sent_to_sign_in(client, world):
    for url in (LIST, SETTINGS):
        assert client.get(url).url.startswith(reverse("login"))
    mine = note(world.lead)
    response = client.post(f"/notifications/{mine.pk}/open/")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    mine.refresh_from_db()
    assert not mine.is_read


def test_opening_marks_it_read_and_goes_to_its_page(client, world):
    mine = note(world.lead, url=world.ret.get_absolute_url())
    client.force_login(world.lead)
    response = client.post(f"/notifications/{mine.pk}/open/")
    assert response.status_code == 302
    assert response.url == world.ret.get_absolute_url()
    mine.refresh_from_db()
    assert mine.is_read


def test_another_persons_notification_is_not_found(client, world):
    theirs = note(world.member)
    client.force_login(world.lead)
    assert client.post(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert client.post("/notifications/999999/open/").status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_opening_is_a_post_and_needs_the_csrf_token(world):
    from django.test import Client

    mine = note(world.lead)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(world.lead)
    assert csrf_client.get(f"/notifications/{mine.pk}/open/").status_code == 405
    assert csrf_client.post(f"/notifications/{mine.pk}/open/").status_code == 403
    mine.refresh_from_db()
    assert not mine.is_read


def test_a_url_to_another_site_is_not_followed(client, world):
    mine = note(world.lead, url="https://evil.example.com/")
    client.force_login(world.lead)
    assert client.post(f"/notifications/{mine.pk}/open/").url == LIST


def test_mark_all_as_read_marks_only_ones_own(client, world):
    note(world.lead)
    note(world.lead)
    theirs = note(world.member)
    client.force_login(world.lead)
    response = client.post(LIST, follow=True)
    assert "2 notifications marked as read" in response.content.decode()
    assert not Notification.objects.filter(recipient=world.lead, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_the_list_is_paginated_and_a_bad_page_is_no_error(client, world):
    for n in range(30):
        note(world.lead, subject=f"Thing {n:02}")
    client.force_login(world.lead)
    first = client.get(LIST).content.decode()
    assert "Thing 29" in first and "Thing 04" not in first
    assert "Page 2 of 2" in first
    second = client.get(LIST + "?page=2").content.decode()
    assert "Thing 04" in second and "Thing 29" not in second
    for bad in ("999", "x", "-1", "%00"):
        assert client.get(LIST + f"?page={bad}").status_code == 200


def test_the_lists_query_count_does_not_grow_with_rows(client, world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        note(world.lead, partnership=world.partnership)
    client.force_login(world.lead)
    with CaptureQueriesContext(connection) as small:
        assert client.get(LIST).status_code == 200
    for _ in range(20):
        note(world.lead, partnership=world.other)
    with django_assert_num_queries(len(small)):
        assert client.get(LIST).status_code == 200


def test_the_settings_form_saves_which_kinds_come_by_e_mail(client, world):
    client.force_login(world.member)
    page = client.get(SETTINGS).content.decode()
    for value, label in Kind.choices:
        assert f'value="{value}"' in page
        assert html.escape(label) in page
    assert page.count(" checked") == len(Kind.values)  # everything on to begin with
    response = client.post(SETTINGS, {"email_kinds": [Kind.COMMENT, Kind.PLAN_APPROVED]})
    assert response.status_code == 302
    off = set(
        NotificationPreference.objects.filter(user=world.member, email=False).values_list(
            "kind", flat=True
        )
    )
    assert off == set(Kind.values) - {Kind.COMMENT, Kind.PLAN_APPROVED}
    assert client.get(SETTINGS).content.decode().count(" checked") == 2


def test_the_settings_form_refuses_a_kind_that_does_not_exist(client, world):
    client.force_login(world.member)
    response = client.post(SETTINGS, {"email_kinds": ["nonsense\x00"]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Choose from the kinds of notification listed" in page
    assert not NotificationPreference.objects.exists()


# --- comments addressed to someone ----------------------------------------------------------


def test_a_comment_can_be_addressed_to_a_member_of_the_partnership(client, world):
    client.force_login(world.member)
    url = reverse("indicator_comment", args=[world.indicator.pk])
    page = client.get(url).content.decode()
    assert "Address it to (optional)" in page
    assert f'<option value="{world.lead.pk}">' in page
    assert f'<option value="{world.outsider.pk}">' not in page
    response = client.post(url, {"body": "Can you look?", "addressed_to": world.lead.pk})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.addressed_to == world.lead
    assert Notification.objects.get().recipient == world.lead
    page = client.get(url).content.decode()
    assert f"to <strong>{world.lead}</strong>" in page


@pytest.mark.parametrize("value", ["outsider", "abc", "99999"])
def test_a_comment_cannot_be_addressed_to_someone_else(client, world, value):
    client.force_login(world.member)
    url = reverse("indicator_comment", args=[world.indicator.pk])
    chosen = world.outsider.pk if value == "outsider" else value
    response = client.post(url, {"body": "Hello", "addressed_to": chosen})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="#comment-addressed-to"' in page
    assert "Choose someone from the list, or no one" in page
    assert "Hello" in page  # what was typed is kept
    assert not Comment.objects.exists()


# --- feedback -------------------------------------------------------------------------------


def test_feedback_waiting_for_an_answer_is_on_the_leads_home_page(client, world):
    client.force_login(world.lead)
    page = client.get(reverse("home")).content.decode()
    assert "Feedback waiting for an answer" in page
    assert reverse("feedback_answer", args=[world.feedback.pk]) in page
    client.force_login(world.member)
    assert "Feedback waiting for an answer" not in client.get(reverse("home")).content.decode()
    Feedback.objects.update(answer="Done")
    client.force_login(world.lead)
    assert "Feedback waiting for an answer" not in client.get(reverse("home")).content.decode()


def test_the_performance_team_answers_feedback_from_its_page(client, world):
    client.force_login(world.performance)
    url = reverse("feedback_answer", args=[world.feedback.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"answer": "The council will publish sooner."})
    assert response.status_code == 302
    world.feedback.refresh_from_db()
    assert world.feedback.answered_by == world.performance
    listing = client.get(reverse("feedback_list", args=[world.partnership.pk])).content.decode()
    assert "Change the answer" in listing
    assert Notification.objects.get(kind=Kind.FEEDBACK_ANSWERED).recipient == world.viewer
