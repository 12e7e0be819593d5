"""python manage.py send_reminders [--today YYYY-MM-DD] [--dry-run]

Run daily by the task workers (run_worker), or by cron (README, "Scheduled jobs"). For
every return still open or returned for changes:

- 7 days before its deadline, each person who still owes it something — a result of an
  indicator they own, an update on an open action they own, a review of a risk they own —
  gets an e-mail listing exactly what, with a link to the return ("due_in_7_days");
- the day before the deadline, the same again for whatever is still owed ("due_tomorrow");
- the day after the deadline, the partnership's leads and every member of the council
  performance team are told that the return is overdue ("overdue").

Submitted and signed-off returns get nothing.

Each reminder is recorded in ReminderSent in the same transaction as the e-mail is sent,
so no one gets the same reminder twice: running again the same day, or the next, sends
nothing new. If the e-mail cannot be sent, the record is rolled back and the next run
tries again.

Catching up when cron missed days: each reminder has a window, and the first run inside
it sends it.
- "7 days": from 7 days to 2 days before the deadline;
- "tomorrow": the day before the deadline and the deadline day itself (the e-mail then
  says "today");
- "overdue": any day after the deadline, once, for as long as the return is still open.
A reminder whose window has passed is not sent late: on the deadline day only the
"tomorrow" reminder goes, never a stale "7 days" one as well. A deadline moved after a
reminder went does not send that reminder again.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from goldenthread.core.models import (
    Action,
    Indicator,
    Membership,
    NotificationKind,
    ReminderSent,
    Return,
    Risk,
    Role,
    User,
)
from goldenthread.core.monitoring import ReturnContents, return_contents
from goldenthread.core.services.corrective_actions import (
    notify_overdue as notify_corrective_overdue,
)
from goldenthread.core.services.notifications import notify
from goldenthread.rules import Period, long_date

DUE_IN_7_DAYS = "due_in_7_days"
DUE_TOMORROW = "due_tomorrow"
OVERDUE = "overdue"


def reminder_due(deadline: datetime.date, today: datetime.date) -> str | None:
    """Which reminder's window `today` falls in, if any (see the module's docstring)."""
    days = (deadline - today).days
    if days < 0:
        return OVERDUE
    if days <= 1:
        return DUE_TOMORROW
    if days <= 7:
        return DUE_IN_7_DAYS
    return None


@dataclass
class Owed:
    """What one person still owes one return."""

    results: list[tuple[Indicator, Period]] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.results) + len(self.actions) + len(self.risks)


def owed_by_person(contents: ReturnContents) -> dict[User, Owed]:
    """For one return, each owner's results not yet reported (or marked not available with
    a reason), open actions without an update and risks due for review not yet reviewed:
    the same items the return page asks for. Items without an owner are nobody's to be
    reminded of."""
    owed: dict[User, Owed] = {}
    for due in contents.results:
        if not due.is_reported and due.indicator.owner:
            owed.setdefault(due.indicator.owner, Owed()).results.append((due.indicator, due.period))
    for due in contents.actions:
        if due.update is None and due.action.owner:
            owed.setdefault(due.action.owner, Owed()).actions.append(due.action)
    for due in contents.risks:
        if due.review is None and due.risk.owner:
            owed.setdefault(due.risk.owner, Owed()).risks.append(due.risk)
    return owed


def _things(n: int) -> str:
    return f"{n} thing{'s' if n != 1 else ''}"


def _return_name(ret: Return) -> str:
    return f"{ret.partnership.name}'s {ret.period.label} return"


def _link(ret: Return) -> str:
    return settings.GT_SITE_URL.rstrip("/") + ret.get_absolute_url()


def _when(deadline: datetime.date, today: datetime.date) -> str:
    days = (deadline - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


def owner_message(ret: Return, person: User, owed: Owed, today: datetime.date) -> tuple[str, str]:
    """The subject and plain-text body of a reminder before the deadline."""
    subject = (
        f"{_things(owed.count).capitalize()} to report for the {_return_name(ret)} "
        f"by {long_date(ret.deadline)}"
    )
    lines = [
        f"Dear {person.get_full_name() or person.username},",
        "",
        f"The {_return_name(ret)} is due on {long_date(ret.deadline)}, "
        f"{_when(ret.deadline, today)}. You have {_things(owed.count)} to report:",
    ]
    if owed.results:
        lines += ["", "Results:"]
        lines += [f"- {i.code} {i.title}, {period.label}" for i, period in owed.results]
    if owed.actions:
        lines += ["", "Progress on actions:"]
        lines += [f"- {a.ref} {a.title}" for a in owed.actions]
    if owed.risks:
        lines += ["", "Risks to review:"]
        lines += [f"- {r.ref} {r.title}" for r in owed.risks]
    lines += ["", f"Report {'it' if owed.count == 1 else 'them'} in the return: {_link(ret)}", ""]
    if owed.results:
        lines.append(
            "If a result is not available yet, mark it as not available in the return and say why."
        )
    officer = ret.partnership.lead_link_officer
    if officer is not None:
        contact = f" ({officer.email})" if officer.email else ""
        lines.append(
            f"If something here is not yours to report, tell {officer}{contact}, the "
            "partnership's lead link officer."
        )
    lines += ["", "Golden Thread"]
    return subject, "\n".join(lines) + "\n"


def overdue_message(ret: Return, person: User, owed: Iterable[Owed]) -> tuple[str, str]:
    """The subject and plain-text body of the e-mail to leads and the performance team."""
    owed = list(owed)
    results = sum(len(o.results) for o in owed)
    actions = sum(len(o.actions) for o in owed)
    risks = sum(len(o.risks) for o in owed)
    subject = f"Overdue: the {_return_name(ret)}, due on {long_date(ret.deadline)}"
    if ret.status == Return.Status.RETURNED:
        state = "was returned for changes and has not been resubmitted"
    else:
        state = "has not been submitted"
    lines = [
        f"Dear {person.get_full_name() or person.username},",
        "",
        f"The {_return_name(ret)} was due on {long_date(ret.deadline)}. It {state}.",
    ]
    missing = [
        f"{n} {what}{'s' if n != 1 else ''}"
        for n, what in ((results, "result"), (actions, "action update"), (risks, "risk review"))
        if n
    ]
    if missing:
        lines += ["", f"Still to report: {_and(missing)}."]
    lines += ["", f"See the return: {_link(ret)}", "", "Golden Thread"]
    return subject, "\n".join(lines) + "\n"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def overdue_recipients(ret: Return) -> list[User]:
    """The partnership's leads and everyone in the council performance team."""
    leads = [
        m.person
        for m in Membership.objects.filter(partnership=ret.partnership, role=Role.LEAD)
        .select_related("person")
        .order_by("person__username")
    ]
    team = list(User.objects.filter(is_performance_team=True).order_by("username"))
    people = {p.pk: p for p in [*leads, *team]}
    return list(people.values())


