"""Writes for reviewing together: recording and updating review meetings (whose
follow-ups become actions in the approved plan), comments, and feedback with its answer.

An approved plan is otherwise locked (goldenthread.core.services.plans.ensure_draft): a
review meeting is how the Do stage adds work to the plan being delivered, so
`record_review` and `update_review` are the one way to add an action to it. Each such
action keeps the meeting in `raised_at` and its history says which meeting raised it.

Who may do what (goldenthread.core.reviews says why): leads and members record a meeting,
and its recorder or a lead changes it; leads, members and the performance team comment;
anyone who may see the partnership gives feedback, and its leads or the performance
team answer it.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from goldenthread.core.access import Need, may_answer_feedback, may_comment, require, require_open
from goldenthread.core.models import (
    Action,
    Attendee,
    Comment,
    Feedback,
    NotificationKind,
    Objective,
    Partnership,
    ReviewMeeting,
    Role,
    User,
)
from goldenthread.core.reviews import (
    COMMENT_FIELD,
    QUARTER_EXAMPLE,
    Commentable,
    approved_plan,
    comment_subject,
    follow_up_due_problem,
    meeting_date_problem,
)
from goldenthread.rules import Frequency, Period

from . import save_audited
from .notifications import leads_of, may_see, mentioned, notify
from .plans import all_refs, next_ref


@dataclass(frozen=True)
class Guest:
    """Someone from outside the partnership: a customer, resident or stakeholder."""

    name: str
    organisation: str = ""
    kind: str = Attendee.Kind.STAKEHOLDER


@dataclass(frozen=True)
class FollowUp:
    title: str
    objective: Objective
    owner: User
    due_date: datetime.date


def _organisations(partnership: Partnership, people: Iterable[User], roles=None) -> dict:
    """{person id: the organisation they represent in the partnership}."""
    memberships = partnership.memberships.filter(person__in=[p.pk for p in people])
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return {m.person_id: m.organisation for m in memberships.select_related("organisation")}


def _check(
    *,
    partnership: Partnership,
    period: Period,
    held_on: datetime.date,
    members: list[User],
    guests: list[Guest],
    follow_ups: list[FollowUp],
) -> tuple[dict, dict]:
    """The same rules the form shows, so nothing else can write a meeting without them.
    Returns the organisation each attending member and each follow-up owner represents."""
    member_orgs = _organisations(partnership, members)
    owner_orgs = _organisations(
        partnership, [f.owner for f in follow_ups], roles=[Role.LEAD, Role.MEMBER]
    )
    problems: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        if message not in problems.get(key, []):
            problems.setdefault(key, []).append(message)

    if period.frequency is not Frequency.QUARTERLY:
        add("period", f"{period.label} is not a quarter: enter one like {QUARTER_EXAMPLE}")
    elif problem := meeting_date_problem(held_on, period, timezone.localdate()):
        add("held_on", problem)
    if any(person.pk not in member_orgs for person in members):
        add("members", "Choose people of this partnership only")
    for guest in guests:
        if not guest.name.strip():
            add("guests", "Enter the name of each person from outside the partnership")
        if guest.kind not in Attendee.Kind.values or guest.kind == Attendee.Kind.MEMBER:
            add("guests", "Say whether each person from outside is a customer or stakeholder")
    plan = approved_plan(partnership) if follow_ups else None
    if follow_ups and plan is None:
        add(
            "follow_ups",
            "This partnership has no approved plan yet, so follow-ups cannot become actions: "
            "record them in the decisions instead",
        )
    for follow_up in follow_ups:
        if not follow_up.title.strip():
            add("follow_ups", "Enter what each follow-up action is")
        if plan is not None and follow_up.objective.plan_id != plan.pk:
            add("follow_ups", "Choose an objective of the approved plan for each follow-up")
        if follow_up.owner.pk not in owner_orgs:
            add("follow_ups", "Choose a lead or member of this partnership to own each one")
        if problem := follow_up_due_problem(follow_up.due_date, held_on):
            add("follow_ups", problem)
    if problems:
        raise ValidationError(problems)
    return member_orgs, owner_orgs


def _write_attendees(
    meeting: ReviewMeeting, members: list[User], member_orgs: dict, guests: list[Guest]
) -> None:
    Attendee.objects.bulk_create(
        [
            Attendee(
                meeting=meeting,
                person=person,
                name=str(person),
                organisation=member_orgs[person.pk].name,
                kind=Attendee.Kind.MEMBER,
            )
            for person in members
        ]
        + [
            Attendee(
                meeting=meeting,
                name=guest.name.strip(),
                organisation=guest.organisation.strip(),
                kind=guest.kind,
            )
            for guest in guests
        ]
    )


def _add_follow_ups(
    meeting: ReviewMeeting, by: User, follow_ups: list[FollowUp], owner_orgs: dict
) -> list[Action]:
    if not follow_ups:
        return []
    partnership = meeting.partnership
    # Lock the partnership so two people adding actions at once cannot take the same ref.
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    refs = all_refs(Action, partnership)
    reason = (
        f"Follow-up from the review meeting of {meeting.held_on:%-d %B %Y} ({meeting.period.label})"
    )
    actions = []
    for follow_up in follow_ups:
        ref = next_ref(refs, "A")
        refs.append(ref)
        action = Action(
            objective=follow_up.objective,
            ref=ref,
            title=follow_up.title.strip(),
            owner=follow_up.owner,
            # The organisation the owner represents here leads it, as in the plan.
            lead_organisation=owner_orgs[follow_up.owner.pk],
            start_date=meeting.held_on,
            due_date=follow_up.due_date,
            raised_at=meeting,
        )
        actions.append(save_audited(action, by=by, reason=reason))
    return actions


@transaction.atomic
def record_review(
    *,
    partnership: Partnership,
    by: User,
    period: Period,
    held_on: datetime.date,
    went_well: str = "",
    challenges: str = "",
    decisions: str = "",
    members: Iterable[User] = (),
    guests: Iterable[Guest] = (),
    follow_ups: Iterable[FollowUp] = (),
) -> ReviewMeeting:
    """Record a review meeting held for a quarter: who came (the partnership's people and
    people from outside), what went well, the challenges and the decisions. Each
    follow-up becomes an action in the approved plan with the next free reference. All of
    it is written, or (on any problem) none of it."""
    require(by, partnership, Need.CONTRIBUTE)
    members, guests, follow_ups = list(members), list(guests), list(follow_ups)
    member_orgs, owner_orgs = _check(
        partnership=partnership,
        period=period,
        held_on=held_on,
        members=members,
        guests=guests,
        follow_ups=follow_ups,
    )
    meeting = ReviewMeeting(
        partnership=partnership,
        period=period,
        held_on=held_on,
        went_well=went_well.strip(),
        challenges=challenges.strip(),
        decisions=decisions.strip(),
        created_by=by,
    )
    save_audited(meeting, by=by, reason="Review meeting recorded")
    _write_attendees(meeting, members, member_orgs, guests)
    _add_follow_ups(meeting, by, follow_ups, owner_orgs)
    return meeting


@transaction.atomic
def update_review(
    *,
    meeting: ReviewMeeting,
    by: User,
    period: Period,
    held_on: datetime.date,
    went_well: str = "",
    challenges: str = "",
    decisions: str = "",
    members: Iterable[User] = (),
    guests: Iterable[Guest] = (),
    follow_ups: Iterable[FollowUp] = (),
) -> ReviewMeeting:
    """Correct a meeting's record. The attendees are replaced by those given; new
    follow-ups are added as actions. Follow-ups already raised are actions in the plan
    now, kept and changed there, so they are left as they are."""
    require(by, meeting.partnership, Need.EDIT, meeting.created_by_id)
    members, guests, follow_ups = list(members), list(guests), list(follow_ups)
    member_orgs, owner_orgs = _check(
        partnership=meeting.partnership,
        period=period,
        held_on=held_on,
        members=members,
        guests=guests,
        follow_ups=follow_ups,
    )
    meeting.period = period
    meeting.held_on = held_on
    meeting.went_well = went_well.strip()
    meeting.challenges = challenges.strip()
    meeting.decisions = decisions.strip()
    save_audited(meeting, by=by, reason="Review meeting updated")
    meeting.attendees.all().delete()
    _write_attendees(meeting, members, member_orgs, guests)
    _add_follow_ups(meeting, by, follow_ups, owner_orgs)
    return meeting


# --- comments and feedback ----------------------------------------------------------------


def _text(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: message})
    return value


COMMENT_REFUSAL = (
    "Leads, members and the council performance team comment; as a viewer, "
    "give the lead your feedback instead."
)


@transaction.atomic
def add_comment(
    *, on: Commentable, by: User, body: str, addressed_to: User | None = None
) -> Comment:
    """A comment on an indicator, an action or a return. The comment is its own record
    (who, when, what) and is never edited. The person it is addressed to, and anyone it
    mentions by @username, is told — if they may see the partnership."""
    kind, partnership = comment_subject(on)
    if not may_comment(by, partnership):
        raise PermissionDenied(COMMENT_REFUSAL)
    if addressed_to is not None and not may_see(partnership).filter(pk=addressed_to.pk).exists():
        raise ValidationError(
            {"addressed_to": f"Choose someone who can see {partnership.name}'s comments"}
        )
    comment = Comment(
        partnership=partnership,
        author=by,
        addressed_to=addressed_to,
        body=_text(body, "body", "Enter your comment"),
        **{COMMENT_FIELD[kind]: on},
    )
    comment.save()
    _tell_about_comment(comment, kind, on, by)
    return comment


def _tell_about_comment(comment: Comment, kind: str, on: Commentable, by: User) -> None:
    if kind == "indicator":
        what = f"{on.code} {on.title}"
    elif kind == "action":
        what = f"action {on.ref} {on.title}"
    else:
        what = f"the {on.period.label} return"
    where = f"{what} ({comment.partnership.name})"
    url = reverse(f"{kind}_comment", args=[on.pk]) + "#comments"
    if comment.addressed_to is not None:
        notify(
            [comment.addressed_to],
            kind=NotificationKind.COMMENT,
            subject=f"{by} addressed a comment to you on {where}",
            body=comment.body,
            url=url,
            partnership=comment.partnership,
            exclude=by,
        )
    notify(
        # The person it is addressed to is told once, above.
        [p for p in mentioned(comment.body, comment.partnership) if p != comment.addressed_to],
        kind=NotificationKind.COMMENT,
        subject=f"{by} mentioned you in a comment on {where}",
        body=comment.body,
        url=url,
        partnership=comment.partnership,
        exclude=by,
    )


@transaction.atomic
def give_feedback(*, partnership: Partnership, by: User, body: str, about: str = "") -> Feedback:
    """Anyone who may see the partnership gives feedback: it is how viewers (stakeholders,
    residents' representatives) take part."""
    require(by, partnership, Need.VIEW)
    feedback = Feedback(
        partnership=partnership,
        author=by,
        about=about.strip(),
        body=_text(body, "body", "Enter your feedback"),
    )
    feedback.save()
    about = f" about {feedback.about}" if feedback.about else ""
    notify(
        leads_of(partnership),
        kind=NotificationKind.FEEDBACK_RECEIVED,
        subject=f"{by} gave {partnership.name} feedback{about}",
        body=feedback.body,
        url=reverse("feedback_answer", args=[feedback.pk]),
        partnership=partnership,
        exclude=by,
    )
    return feedback


ANSWER_REFUSAL = "Only the partnership's leads and the council performance team answer feedback."


@transaction.atomic
def answer_feedback(*, feedback: Feedback, by: User, answer: str) -> Feedback:
    """The answer of a lead or of the performance team. Answering again replaces it, with
    the new who and when; the person who gave the feedback is told."""
    require_open(feedback.partnership)
    if not may_answer_feedback(by, feedback.partnership):
        raise PermissionDenied(ANSWER_REFUSAL)
    feedback.answer = _text(answer, "answer", "Enter your answer")
    feedback.answered_by = by
    feedback.answered_at = timezone.now()
    feedback.save(update_fields=["answer", "answered_by", "answered_at"])
    notify(
        [feedback.author],
        kind=NotificationKind.FEEDBACK_ANSWERED,
        subject=f"{by} answered your feedback to {feedback.partnership.name}",
        body=feedback.answer,
        url=reverse("feedback_list", args=[feedback.partnership_id]),
        partnership=feedback.partnership,
        exclude=by,
    )
    return feedback
