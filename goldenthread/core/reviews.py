"""Reads and rules for reviewing together: review meetings (who came, what went
well, the challenges, the decisions and the follow-ups that became actions), comments on
indicators, actions and returns, and feedback from stakeholders that the lead answers.

Who may do what (the getters and `may_comment` are in goldenthread.core.access):
- see meetings, comments and feedback pages: everyone who may see the partnership;
- record a meeting: leads and members (a member often takes the notes); change it: the
  person who recorded it, or a lead;
- comment: leads, members and the council performance team (their challenge is part of
  the review); viewers are stakeholders and give feedback instead;
- give feedback: anyone who may see the partnership; see it: the person who gave it, the
  leads and the performance team; answer it: the leads and the performance team.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, QuerySet

from goldenthread.rules import Frequency, Period, PeriodError

from .access import Need, allows, may_comment
from .models import (
    Action,
    Attendee,
    Comment,
    Feedback,
    Indicator,
    Membership,
    Objective,
    Partnership,
    Plan,
    Return,
    ReviewMeeting,
    Role,
    User,
)

QUARTER_EXAMPLE = "2025/26 Q3"

# --- rules (the forms show them; the services refuse to save without them) --------------


def parse_quarter(text: str) -> Period:
    try:
        period = Period.parse(text)
    except PeriodError as error:
        raise ValidationError(f"Enter a quarter, like {QUARTER_EXAMPLE}") from error
    if period.frequency is not Frequency.QUARTERLY:
        raise ValidationError(f"{period.label} is not a quarter: enter one like {QUARTER_EXAMPLE}")
    return period


def meeting_date_problem(
    held_on: datetime.date, period: Period, today: datetime.date
) -> str | None:
    """A meeting is recorded once it has been held, and reviews a quarter that has begun."""
    if held_on > today:
        return "The meeting date must be today or in the past: record a meeting once it is held"
    if held_on < period.start:
        return (
            f"The meeting must be held on or after {period.label} starts ({period.start:%-d %B %Y})"
        )
    return None


def follow_up_due_problem(due: datetime.date, held_on: datetime.date) -> str | None:
    if due <= held_on:
        return "Enter a due date after the date of the meeting"
    return None


# --- access -------------------------------------------------------------------------------


def sees_all_feedback(user: User, partnership: Partnership) -> bool:
    return allows(user, partnership, Need.LEAD) or (
        allows(user, partnership, Need.VIEW) and user.is_performance_team
    )


# --- review meetings ----------------------------------------------------------------------


def approved_plan(partnership: Partnership) -> Plan | None:
    """The plan follow-ups are added to: the approved one (the plan being delivered)."""
    return partnership.plans.filter(status=Plan.Status.APPROVED).first()


def follow_up_objectives(plan: Plan | None) -> QuerySet[Objective]:
    if plan is None:
        return Objective.objects.none()
    return plan.objectives.order_by("order", "ref")


def attendee_choices(partnership: Partnership) -> QuerySet[Membership]:
    """Everyone in the partnership, viewers included: stakeholders come to reviews too."""
    return partnership.memberships.select_related("person", "organisation").order_by(
        "person__first_name", "person__last_name"
    )


def follow_up_owners(partnership: Partnership) -> QuerySet[User]:
    """Leads and members own actions; a viewer could not keep one up to date."""
    return (
        User.objects.filter(
            memberships__partnership=partnership,
            memberships__role__in=[Role.LEAD, Role.MEMBER],
        )
        .select_related("organisation")
        .order_by("first_name", "last_name")
    )


def meetings(partnership: Partnership) -> QuerySet[ReviewMeeting]:
    """The partnership's meetings, newest first, with how many came from outside and how
    many follow-ups each raised: one query for any number of meetings."""
    return (
        partnership.review_meetings.select_related("created_by")
        .annotate(
            attendee_count=Count("attendees", distinct=True),
            outside_count=Count(
                "attendees", filter=~Q(attendees__kind=Attendee.Kind.MEMBER), distinct=True
            ),
            follow_up_count=Count("follow_ups", distinct=True),
        )
        .order_by("-held_on", "-pk")
    )


@dataclass
class MeetingDetail:
    meeting: ReviewMeeting
    members: list[Attendee]
    outside: list[Attendee]
    follow_ups: list[Action]


def meeting_detail(meeting: ReviewMeeting) -> MeetingDetail:
    attendees = list(meeting.attendees.select_related("person").order_by("kind", "name"))
    follow_ups = list(
        meeting.follow_ups.select_related("objective__plan", "owner", "lead_organisation").order_by(
            "ref"
        )
    )
    # Refs sort as text (A10 before A2); sort by their number for people.
    follow_ups.sort(key=lambda a: (len(a.ref), a.ref))
    return MeetingDetail(
        meeting=meeting,
        members=[a for a in attendees if a.kind == Attendee.Kind.MEMBER],
        outside=[a for a in attendees if a.kind != Attendee.Kind.MEMBER],
        follow_ups=follow_ups,
    )


# --- comments -----------------------------------------------------------------------------

Commentable = Indicator | Action | Return


def comment_subject(on: Commentable) -> tuple[str, Partnership]:
    """Which kind of thing `on` is ("indicator", "action", "return") and its partnership."""
    if isinstance(on, Indicator):
        return "indicator", on.partnership
    if isinstance(on, Action):
        return "action", on.objective.plan.partnership
    if isinstance(on, Return):
        return "return", on.partnership
    raise TypeError(f"Comments are on indicators, actions and returns, not {type(on).__name__}")


COMMENT_FIELD = {"indicator": "indicator", "action": "action", "return": "ret"}


@dataclass
class CommentThread:
    """What the comments partial (web/reviews/_comments.html) shows: the comments, and
    the form for those who may comment (with what they typed and its error, if any)."""

    kind: str
    on: Commentable
    partnership: Partnership
    comments: list[Comment]
    can_comment: bool
    can_give_feedback: bool
    body: str = ""
    error: str = ""
    # Whom a comment may be addressed to (for those who may comment), and what was chosen.
    people: list[User] = field(default_factory=list)
    addressed_to: str = ""
    addressed_to_error: str = ""

    @property
    def url_name(self) -> str:
        return f"{self.kind}_comment"


def comment_thread(user: User, on: Commentable) -> CommentThread:
    """The comments on an indicator, action or return, oldest first: one query (plus the
    person's role, looked up once per request)."""
    kind, partnership = comment_subject(on)
    comments = list(
        Comment.objects.filter(**{COMMENT_FIELD[kind]: on})
        .select_related("author__organisation", "addressed_to")
        .order_by("created_at", "pk")
    )
    can_comment = may_comment(user, partnership)
    return CommentThread(
        kind=kind,
        on=on,
        partnership=partnership,
        comments=comments,
        can_comment=can_comment,
        can_give_feedback=not can_comment and allows(user, partnership, Need.VIEW),
        people=list(comment_addressees(partnership)) if can_comment else [],
    )


def comment_addressees(partnership: Partnership) -> QuerySet[User]:
    """Whom a comment may be addressed to: the partnership's people, whatever their role."""
    return User.objects.filter(memberships__partnership=partnership, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


# --- feedback -----------------------------------------------------------------------------


@dataclass
class FeedbackCounts:
    answered: int
    unanswered: int

    @property
    def total(self) -> int:
        return self.answered + self.unanswered


def feedback_counts(partnership: Partnership) -> FeedbackCounts:
    counts = partnership.feedback.aggregate(
        answered=Count("pk", filter=~Q(answer="")),
        unanswered=Count("pk", filter=Q(answer="")),
    )
    return FeedbackCounts(answered=counts["answered"], unanswered=counts["unanswered"])


def visible_feedback(user: User, partnership: Partnership) -> QuerySet[Feedback]:
    """All of it for leads and the performance team; otherwise the person's own. Those
    waiting for an answer come first."""
    feedback = partnership.feedback.select_related("author__organisation", "answered_by")
    if not sees_all_feedback(user, partnership):
        feedback = feedback.filter(author=user)
    return feedback.order_by(F("answered_at").desc(nulls_first=True), "-created_at", "-pk")


WAITING_SHOWN = 10


@dataclass
class FeedbackWaiting:
    """Feedback waiting for an answer in the partnerships a person leads: the longest
    waiting first (at most WAITING_SHOWN of them), and how many there are in all."""

    items: list[Feedback]
    total: int


def feedback_waiting(user: User) -> FeedbackWaiting:
    """For the home page of a lead: two queries, however many partnerships or items."""
    if not user.is_authenticated:
        return FeedbackWaiting(items=[], total=0)
    waiting = Feedback.objects.filter(
        answer="",
        partnership__memberships__person=user,
        partnership__memberships__role=Role.LEAD,
        partnership__closed_on__isnull=True,
    )
    items = list(
        waiting.select_related("partnership", "author").order_by("created_at", "pk")[:WAITING_SHOWN]
    )
    total = len(items) if len(items) < WAITING_SHOWN else waiting.count()
    return FeedbackWaiting(items=items, total=total)
