"""One access helper per object type, called first in every view and endpoint. Each
returns the object or raises: Http404 when the person may not see the partnership at all
(never reveal that another partnership's objects exist), PermissionDenied (403) when they
may see it but not do what they asked. Deny by default. The services check again, first in
every write, with `require`, `require_owner` and `require_performance_team` (403 only: a
service is given objects already found).

What each role may do (DESIGN.md, "People"):
- VIEW: the council performance team, and every member of the partnership (any role);
- CONTRIBUTE: leads and members: draft new items they will own, comment;
- EDIT: leads, and members for the items they own;
- LEAD: the partnership's leads: approve, revise, submit.
"""

import enum
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import (
    Action,
    CorrectiveAction,
    Feedback,
    ImprovementPlan,
    Indicator,
    Lesson,
    Membership,
    Objective,
    Partnership,
    Plan,
    Return,
    ReviewMeeting,
    Risk,
    Role,
    StrategicPlan,
    SuccessStory,
    User,
)


class Need(enum.Enum):
    VIEW = "view"
    CONTRIBUTE = "contribute"
    EDIT = "edit"
    LEAD = "lead"


def role_in(user: User, partnership: Partnership) -> Role | None:
    """The person's role in the partnership, or None (the performance team has no
    role of its own there but sees everything)."""
    if not user.is_authenticated:
        return None
    cache = user.__dict__.setdefault("_roles", {})
    if partnership.pk not in cache:
        role = (
            Membership.objects.filter(partnership=partnership, person=user)
            .values_list("role", flat=True)
            .first()
        )
        cache[partnership.pk] = Role(role) if role else None
    return cache[partnership.pk]


def allows(user: User, partnership: Partnership, need: Need, owner_id: int | None = None) -> bool:
    """Whether the person may do `need` in the partnership; `owner_id` is the owner of
    the item in question, for EDIT."""
    if not user.is_authenticated or not user.is_active:
        return False
    role = role_in(user, partnership)
    if need is Need.VIEW:
        return role is not None or user.is_performance_team
    if partnership.is_closed:
        return False  # a closed partnership's record is read only, for everyone
    if need is Need.CONTRIBUTE:
        return role in (Role.LEAD, Role.MEMBER)
    if need is Need.EDIT:
        return role is Role.LEAD or (role is Role.MEMBER and owner_id == user.pk)
    return role is Role.LEAD


def check(user: User, partnership: Partnership, need: Need, owner_id: int | None = None) -> None:
    if not allows(user, partnership, Need.VIEW):
        raise Http404("Not found.")
    if need is not Need.VIEW:
        require_open(partnership)
    if not allows(user, partnership, need, owner_id):
        raise PermissionDenied(_REFUSALS[need])


def require(
    user: User,
    partnership: Partnership,
    need: Need,
    owner_id: int | None = None,
    *,
    refusal: str | None = None,
) -> None:
    """The services' check, first in every write: refuse (PermissionDenied, a 403 on a page
    and in the API) anyone who may not do `need` in the partnership, in the service's own
    words when it gives them, and any change to a closed partnership. Unlike the getters
    below it never answers 404: a service is called with objects already found."""
    if need is not Need.VIEW:
        require_open(partnership)
    if not allows(user, partnership, need, owner_id):
        raise PermissionDenied(refusal or _REFUSALS[need])


def require_performance_team(
    user: User,
    *,
    partnership: Partnership | None = None,
    refusal: str = "Only the council performance team does this.",
) -> None:
    """Refuse anyone outside the council performance team; given the partnership the
    change is to, refuse it too when that partnership is closed."""
    if not (user.is_authenticated and user.is_active and user.is_performance_team):
        raise PermissionDenied(refusal)
    if partnership is not None:
        require_open(partnership)


OWN_ITEMS = "You own the items you add; only the partnership's leads can give one to someone else."


def require_owner(user: User, partnership: Partnership, owner_id: int | None) -> None:
    """Members add and keep items they own (objectives, actions, indicators, risks); only
    a lead gives one to someone else, or to nobody. Called with the owner an item will
    have after the change, beside `require` for the one it has now."""
    require(user, partnership, Need.EDIT, owner_id, refusal=OWN_ITEMS)


