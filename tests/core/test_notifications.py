"""Notifications, through the services whose events need someone: each event tells the
right people in the product (a Notification row) and by e-mail once the write commits,
never the person who did it, never anyone outside the partnership; a person who turned
e-mail off for a kind still sees it in the product."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction

from goldenthread.core.models import (
    AnnualUpdateForm,
    Feedback,
    Notification,
    NotificationKind,
    NotificationPreference,
    PlanTarget,
    Return,
    User,
)
from goldenthread.core.planning import smart_report
from goldenthread.core.reviews import feedback_waiting
from goldenthread.core.services import notifications
from goldenthread.core.services.plans import approve_plan
from goldenthread.core.services.returns import return_for_changes, sign_off_return
from goldenthread.core.services.reviews import add_comment, answer_feedback, give_feedback
from goldenthread.core.services.update_forms import accept_update_form, return_update_form
from goldenthread.rules import Period
from tests.conftest import make_indicator

Kind = NotificationKind


@pytest.fixture
def world(world, settings):
    settings.GT_SITE_URL = "https://goldenthread.example.gov.uk"
    for user in User.objects.all():
        user.email = f"{user.username}@example.org"
        user.save()
    for name in ("performance", "lead", "member", "other_member", "viewer", "outsider"):
        getattr(world, name).refresh_from_db()
    return world


def told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def mailed(mailoutbox) -> set[str]:
    return {to.split("@")[0] for mail in mailoutbox for to in mail.to}


def submitted(world, by: User) -> Return:
    Return.objects.filter(pk=world.ret.pk).update(status=Return.Status.SUBMITTED, submitted_by=by)
    world.ret.refresh_from_db()
    return world.ret


# --- returns -------------------------------------------------------------------------------


def test_a_returned_return_tells_the_leads_and_the_submitter_with_the_reason(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    # Whoever submitted it hears too, even when no longer a lead.
    ret = submitted(world, world.other_member)
    with django_capture_on_commit_callbacks(execute=True):
        return_for_changes(ret=ret, by=world.performance, reason="SS01 Q3 needs a commentary.")
    assert told(Kind.RETURN_RETURNED) == {"lead", "other_member"}
    note = Notification.objects.get(recipient=world.lead)
    assert "sent back for changes" in note.subject
    assert "SS01 Q3 needs a commentary." in note.body
    assert note.url == ret.get_absolute_url()
    assert note.partnership == world.partnership
    assert mailed(mailoutbox) == {"lead", "other_member"}
    (mail,) = [m for m in mailoutbox if m.to == ["lead@example.org"]]
    assert "SS01 Q3 needs a commentary." in mail.body
    assert f"/returns/{ret.pk}/" in mail.body
    assert Notification.objects.get(recipient=world.lead).emailed_at is not None


def test_a_signed_off_return_tells_the_leads_and_the_submitter(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    ret = submitted(world, world.lead)
    with django_capture_on_commit_callbacks(execute=True):
        sign_off_return(ret=ret, by=world.performance)
    assert told(Kind.RETURN_SIGNED_OFF) == {"lead"}
    assert "signed off" in Notification.objects.get().subject
    assert mailed(mailoutbox) == {"lead"}


def test_a_refused_decision_tells_no_one(world, mailoutbox, django_capture_on_commit_callbacks):
    ret = submitted(world, world.lead)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        return_for_changes(ret=ret, by=world.performance, reason="  ")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        sign_off_return(ret=ret, by=world.lead)
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_no_e_mail_goes_when_the_write_is_rolled_back(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    ret = submitted(world, world.lead)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        sign_off_return(ret=ret, by=world.performance)
        raise RuntimeError("something later failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mailoutbox == []


# --- the annual update form ----------------------------------------------------------------


def submitted_form(world) -> AnnualUpdateForm:
    return AnnualUpdateForm.objects.create(
        partnership=world.partnership,
        year=2025,
        status=AnnualUpdateForm.Status.SUBMITTED,
        submitted_by=world.lead,
    )


def test_a_returned_update_form_tells_the_leads_with_the_reason(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    form = submitted_form(world)
    with django_capture_on_commit_callbacks(execute=True):
        return_update_form(form=form, by=world.performance, reason="Say where the plan stands.")
    assert told(Kind.FORM_RETURNED) == {"lead"}
    note = Notification.objects.get()
    assert "2025/26" in note.subject and "sent back" in note.subject
    assert "Say where the plan stands." in note.body
    assert note.url == f"/partnerships/{world.partnership.pk}/update-form/2025/"
    assert mailed(mailoutbox) == {"lead"}


def test_an_accepted_update_form_tells_the_leads(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    form = submitted_form(world)
    with django_capture_on_commit_callbacks(execute=True):
        accept_update_form(form=form, by=world.performance)
    assert told(Kind.FORM_ACCEPTED) == {"lead"}
    assert mailed(mailoutbox) == {"lead"}


# --- feedback ------------------------------------------------------------------------------


def test_feedback_tells_the_leads_only(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        feedback = give_feedback(
            partnership=world.partnership, by=world.viewer, body="Publish sooner?", about="SS01"
        )
    assert told(Kind.FEEDBACK_RECEIVED) == {"lead"}
    note = Notification.objects.get()
    assert "about SS01" in note.subject
    assert note.body == "Publish sooner?"
    assert note.url == f"/feedback/{feedback.pk}/answer/"
    assert mailed(mailoutbox) == {"lead"}


def test_a_lead_giving_feedback_is_not_told_of_their_own(world, mailoutbox):
    give_feedback(partnership=world.partnership, by=world.lead, body="A note to self")
    assert not Notification.objects.exists()


def test_an_answer_tells_the_author_of_the_feedback(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer_feedback(feedback=world.feedback, by=world.lead, answer="From next quarter.")
    assert told(Kind.FEEDBACK_ANSWERED) == {"viewer"}
    assert Notification.objects.get().body == "From next quarter."
    assert mailed(mailoutbox) == {"viewer"}


def test_the_performance_team_may_answer_feedback(world):
    # Was refused ("Only the partnership's lead link officer or leads can do this").
    answer_feedback(feedback=world.feedback, by=world.performance, answer="We will look.")
    world.feedback.refresh_from_db()
    assert world.feedback.answer == "We will look."
    assert world.feedback.answered_by == world.performance
    assert told(Kind.FEEDBACK_ANSWERED) == {"viewer"}


@pytest.mark.parametrize("who", ["member", "viewer", "outsider"])
def test_others_may_not_answer_feedback(world, who):
    with pytest.raises(PermissionDenied):
        answer_feedback(feedback=world.feedback, by=world.person(who), answer="Hello")
    world.feedback.refresh_from_db()
    assert world.feedback.answer == ""


def test_not_even_the_performance_team_answers_for_a_closed_partnership(world):
    world.partnership.closed_on = datetime.date(2026, 1, 1)
    world.partnership.save()
    with pytest.raises(PermissionDenied):
        answer_feedback(feedback=world.feedback, by=world.performance, answer="Late")


def test_feedback_waiting_lists_unanswered_feedback_for_leads(world):
    Feedback.objects.create(partnership=world.other, author=world.outsider, body="Elsewhere")
    answered = Feedback.objects.create(
        partnership=world.partnership, author=world.viewer, body="Old", answer="Done"
    )
    waiting = feedback_waiting(world.lead)
    assert [f.pk for f in waiting.items] == [world.feedback.pk]
    assert waiting.total == 1
    assert answered not in waiting.items
    assert feedback_waiting(world.member).items == []
    assert feedback_waiting(world.performance).items == []  # leads' home page, not theirs


def test_feedback_waiting_shows_the_longest_waiting_and_counts_the_rest(world):
    for n in range(12):
        Feedback.objects.create(partnership=world.partnership, author=world.viewer, body=f"{n}")
    waiting = feedback_waiting(world.lead)
    assert len(waiting.items) == 10
    assert waiting.items[0] == world.feedback
    assert waiting.total == 13


# --- comments ------------------------------------------------------------------------------


def test_a_comment_tells_whom_it_mentions_if_they_may_see_the_partnership(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_comment(
            on=world.indicator,
            by=world.member,
            body="@lead, @viewer and @performance: see this. Not @outsider, @nobody-here or "
            "me@member, nor @member myself.",
        )
    assert told(Kind.COMMENT) == {"lead", "viewer", "performance"}
    note = Notification.objects.get(recipient=world.lead)
    assert "mentioned you" in note.subject and "SS01" in note.subject
    assert note.url == f"/indicators/{world.indicator.pk}/comments/#comments"
    assert mailed(mailoutbox) == {"lead", "viewer", "performance"}


def test_a_comment_addressed_to_someone_tells_them_once(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = add_comment(
            on=world.ret,
            by=world.lead,
            body="Can you check this, @other_member?",
            addressed_to=world.other_member,
        )
    assert comment.addressed_to == world.other_member
    assert told(Kind.COMMENT) == {"other_member"}
    assert "addressed a comment to you" in Notification.objects.get().subject
    assert mailed(mailoutbox) == {"other_member"}


def test_a_comment_cannot_be_addressed_to_someone_outside_the_partnership(world):
    with pytest.raises(ValidationError) as error:
        add_comment(on=world.action, by=world.lead, body="Hi", addressed_to=world.outsider)
    assert "addressed_to" in error.value.message_dict
    assert not world.action.comments.exists()
    assert not Notification.objects.exists()


# --- plans ---------------------------------------------------------------------------------


def test_an_approved_plan_tells_every_member_but_the_approver(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    PlanTarget.objects.create(
        plan=world.draft_plan,
        indicator=world.indicator,
        period=Period.parse("2025/26 Q3"),
        value=99,
    )
    today = datetime.date(2026, 1, 15)
    report = smart_report(world.draft_plan, today)
    with django_capture_on_commit_callbacks(execute=True):
        approve_plan(
            plan=world.draft_plan,
            by=world.lead,
            reasons={i.key: "accepted" for i in report.failures},
            today=today,
        )
    assert told(Kind.PLAN_APPROVED) == {"member", "other_member", "viewer"}
    assert Notification.objects.first().url == world.draft_plan.get_absolute_url()
    assert mailed(mailoutbox) == {"member", "other_member", "viewer"}


# --- preferences and the service itself -----------------------------------------------------


def test_a_person_who_turned_e_mail_off_for_a_kind_is_still_told_in_the_product(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    notifications.set_email_preferences(
        user=world.lead, email_kinds=[k for k in Kind.values if k != Kind.RETURN_RETURNED]
    )
    ret = submitted(world, world.other_member)
    with django_capture_on_commit_callbacks(execute=True):
        return_for_changes(ret=ret, by=world.performance, reason="Commentary")
    assert told(Kind.RETURN_RETURNED) == {"lead", "other_member"}
    assert mailed(mailoutbox) == {"other_member"}
    # Only that kind is off.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer_feedback(feedback=world.feedback, by=world.performance, answer="Yes")
        give_feedback(partnership=world.partnership, by=world.viewer, body="More")
    assert mailed(mailoutbox) == {"viewer", "lead"}


def test_preferences_are_saved_for_every_kind_and_read_back(world):
    notifications.set_email_preferences(user=world.member, email_kinds=[Kind.COMMENT])
    prefs = notifications.email_preferences(world.member)
    assert prefs[Kind.COMMENT] is True
    assert prefs[Kind.PLAN_APPROVED] is False
    assert NotificationPreference.objects.filter(user=world.member).count() == len(Kind.values)
    with pytest.raises(ValidationError):
        notifications.set_email_preferences(user=world.member, email_kinds=["nonsense"])


def test_a_key_makes_a_notification_once_only_even_when_long(world):
    key = "x" * 250  # longer than the column: cut the same way each time
    for _ in range(2):
        notifications.notify([world.lead], kind=Kind.REMINDER, subject="Due", key=key)
    assert Notification.objects.filter(recipient=world.lead).count() == 1


def test_a_subject_is_one_line_so_the_e_mail_can_be_sent(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify([world.lead], kind=Kind.COMMENT, subject="Two\nlines\r\nhere")
    assert Notification.objects.get().subject == "Two lines here"
    assert [m.subject for m in mailoutbox] == ["Golden Thread: Two lines here"]


def test_email_false_writes_the_notification_without_an_e_mail(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify([world.lead], kind=Kind.REMINDER, subject="Due", email=False)
    assert told(Kind.REMINDER) == {"lead"}
    assert mailoutbox == []


def test_inactive_people_and_people_without_an_address(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=world.member.pk).update(is_active=False)
    User.objects.filter(pk=world.viewer.pk).update(email="")
    world.member.refresh_from_db()
    world.viewer.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            [world.member, world.viewer, world.lead, world.lead], kind=Kind.COMMENT, subject="Hi"
        )
    assert told(Kind.COMMENT) == {"viewer", "lead"}
    assert mailed(mailoutbox) == {"lead"}


def test_mark_read_touches_only_the_persons_own(world):
    mine = notifications.notify([world.lead], kind=Kind.COMMENT, subject="Mine")[0]
    theirs = notifications.notify([world.member], kind=Kind.COMMENT, subject="Theirs")[0]
    assert notifications.mark_read(user=world.lead, pks=[mine.pk, theirs.pk]) == 1
    assert notifications.unread_count(world.lead) == 0
    assert notifications.unread_count(world.member) == 1


# --- reminders -----------------------------------------------------------------------------


def remind(day: datetime.date) -> None:
    at = datetime.datetime.combine(day, datetime.time(7), ZoneInfo("Europe/London"))
    with time_machine.travel(at, tick=False):
        call_command("send_reminders", stdout=io.StringIO())


def test_each_reminder_is_in_the_notification_centre_once_without_a_second_e_mail(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    # The 2025/26 Q3 return is due on 31 January 2026; the member owes an update on A1.
    User.objects.filter(pk=world.other_member.pk).update(email="")  # told in the product only
    make_indicator(
        world.partnership, "SS02", {"2025/26 Q3": ("50", None)}, owner=world.other_member
    )
    with django_capture_on_commit_callbacks(execute=True):
        remind(datetime.date(2026, 1, 24))
        remind(datetime.date(2026, 1, 25))  # the same reminder: nothing new
    assert told(Kind.REMINDER) == {"member", "other_member"}
    assert [m.to for m in mailoutbox] == [["member@example.org"]]  # the command's own
    note = Notification.objects.get(recipient=world.member)
    assert note.subject == mailoutbox[0].subject
    assert note.url == world.ret.get_absolute_url()
    assert note.emailed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        remind(datetime.date(2026, 2, 1))  # overdue: the leads and the performance team
    assert told(Kind.REMINDER) == {"member", "other_member", "lead", "performance"}
    assert Notification.objects.filter(kind=Kind.REMINDER).count() == 4
