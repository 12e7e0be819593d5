"""Corrective actions tracked to closure, across quarters: a red result in 2025/26 Q3
gets a corrective action with an owner and a due date; the Q4 return asks how it is going
and cannot be submitted without it; the progress is kept per return; closing it asks
whether it worked; a closed one is not asked about again. Who may track one, the overdue
flag and its once-only notification, and the owner told when it is given to them."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from goldenthread.core import corrective_actions as reads
from goldenthread.core.models import (
    CorrectiveAction,
    CorrectiveActionUpdate,
    Notification,
    NotificationKind,
    Result,
    Return,
    User,
)
from goldenthread.core.services import corrective_actions as services
from goldenthread.core.services.returns import (
    CorrectiveInput,
    CorrectiveProgressInput,
    ResultInput,
    open_quarter,
    reopen_return,
    save_return,
    sign_off_return,
    submission_problems,
    submit_return,
)
from goldenthread.rules import Period

Q3, Q4 = Period.parse("2025/26 Q3"), Period.parse("2026/27 Q1").previous()
Q1_NEXT = Period.parse("2026/27 Q1")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


@pytest.fixture
def people(world):
    for user in User.objects.all():
        user.email = f"{user.username}@example.org"
        user.save()
    for person in (world.lead, world.member, world.other_member, world.performance):
        person.refresh_from_db()
    return world


def save(ret: Return, by: User, **inputs) -> Return:
    ret = Return.objects.select_related("round", "partnership").get(pk=ret.pk)
    return save_return(ret=ret, by=by, version=ret.version, **inputs)


def red_q3_with_corrective(
    world, *, owner=None, due=datetime.date(2026, 3, 31)
) -> CorrectiveAction:
    """The lead reports SS01 red in Q3 with a corrective action, and submits; the
    performance team signs it off."""
    save(
        world.ret,
        world.lead,
        results=[
            ResultInput(
                world.indicator.pk, Q3, Decimal("80"), commentary="A burglary series in two wards."
            )
        ],
        corrective=[
            CorrectiveInput(
                world.indicator.pk,
                Q3,
                "Extra patrols and target hardening in both wards.",
                (owner or world.member).pk,
                due,
            )
        ],
    )
    submit_return(ret=Return.objects.get(pk=world.ret.pk), by=world.lead)
    sign_off_return(ret=Return.objects.get(pk=world.ret.pk), by=world.performance)
    return CorrectiveAction.objects.get(ret=world.ret)


def next_return(world, period: Period = Q4) -> Return:
    # Opened early: the clock stays in January so due dates read simply.
    round_ = open_quarter(period=period, by=world.performance, early=True)
    ret = round_.returns.get(partnership=world.partnership)
    # Its own result is in, so only the corrective action can stop it being submitted.
    Result.objects.create(indicator=world.indicator, period=period, value=Decimal("100"))
    return ret


def test_a_corrective_action_is_tracked_across_two_quarters_to_closure(people):
    world = people
    ca = red_q3_with_corrective(world)
    assert (ca.status, ca.owner, ca.due_date) == (
        CorrectiveAction.Status.OPEN,
        world.member,
        datetime.date(2026, 3, 31),
    )

    q4 = next_return(world)
    asked = reads.asked_in(q4)
    assert [a.ca for a in asked] == [ca]
    problems = submission_problems(q4)
    assert [(p.anchor, p.message) for p in problems] == [
        (
            f"id_c_{ca.pk}_progress",
            "Corrective action for SS01 2025/26 Q3 (from the 2025/26 Q3 return): give its "
            "status and say how it is going.",
        )
    ]
    with pytest.raises(ValidationError):
        submit_return(ret=Return.objects.get(pk=q4.pk), by=world.lead)

    # The owner (a member) reports progress in the Q4 return.
    save(
        q4,
        world.member,
        corrective_progress=[
            CorrectiveProgressInput(ca.pk, "in_progress", "Patrols running in one ward.")
        ],
    )
    update = CorrectiveActionUpdate.objects.get(corrective_action=ca, ret=q4)
    assert (update.status, update.progress, update.by) == (
        "in_progress",
        "Patrols running in one ward.",
        world.member,
    )
    ca.refresh_from_db()
    assert (ca.status, ca.progress) == ("in_progress", "Patrols running in one ward.")
    assert ca.history.first().history_change_reason == "Progress reported in the 2025/26 Q4 return"
    assert ca.history.first().history_user == world.member

    # Saving again replaces the return's update rather than adding another.
    save(
        q4,
        world.lead,
        corrective_progress=[CorrectiveProgressInput(ca.pk, "in_progress", "Both wards now.")],
    )
    assert CorrectiveActionUpdate.objects.filter(corrective_action=ca).count() == 1
    assert submission_problems(Return.objects.get(pk=q4.pk)) == []
    submit_return(ret=Return.objects.get(pk=q4.pk), by=world.lead)

    # Closed, saying it worked.
    services.close_corrective_action(
        corrective_action=ca,
        by=world.member,
        worked="yes",
        closing_note="Burglaries back under target in both wards.",
    )
    ca.refresh_from_db()
    assert (ca.status, ca.worked, ca.closed_by) == ("closed", "yes", world.member)
    assert ca.closed_at is not None
    assert ca.history.first().history_change_reason == "Closed: yes, it worked"

    # The next quarter does not ask about it.
    sign_off_return(ret=Return.objects.get(pk=q4.pk), by=world.performance)
    q1 = next_return(world, Q1_NEXT)
    assert reads.asked_in(q1) == []
    assert submission_problems(q1) == []


def test_closing_asks_whether_it_worked_and_a_note(world):
    ca = red_q3_with_corrective(world)
    with pytest.raises(ValidationError) as error:
        services.close_corrective_action(
            corrective_action=ca, by=world.lead, worked="maybe", closing_note="  "
        )
    assert error.value.message_dict == {
        "worked": ["Say whether the corrective action worked: yes, partly or no"],
        "closing_note": ["Say what it achieved, and what was learned"],
    }
    ca.refresh_from_db()
    assert ca.status == "open" and ca.closed_at is None


def test_progress_on_its_own_page_is_kept_as_an_update_and_it_can_be_reopened(world):
    ca = red_q3_with_corrective(world)
    services.record_progress(
        corrective_action=ca, by=world.lead, status="in_progress", progress="Started."
    )
    services.record_progress(
        corrective_action=ca, by=world.member, status="in_progress", progress="Halfway."
    )
    assert list(ca.updates.order_by("pk").values_list("progress", "ret")) == [
        ("Started.", None),
        ("Halfway.", None),
    ]
    with pytest.raises(ValidationError) as error:
        services.record_progress(corrective_action=ca, by=world.lead, status="closed", progress="")
    assert set(error.value.message_dict) == {"status", "progress"}

    services.close_corrective_action(
        corrective_action=ca, by=world.lead, worked="no", closing_note="No change."
    )
    with pytest.raises(ValidationError):
        services.record_progress(
            corrective_action=ca, by=world.lead, status="in_progress", progress="More."
        )
    services.reopen_corrective_action(
        corrective_action=ca, by=world.performance, reason="Burglaries rose again."
    )
    ca.refresh_from_db()
    assert (ca.status, ca.worked, ca.closed_at, ca.closed_by) == ("in_progress", "", None, None)
    assert ca.history.first().history_change_reason == "Reopened: Burglaries rose again."
    assert ca.history.first().history_user == world.performance
    # Reopened, the next return asks about it again.
    assert [a.ca for a in reads.asked_in(next_return(world))] == [ca]


@pytest.mark.parametrize("who", ["other_member", "viewer", "outsider", "nobody"])
def test_only_the_owner_leads_and_the_performance_team_track_it(world, who):
    ca = red_q3_with_corrective(world)
    person = world.person(who)
    with pytest.raises(PermissionDenied):
        services.record_progress(
            corrective_action=ca, by=person, status="in_progress", progress="Mine now."
        )
    with pytest.raises(PermissionDenied):
        services.close_corrective_action(
            corrective_action=ca, by=person, worked="yes", closing_note="Done."
        )
    assert not services.may_track(person, ca)
    ca.refresh_from_db()
    assert (ca.status, ca.updates.count()) == ("open", 0)


def test_a_viewer_who_owns_it_may_track_it(world):
    ca = red_q3_with_corrective(world, owner=world.viewer)
    services.record_progress(
        corrective_action=ca, by=world.viewer, status="in_progress", progress="Begun."
    )
    assert ca.updates.get().by == world.viewer


def test_a_member_cannot_report_in_the_return_on_someone_elses(world):
    ca = red_q3_with_corrective(world)
    q4 = next_return(world)
    with pytest.raises(PermissionDenied):
        save(
            q4,
            world.other_member,
            corrective_progress=[CorrectiveProgressInput(ca.pk, "in_progress", "Not mine.")],
        )
    assert not CorrectiveActionUpdate.objects.exists()


def test_progress_in_the_return_names_the_corrective_action_in_its_errors(world):
    ca = red_q3_with_corrective(world)
    q4 = next_return(world)
    with pytest.raises(ValidationError) as error:
        save(
            q4,
            world.lead,
            corrective_progress=[CorrectiveProgressInput(ca.pk, "in_progress", "   ")],
        )
    assert error.value.message_dict == {
        f"c_{ca.pk}_progress": ["Corrective action for SS01 2025/26 Q3: say how it is going"]
    }


def test_the_owner_is_told_when_it_is_given_to_them_once(
    people, django_capture_on_commit_callbacks
):
    world = people
    with django_capture_on_commit_callbacks(execute=True):
        ca = red_q3_with_corrective(world)
    [note] = Notification.objects.filter(kind=NotificationKind.CORRECTIVE_ASSIGNED)
    assert (note.recipient, note.key, note.url) == (
        world.member,
        f"ca{ca.pk}:owner{world.member.pk}",
        f"/corrective-actions/{ca.pk}/",
    )
    assert note.subject == "Corrective action for SS01 2025/26 Q3 given to you"
    [email] = [m for m in mail.outbox if m.to == ["member@example.org"]]
    assert "Corrective action for SS01 2025/26 Q3 given to you" in email.subject

    # Saved again unchanged, or with another description: nobody told again.
    ret = Return.objects.get(pk=world.ret.pk)
    ret.status = Return.Status.OPEN
    ret.save()
    with django_capture_on_commit_callbacks(execute=True):
        save(
            ret,
            world.lead,
            corrective=[
                CorrectiveInput(world.indicator.pk, Q3, "Patrols.", world.member.pk, ca.due_date)
            ],
        )
    assert Notification.objects.filter(kind=NotificationKind.CORRECTIVE_ASSIGNED).count() == 1
    # Given to someone else: they are told.
    with django_capture_on_commit_callbacks(execute=True):
        save(
            ret,
            world.lead,
            corrective=[
                CorrectiveInput(
                    world.indicator.pk, Q3, "Patrols.", world.other_member.pk, ca.due_date
                )
            ],
        )
    assert list(
        Notification.objects.filter(kind=NotificationKind.CORRECTIVE_ASSIGNED)
        .order_by("pk")
        .values_list("recipient__username", flat=True)
    ) == ["member", "other_member"]
    assert ca.history.first().history_change_reason == "2025/26 Q3 return"


def test_overdue_is_flagged_and_the_owner_told_once(people, django_capture_on_commit_callbacks):
    world = people
    ca = red_q3_with_corrective(world, due=datetime.date(2026, 1, 10))
    today = datetime.date(2026, 1, 15)
    assert reads.is_overdue(ca, today)
    assert not reads.is_overdue(ca, datetime.date(2026, 1, 10))
    assert [line.overdue for line in reads.owned_by(world.member, today)] == [True]
    assert list(CorrectiveAction.objects.filter(reads.overdue_q(today))) == [ca]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_overdue(today=today) == 1
        assert services.notify_overdue(today=today + datetime.timedelta(days=1)) == 0
    [note] = Notification.objects.filter(kind=NotificationKind.CORRECTIVE_OVERDUE)
    assert (note.recipient, note.key) == (world.member, f"ca{ca.pk}:overdue:2026-01-10")
    assert [m.to for m in mail.outbox] == [["member@example.org"]]

    # A closed one is not overdue, and no one is told.
    services.close_corrective_action(
        corrective_action=ca, by=world.lead, worked="partly", closing_note="Some effect."
    )
    ca.refresh_from_db()
    assert not reads.is_overdue(ca, today)
    assert not CorrectiveAction.objects.filter(reads.overdue_q(today)).exists()
    assert reads.owned_by(world.member, today) == []


def test_the_daily_job_tells_owners_of_overdue_corrective_actions(people, settings):
    world = people
    settings.GT_SITE_URL = "https://goldenthread.example.gov.uk/"
    red_q3_with_corrective(world, due=datetime.date(2026, 1, 10))
    out = io.StringIO()
    call_command("send_reminders", "--today", "2026-01-15", stdout=out)
    assert "Told 1 owner of an overdue corrective action." in out.getvalue()
    out = io.StringIO()
    call_command("send_reminders", "--today", "2026-01-16", stdout=out)
    assert "corrective" not in out.getvalue()
    assert Notification.objects.filter(kind=NotificationKind.CORRECTIVE_OVERDUE).count() == 1


def test_the_council_counts_open_and_overdue_per_partnership(world):
    from goldenthread.core.models import Partnership

    red_q3_with_corrective(world, due=datetime.date(2026, 1, 10))
    counted = Partnership.objects.annotate(
        **reads.counts_subqueries(datetime.date(2026, 1, 15))
    ).values_list("name", "open_corrective", "overdue_corrective")
    assert set(counted) == {("Safer Streets Partnership", 1, 1), ("Other Partnership", 0, 0)}


def test_one_with_progress_reported_is_closed_not_removed(world):
    ca = red_q3_with_corrective(world)
    q4 = next_return(world)
    save(
        q4,
        world.lead,
        corrective_progress=[CorrectiveProgressInput(ca.pk, "in_progress", "Begun.")],
    )
    reopen_return(ret=Return.objects.get(pk=world.ret.pk), by=world.performance, reason="Typo")
    with pytest.raises(ValidationError, match="close it on its own page"):
        save(
            world.ret,
            world.lead,
            corrective=[CorrectiveInput(world.indicator.pk, Q3, "", None, None)],
        )
    assert CorrectiveAction.objects.filter(pk=ca.pk).exists()