def require_open(partnership: Partnership) -> None:
    """Nothing of a closed partnership changes, whoever asks: its record is kept as it
    was when it closed (the performance team can reopen it)."""
    if partnership.is_closed:
        raise PermissionDenied(
            f"{partnership.name} closed on {partnership.closed_on:%-d %B %Y}: its record is "
            "kept, read only."
        )


_REFUSALS = {
    Need.VIEW: "You cannot see this partnership.",
    Need.CONTRIBUTE: "Only the partnership's leads and members can do this.",
    Need.EDIT: "Only the partnership's leads, or the owner of this item, can change it.",
    Need.LEAD: "Only the partnership's lead link officer or leads can do this.",
}


M = TypeVar("M", bound=Model)


def _checked(
    obj: M, user: User, partnership: Partnership, need: Need, owner_id: int | None = None
) -> M:
    check(user, partnership, need, owner_id)
    return obj


def get_partnership_for_user(user: User, pk: int, need: Need = Need.VIEW) -> Partnership:
    partnership = get_object_or_404(
        Partnership.objects.select_related("lead_organisation", "lead_link_officer"), pk=pk
    )
    return _checked(partnership, user, partnership, need)


def get_plan_for_user(user: User, pk: int, need: Need = Need.VIEW) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("partnership"), pk=pk)
    return _checked(plan, user, plan.partnership, need)


def get_objective_for_user(user: User, pk: int, need: Need = Need.VIEW) -> Objective:
    objective = get_object_or_404(
        Objective.objects.select_related("plan__partnership", "owner"), pk=pk
    )
    return _checked(objective, user, objective.plan.partnership, need, objective.owner_id)


def get_action_for_user(user: User, pk: int, need: Need = Need.VIEW) -> Action:
    action = get_object_or_404(
        Action.objects.select_related("objective__plan__partnership", "owner"), pk=pk
    )
    return _checked(action, user, action.objective.plan.partnership, need, action.owner_id)


def get_indicator_for_user(user: User, pk: int, need: Need = Need.VIEW) -> Indicator:
    indicator = get_object_or_404(
        Indicator.objects.select_related("partnership", "owner", "owner_organisation"), pk=pk
    )
    return _checked(indicator, user, indicator.partnership, need, indicator.owner_id)


def get_risk_for_user(user: User, pk: int, need: Need = Need.VIEW) -> Risk:
    risk = get_object_or_404(Risk.objects.select_related("partnership", "owner"), pk=pk)
    return _checked(risk, user, risk.partnership, need, risk.owner_id)


def get_return_for_user(user: User, pk: int, need: Need = Need.VIEW) -> Return:
    ret = get_object_or_404(Return.objects.select_related("round", "partnership"), pk=pk)
    return _checked(ret, user, ret.partnership, need)


def get_lesson_for_user(user: User, pk: int, need: Need = Need.VIEW) -> Lesson:
    """EDIT is for the lesson's author (a lead or member) or a lead. A lesson shared with
    every partnership may be read by anyone signed in; an unshared one stays a 404 to
    people outside its partnership."""
    lesson = get_object_or_404(Lesson.objects.select_related("partnership", "created_by"), pk=pk)
    if (
        need is Need.VIEW
        and lesson.shared
        and user.is_authenticated
        and user.is_active
        and not allows(user, lesson.partnership, Need.VIEW)
    ):
        return lesson
    return _checked(lesson, user, lesson.partnership, need, lesson.created_by_id)


def get_story_for_user(user: User, pk: int, need: Need = Need.VIEW) -> SuccessStory:
    """Read by everyone in the partnership; EDIT is for its author or a lead (the
    performance team's rights are the services' to grant: services.success_stories)."""
    story = get_object_or_404(
        SuccessStory.objects.select_related("partnership", "created_by"), pk=pk
    )
    return _checked(story, user, story.partnership, need, story.created_by_id)


