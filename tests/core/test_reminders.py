"""send_reminders, with a frozen clock and Django's in-memory mail backend: who gets which
reminder and what it says, never twice, nothing for submitted returns, catching up on
missed days, and the dry run.

The world's 2025/26 Q3 return is due on 31 January 2026. Before anything is reported:
the member owes an update on A1, the other member owes SS02's result and the lead owes a
review of R2. SS01's result is in already, and R1 is not due for review until March.
"""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.mail import EmailMessage
from django.core.management import CommandError, call_command

from goldenthread.core.models import ActionUpdate, ReminderSent, Return, Risk, User
from goldenthread.rules import ActionState
from tests.conftest import make_indicator, make_user

LONDON = ZoneInfo("Europe/London")
SITE = "https://goldenthread.example.gov.uk"


@pytest.fixture
def world(world, settings):
    settings.GT_SITE_URL = SITE + "/"
    for user in User.objects.all():
        user.email = f"{user.username}@example.org"
        user.save()
    world.indicator_2 = make_indicator(
        world.partnership, "SS02", {"2025/26 Q3": ("50", None)}, owner=world.other_member
    )
    world.risk_2 = Risk.objects.create(
        partnership=world.partnership,
        ref="R2",
        title="Venue lost",
        inherent_likelihood=3,
        inherent_impact=3,
        residual_likelihood=2,
        residual_impact=2,
        owner=world.lead,
        review_date=datetime.date(2026, 1, 15),
    )
    for person in (world.lead, world.member, world.other_member, world.performance):
        person.refresh_from_db()
    return world


def run(day: datetime.date, *args: str) -> str:
    out = io.StringIO()
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(7), LONDON), tick=False):
        call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def by_recipient(mailoutbox) -> dict[str, EmailMessage]:
    mails = {}
    for mail in mailoutbox:
        (to,) = mail.to
        assert to not in mails, f"{to} got two e-mails"
        mails[to] = mail
    return mails


def sent(kind: str) -> set[str]:
    return set(ReminderSent.objects.filter(kind=kind).values_list("recipient__username", flat=True))


SEVEN_DAYS_BEFORE = datetime.date(2026, 1, 24)
DAY_BEFORE = datetime.date(2026, 1, 30)
DEADLINE = datetime.date(2026, 1, 31)
DAY_AFTER = datetime.date(2026, 2, 1)


def test_it_tells_each_owner_exactly_what_they_owe_seven_days_before(world, mailoutbox):
    out = run(SEVEN_DAYS_BEFORE)

    mails = by_recipient(mailoutbox)
    assert set(mails) == {
        "member@example.org",
        "other_member@example.org",
        "lead@example.org",
    }
    link = f"{SITE}/returns/{world.ret.pk}/"

    member = mails["member@example.org"]
    assert member.subject == (
        "1 thing to report for the Safer Streets Partnership's 2025/26 Q3 return by 31 January 2026"
    )
    assert "The Safer Streets Partnership's 2025/26 Q3 return is due on 31 January 2026, " in (
        member.body
    )
    assert "in 7 days. You have 1 thing to report:" in member.body
    assert "Progress on actions:\n- A1 Door-to-door visits\n" in member.body
    assert "SS01" not in member.body  # reported already
    assert "R1" not in member.body  # not due for review until March
    assert f"Report it in the return: {link}\n" in member.body
    assert member.reply_to == ["lead@example.org"]
    assert member.content_subtype == "plain"

    other = mails["other_member@example.org"].body
    assert "Results:\n- SS02 Indicator SS02, 2025/26 Q3\n" in other
    assert "mark it as not available" in other

    lead = mails["lead@example.org"].body
    assert "Risks to review:\n- R2 Venue lost\n" in lead
    assert "Sent 3 reminders on 24 January 2026." in out
    assert sent("due_in_7_days") == {"member", "other_member", "lead"}
    assert ReminderSent.objects.filter(ret=world.ret).count() == 3


def test_it_never_sends_the_same_reminder_twice(world, mailoutbox):
    run(SEVEN_DAYS_BEFORE)
    assert len(mailoutbox) == 3

    out = run(SEVEN_DAYS_BEFORE)
    assert len(mailoutbox) == 3
    assert "Sent 0 reminders" in out

    run(SEVEN_DAYS_BEFORE + datetime.timedelta(days=1))
    assert len(mailoutbox) == 3
    assert ReminderSent.objects.count() == 3


def test_the_day_before_it_reminds_again_of_what_is_still_owed(world, mailoutbox):
    run(SEVEN_DAYS_BEFORE)
    ActionUpdate.objects.create(
        action=world.action, ret=world.ret, state=ActionState.ON_TRACK, percent_complete=60
    )
    mailoutbox.clear()

    run(DAY_BEFORE)

    mails = by_recipient(mailoutbox)
    assert set(mails) == {"other_member@example.org", "lead@example.org"}
    assert "due on 31 January 2026, tomorrow." in mails["lead@example.org"].body
    assert sent("due_tomorrow") == {"other_member", "lead"}

    mailoutbox.clear()
    run(DAY_BEFORE)
    run(DEADLINE)
    assert mailoutbox == []