def _notify(ret: Return, kind: str, person: User, subject: str, body: str) -> None:
    """The reminder in the person's notification centre. This command sends its own
    e-mail, so `notify` sends none; the key makes it once-only per return and reminder."""
    notify(
        [person],
        kind=NotificationKind.REMINDER,
        subject=subject,
        body=body,
        url=ret.get_absolute_url(),
        partnership=ret.partnership,
        key=f"return-{ret.pk}-{kind}",
        email=False,
    )


class Command(BaseCommand):
    help = (
        "E-mail reminders about quarterly returns: owners 7 days and 1 day before the "
        "deadline, leads and the performance team the day after. Run daily; never sends "
        "the same reminder twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Act as if today were this date (YYYY-MM-DD), for testing.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be sent; send and record nothing.",
        )

    def handle(self, *args, today: datetime.date | None = None, dry_run: bool = False, **kw):
        today = today or timezone.localdate()
        if not getattr(settings, "GT_SITE_URL", ""):
            raise CommandError("Set GT_SITE_URL so the e-mails can link to the returns.")
        returns = list(
            Return.objects.filter(status__in=[Return.Status.OPEN, Return.Status.RETURNED])
            .select_related("round", "partnership__lead_link_officer")
            .order_by("deadline", "partnership__name")
        )
        due = [(ret, kind) for ret in returns if (kind := reminder_due(ret.deadline, today))]
        already = set(
            ReminderSent.objects.filter(ret__in=[ret for ret, _ in due]).values_list(
                "ret_id", "kind", "recipient_id"
            )
        )
        self.sent = self.failed = 0
        connection = None if dry_run else get_connection()
        for ret, kind in due:
            owed = owed_by_person(return_contents(ret))
            if kind == OVERDUE:
                messages = [
                    (person, *overdue_message(ret, person, owed.values()), None)
                    for person in overdue_recipients(ret)
                ]
            else:
                officer = ret.partnership.lead_link_officer
                reply_to = [officer.email] if officer and officer.email else None
                messages = [
                    (person, *owner_message(ret, person, items, today), reply_to)
                    for person, items in sorted(owed.items(), key=lambda p: p[0].username)
                ]
            for person, subject, body, reply_to in messages:
                if (ret.pk, kind, person.pk) in already:
                    continue
                self._send(ret, kind, person, subject, body, reply_to, connection, dry_run)
        if not dry_run:
            self._corrective_overdue(today)
        done = "Would send" if dry_run else "Sent"
        self.stdout.write(
            f"{done} {self.sent} reminder{'s' if self.sent != 1 else ''} on {long_date(today)}."
        )
        if self.failed:
            # A non-zero exit, so cron tells whoever runs it.
            raise CommandError(
                f"{self.failed} reminder{'s' if self.failed != 1 else ''} could not be sent; "
                "the next run tries again."
            )

    def _corrective_overdue(self, today: datetime.date) -> None:
        """Owners of corrective actions past their due date are told, once per due date
        (the notification's key), in the product and by e-mail."""
        told = notify_corrective_overdue(today=today)
        if told:
            self.stdout.write(
                f"Told {told} owner{'s' if told != 1 else ''} of an overdue corrective action."
            )

    def _send(
        self,
        ret: Return,
        kind: str,
        person: User,
        subject: str,
        body: str,
        reply_to: list[str] | None,
        connection,
        dry_run: bool,
    ) -> None:
        where = f"{kind}: {ret.partnership.name} {ret.period.label} to {person.username}"
        if not person.is_active or not person.email:
            self.stdout.write(f"Not sent, no e-mail address or account closed: {where}")
            if person.is_active and not dry_run:
                # Without an address they still see it in the product, once (the key).
                _notify(ret, kind, person, subject, body)
            return
        if dry_run:
            self.stdout.write(f"Would send {where} <{person.email}>\n  {subject}")
            self.sent += 1
            return
        try:
            with transaction.atomic():
                _, created = ReminderSent.objects.get_or_create(
                    ret=ret, kind=kind, recipient=person
                )
                if not created:
                    return  # another run got there first
                # In the product too, rolled back with the rest if the e-mail fails.
                _notify(ret, kind, person, subject, body)
                EmailMessage(
                    subject=subject,
                    body=body,
                    to=[person.email],
                    reply_to=reply_to,
                    connection=connection,
                ).send()
        except Exception as error:  # one bad address must not stop the rest
            # Rolled back with the e-mail, so the next run tries this one again.
            self.stderr.write(f"Could not send {where} <{person.email}>: {error}")
            self.failed += 1
            return
        self.stdout.write(f"Sent {where} <{person.email}>")
        self.sent += 1