def get_improvement_for_user(user: User, pk: int, need: Need = Need.VIEW) -> ImprovementPlan:
    """The partnership of the plan's indicator decides; EDIT is for the indicator's owner
    or a lead."""
    plan = get_object_or_404(
        ImprovementPlan.objects.select_related(
            "indicator__partnership", "indicator__owner", "owner", "created_by"
        ),
        pk=pk,
    )
    return _checked(plan, user, plan.indicator.partnership, need, plan.indicator.owner_id)


def get_corrective_action_for_user(user: User, pk: int) -> CorrectiveAction:
    """Seen by everyone who sees the partnership of its return; who may track it is the
    service's question (services.corrective_actions.may_track)."""
    ca = get_object_or_404(
        CorrectiveAction.objects.select_related(
            "ret__partnership", "ret__round", "indicator", "owner", "closed_by"
        ),
        pk=pk,
    )
    return _checked(ca, user, ca.ret.partnership, Need.VIEW)


def get_meeting_for_user(user: User, pk: int, need: Need = Need.VIEW) -> ReviewMeeting:
    """EDIT is for the person who recorded the meeting, or a lead."""
    meeting = get_object_or_404(
        ReviewMeeting.objects.select_related("partnership", "created_by"), pk=pk
    )
    return _checked(meeting, user, meeting.partnership, need, meeting.created_by_id)


def get_feedback_for_user(user: User, pk: int, need: Need = Need.VIEW) -> Feedback:
    """Seen by everyone in the partnership's pages; who may answer it is
    `may_answer_feedback`'s question."""
    feedback = get_object_or_404(
        Feedback.objects.select_related("partnership", "author", "answered_by"), pk=pk
    )
    return _checked(feedback, user, feedback.partnership, need, feedback.author_id)


def get_strategic_plan_for_user(user: User, pk: int) -> StrategicPlan:
    """Strategic plans are the council's published high-level plans: anyone signed in
    may read them."""
    if not user.is_authenticated:
        raise Http404("Not found.")
    return get_object_or_404(StrategicPlan, pk=pk)


def may_preview(user: User, partnership: Partnership) -> bool:
    """A draft annual report is seen by the partnership's leads and members, and by the
    council performance team (for any partnership: it checks the report before the lead
    publishes it); viewers see what is published."""
    return allows(user, partnership, Need.CONTRIBUTE) or (
        allows(user, partnership, Need.VIEW) and user.is_performance_team
    )


def may_comment(user: User, partnership: Partnership) -> bool:
    """Leads, members and the council performance team comment (their challenge is part
    of the review); viewers are stakeholders and give feedback instead."""
    return allows(user, partnership, Need.CONTRIBUTE) or (
        allows(user, partnership, Need.VIEW) and user.is_performance_team
    )


def may_answer_feedback(user: User, partnership: Partnership) -> bool:
    """The partnership's leads answer feedback, and so does the council performance team
    (a stakeholder's question may be about how the council runs the cycle)."""
    return allows(user, partnership, Need.LEAD) or (
        user.is_authenticated
        and user.is_active
        and user.is_performance_team
        and not partnership.is_closed
    )


# --- benchmarking: comparator data is shared, so these go beyond one partnership ---------


def may_import_groups(user: User) -> bool:
    """Comparator groups are shared by every partnership: the performance team's alone."""
    return user.is_authenticated and user.is_active and user.is_performance_team


def may_import_comparators(user: User) -> bool:
    """The performance team, and anyone who leads a partnership."""
    if not user.is_authenticated or not user.is_active:
        return False
    return (
        user.is_performance_team or Membership.objects.filter(person=user, role=Role.LEAD).exists()
    )


def may_import_into(user: User, indicator: Indicator) -> bool:
    """Whether the person may import values for, and set the group of, this indicator."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_performance_team or allows(user, indicator.partnership, Need.LEAD)


# --- the admin ---------------------------------------------------------------------------


def may_grant_admin_rights(user: User) -> bool:
    """Only a superuser makes someone staff or superuser, or gives groups and permissions:
    otherwise anyone who may edit people could make themselves superuser."""
    return user.is_active and user.is_superuser


def may_change_person(by: User, person: User) -> bool:
    """A superuser's account (its password above all) is changed only by a superuser."""
    return may_grant_admin_rights(by) or not person.is_superuser
