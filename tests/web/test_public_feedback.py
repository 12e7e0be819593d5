"""Residents' voice (issue 17): anyone may give a public partnership feedback on its public
page, without signing in. A bot filling the hidden box is thanked and nothing is kept;
each address (and e-mail address) may send a few an hour; the name and e-mail address are
optional and never shown publicly; the feedback reaches the lead as member feedback does,
and an answer the lead publishes appears on the public page with the question only."""

import pytest
from django.urls import reverse

from goldenthread.core.models import Feedback, Notification, NotificationKind
from goldenthread.core.services import public_feedback

HOME = "10.1.2.3"


@pytest.fixture
def public(world, settings):
    # The limits are counted in the shared cache: the database's, so each test starts
    # from nothing (its transaction is rolled back).
    settings.GT_PUBLIC_FEEDBACK_PER_HOUR = 3
    world.partnership.is_public = True
    world.partnership.save()
    world.indicator.is_published = True
    world.indicator.save()
    return world


def url(world) -> str:
    return reverse("public_partnership", args=[world.partnership.pk])


def send(client, world, address=HOME, **fields):
    data = {"body": "The park lights are out again.", **fields}
    return client.post(url(world), data, REMOTE_ADDR=address)


def public_feedback_rows(world):
    return Feedback.objects.filter(partnership=world.partnership, source="public")


def test_it_keeps_feedback_from_anyone_and_tells_the_lead(client, public):
    response = send(
        client, public, about="Street lighting", name="Ann Resident", email="ann@example.org"
    )
    assert response.status_code == 302
    assert response.url == url(public) + "?feedback=sent#feedback"
    assert "Thank you: your feedback was sent" in client.get(response.url).content.decode()

    feedback = public_feedback_rows(public).get()
    assert feedback.author is None
    assert (feedback.about, feedback.body) == ("Street lighting", "The park lights are out again.")
    assert (feedback.name, feedback.email) == ("Ann Resident", "ann@example.org")
    assert feedback.answer_published is False
    assert feedback.history.get().history_type == "+"
    # It reaches the lead as member feedback does: the notification, the list, the home page.
    note = Notification.objects.get(recipient=public.lead, kind=NotificationKind.FEEDBACK_RECEIVED)
    assert "Someone on the public page gave Safer Streets Partnership feedback" in note.subject
    assert note.url == reverse("feedback_answer", args=[feedback.pk])
    client.force_login(public.lead)
    listed = client.get(reverse("feedback_list", args=[public.partnership.pk])).content.decode()
    assert "Ann Resident, ann@example.org (public page)" in listed
    home = client.get(reverse("home")).content.decode()
    assert "Answer the feedback from Ann Resident, ann@example.org (public page)" in home


def test_name_and_email_are_optional(client, public):
    assert send(client, public).status_code == 302
    feedback = public_feedback_rows(public).get()
    assert (feedback.name, feedback.email, feedback.about) == ("", "", "")
    assert feedback.from_text == "Someone on the public page"


def test_a_bot_filling_the_hidden_box_is_thanked_and_nothing_is_kept(client, public):
    response = send(client, public, website="http://spam.example", name="Bot")
    assert response.status_code == 302
    assert response.url == url(public) + "?feedback=sent#feedback"
    assert not public_feedback_rows(public).exists()
    assert not Notification.objects.filter(kind=NotificationKind.FEEDBACK_RECEIVED).exists()


def test_bad_input_gets_a_message_next_to_the_box_and_nothing_is_kept(client, public):
    response = send(client, public, body="  ", email="not an address")
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Enter your feedback" in page
    response = send(client, public, email="not an address")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter an e-mail address in the correct format" in page
    assert 'id="id_email-error"' in page or "govuk-error-message" in page
    assert not public_feedback_rows(public).exists()


def test_each_address_may_send_a_few_an_hour(client, public):
    for _ in range(3):
        assert send(client, public).status_code == 302
    response = send(client, public)
    assert response.status_code == 429
    page = response.content.decode()
    assert "You have sent as much feedback as we can take from you in one hour" in page
    assert "Please try again in" in page
    assert public_feedback_rows(public).count() == 3
    # Another address is counted apart; the same address's mistyped forms cost nothing.
    assert send(client, public, address="10.9.9.9").status_code == 302
    assert public_feedback_rows(public).count() == 4