def test_the_day_after_the_deadline_leads_and_the_performance_team_hear_it_is_overdue(
    world, mailoutbox
):
    second = make_user("analyst", is_performance_team=True, email="analyst@example.org")
    run(DAY_BEFORE)
    mailoutbox.clear()

    run(DEADLINE)
    assert mailoutbox == []  # not before the day after

    run(DAY_AFTER)

    mails = by_recipient(mailoutbox)
    assert set(mails) == {"lead@example.org", "performance@example.org", second.email}
    mail = mails["lead@example.org"]
    assert mail.subject == (
        "Overdue: the Safer Streets Partnership's 2025/26 Q3 return, due on 31 January 2026"
    )
    assert (
        "The Safer Streets Partnership's 2025/26 Q3 return was due on 31 January 2026. "
        "It has not been submitted." in mail.body
    )
    assert "Still to report: 1 result, 1 action update and 1 risk review." in mail.body
    assert f"See the return: {SITE}/returns/{world.ret.pk}/" in mail.body
    assert sent("overdue") == {"lead", "performance", "analyst"}

    mailoutbox.clear()
    run(DAY_AFTER)
    run(DAY_AFTER + datetime.timedelta(days=1))
    run(DAY_AFTER + datetime.timedelta(days=30))
    assert mailoutbox == []


@pytest.mark.parametrize("status", [Return.Status.SUBMITTED, Return.Status.SIGNED_OFF])
def test_submitted_and_signed_off_returns_get_no_reminders(world, mailoutbox, status):
    Return.objects.filter(pk=world.ret.pk).update(status=status)
    for day in (SEVEN_DAYS_BEFORE, DAY_BEFORE, DEADLINE, DAY_AFTER):
        run(day)
    assert mailoutbox == []
    assert not ReminderSent.objects.exists()


def test_a_returned_return_is_reminded_and_said_to_be_awaiting_resubmission(world, mailoutbox):
    Return.objects.filter(pk=world.ret.pk).update(status=Return.Status.RETURNED)
    run(SEVEN_DAYS_BEFORE)
    assert len(mailoutbox) == 3
    mailoutbox.clear()
    run(DAY_AFTER)
    body = by_recipient(mailoutbox)["performance@example.org"].body
    assert "It was returned for changes and has not been resubmitted." in body


def test_a_missed_day_is_caught_up_but_a_stale_reminder_is_not_sent(world, mailoutbox):
    # Cron did not run 7 days before: the first run inside the window sends it.
    run(datetime.date(2026, 1, 26))
    assert sent("due_in_7_days") == {"member", "other_member", "lead"}
    assert "due on 31 January 2026, in 5 days." in mailoutbox[0].body

    # Nothing ran again until the deadline day: the last reminder goes, saying "today".
    mailoutbox.clear()
    run(DEADLINE)
    assert sent("due_tomorrow") == {"member", "other_member", "lead"}
    assert "due on 31 January 2026, today." in mailoutbox[0].body


def test_a_run_long_after_the_deadline_sends_only_the_overdue_notice(world, mailoutbox):
    run(datetime.date(2026, 2, 10))
    assert set(by_recipient(mailoutbox)) == {"lead@example.org", "performance@example.org"}
    assert set(ReminderSent.objects.values_list("kind", flat=True)) == {"overdue"}


def test_nothing_is_sent_more_than_seven_days_before(world, mailoutbox):
    run(datetime.date(2026, 1, 23))
    assert mailoutbox == []


def test_a_dry_run_prints_what_it_would_send_and_sends_nothing(world, mailoutbox):
    out = run(SEVEN_DAYS_BEFORE, "--dry-run")
    assert mailoutbox == []
    assert not ReminderSent.objects.exists()
    assert "Would send due_in_7_days: Safer Streets Partnership 2025/26 Q3 to member" in out
    assert "Would send 3 reminders on 24 January 2026." in out

    run(SEVEN_DAYS_BEFORE)
    assert len(mailoutbox) == 3


def test_today_can_be_given_on_the_command_line(world, mailoutbox):
    out = io.StringIO()
    call_command("send_reminders", "--today", "2026-02-01", stdout=out)
    assert sent("overdue") == {"lead", "performance"}
    assert "on 1 February 2026" in out.getvalue()


def test_a_failed_send_is_not_recorded_and_is_tried_again(world, mailoutbox, monkeypatch):
    real_send = EmailMessage.send

    def send(self, *args, **kwargs):
        if self.to == ["other_member@example.org"]:
            raise ConnectionRefusedError("mail server refused it")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send)
    with pytest.raises(CommandError, match="1 reminder could not be sent"):
        run(SEVEN_DAYS_BEFORE)
    # The others went; the failed one was not recorded as sent.
    assert sent("due_in_7_days") == {"member", "lead"}
    assert len(mailoutbox) == 2

    monkeypatch.undo()
    run(SEVEN_DAYS_BEFORE + datetime.timedelta(days=1))
    assert [m.to for m in mailoutbox[2:]] == [["other_member@example.org"]]
    assert sent("due_in_7_days") == {"member", "other_member", "lead"}


def test_people_without_an_email_address_are_skipped_and_named(world, mailoutbox):
    User.objects.filter(pk=world.other_member.pk).update(email="")
    out = run(SEVEN_DAYS_BEFORE)
    assert set(by_recipient(mailoutbox)) == {"member@example.org", "lead@example.org"}
    assert "Not sent, no e-mail address or account closed: due_in_7_days" in out
    assert "other_member" in out
    assert sent("due_in_7_days") == {"member", "lead"}