def test_an_ipv6_household_is_counted_together(client, public):
    for host in range(1, 4):
        assert send(client, public, address=f"2001:db8:1:2::{host}").status_code == 302
    assert send(client, public, address="2001:db8:1:2::99").status_code == 429
    assert send(client, public, address="2001:db8:1:3::1").status_code == 302


def test_an_email_address_is_limited_whatever_the_address(client, public):
    for n in range(3):
        assert send(client, public, address=f"10.0.0.{n}", email="Ann@Example.org").status_code
    response = send(client, public, address="10.0.0.99", email="ann@example.org")
    assert response.status_code == 429
    assert public_feedback_rows(public).count() == 3


def test_only_public_pages_take_feedback(client, world):
    assert send(client, world).status_code == 404  # no public page
    assert not Feedback.objects.filter(source="public").exists()


def test_a_closed_partnership_takes_no_feedback(client, public):
    public.partnership.closed_on, public.partnership.closed_reason = "2026-01-05", "Merged"
    public.partnership.save()
    page = client.get(url(public)).content.decode()
    assert 'id="feedback-form"' not in page
    assert send(client, public).status_code == 403
    assert not public_feedback_rows(public).exists()


def test_a_published_answer_appears_without_the_name_or_email(client, public):
    send(client, public, about="Street lighting", name="Ann Resident", email="ann@example.org")
    send(client, public, address="10.7.7.7", body="Why so few green measures?", name="Bob")
    lit, green = public_feedback_rows(public).order_by("pk")
    client.force_login(public.lead)
    answer = reverse("feedback_answer", args=[lit.pk])
    assert "Publish the question and this answer" in client.get(answer).content.decode()
    response = client.post(answer, {"answer": "Fixed on Tuesday.", "publish": "on"})
    assert response.status_code == 302
    client.post(reverse("feedback_answer", args=[green.pk]), {"answer": "Not for the public page."})
    lit.refresh_from_db()
    green.refresh_from_db()
    assert (lit.answer, lit.answer_published, lit.answered_by) == (
        "Fixed on Tuesday.",
        True,
        public.lead,
    )
    assert green.answer_published is False
    assert lit.history.first().history_user == public.lead

    client.logout()
    page = client.get(url(public)).content.decode()
    assert "Your questions answered" in page
    assert "The park lights are out again." in page and "Fixed on Tuesday." in page
    assert "Street lighting" in page
    for private in ("Ann Resident", "ann@example.org", "Bob", "Why so few green measures?"):
        assert private not in page
    assert "Not for the public page." not in page

    # Taking it down: the lead unticks the box.
    client.force_login(public.lead)
    client.post(answer, {"answer": "Fixed on Tuesday."})
    lit.refresh_from_db()
    assert lit.answer_published is False
    client.logout()
    assert "Fixed on Tuesday." not in client.get(url(public)).content.decode()


def test_member_feedback_and_unanswered_feedback_are_never_published(public):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="public page are published"):
        public_feedback.publish_answer(feedback=public.feedback, by=public.lead)
    waiting = public_feedback.submit_public_feedback(
        partnership=public.partnership, address=HOME, body="Any news?"
    )
    with pytest.raises(ValidationError, match="Answer the feedback before"):
        public_feedback.publish_answer(feedback=waiting, by=public.lead)
    waiting.refresh_from_db()
    assert waiting.answer_published is False


def test_the_public_page_takes_a_fixed_number_of_queries(
    client, public, django_assert_max_num_queries
):
    for n in range(3):
        feedback = public_feedback.submit_public_feedback(
            partnership=public.partnership, address=f"10.3.3.{n}", body=f"Question {n}"
        )
        public_feedback.answer_public_feedback(
            feedback=feedback, by=public.lead, answer=f"Answer {n}", publish=True
        )
    with django_assert_max_num_queries(20):
        page = client.get(url(public)).content.decode()
    assert "Answer 2" in page
