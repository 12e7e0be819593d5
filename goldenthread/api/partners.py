"""The partnership side (issue 17), read only: each partner organisation's sign-up to a
plan, the partners' profiles, contributions from organisations outside the partnership,
and the yearly health checks. Who sees what is the pages': anyone who may see the
partnership (core.access), as on the plan, partners and health-check pages; another's is a
404. What is shown is core's reads, the pages' own: core.partners for the sign-up and the
contributions, core.health_check for the health checks, whose `results` keeps the anonymity
rule (figures only once a check has closed and at least three have answered). Nothing here
says who answered a health check, or what any one person said."""

import datetime
from decimal import Decimal
from typing import Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from goldenthread.core.access import get_partnership_for_user, get_plan_for_user
from goldenthread.core.health_check import health_check_rows, results, status_text
from goldenthread.core.models import (
    HealthCheck,
    OutsideContribution,
    PartnerDecisionDate,
    PartnerProfile,
    Partnership,
    Plan,
)
from goldenthread.core.partners import (
    SignUpLine,
    contributions_by_objective,
    partner_organisations,
    sign_up_status,
)
from goldenthread.core.reviews import approved_plan
from goldenthread.rules import health_check as questionnaire
from goldenthread.rules import year_label

from .common import Paged
from .filters import name_of
from .problems import READ_ERRORS

router = Router(tags=["Partners"])

PlanStatus = Literal["draft", "approved", "superseded"]
SignUpState = Literal["agreed", "agreed_with_comments", "concern", "not_yet"]
ContributionKind = Literal["money", "people", "data", "venues", "other"]
HealthCheckState = Literal["open", "closed"]
YEAR = "The financial year it starts: 2025 for 2025/26."


# --- the plan the answers and contributions are to -----------------------------------------


class PlanRef(Schema):
    id: int
    version: int
    title: str
    status: PlanStatus


class PlanChoice(Schema):
    plan: int | None = Field(
        None,
        description="This version of the partnership's plan (its id); the approved one if "
        "not given.",
    )


def _plan_of(request: HttpRequest, partnership: Partnership, plan_id: int | None) -> Plan | None:
    """The version asked for, if it is the partnership's (404 otherwise, as it would be on
    its own), or the approved one; None when there is none."""
    if plan_id is None:
        return approved_plan(partnership)
    plan = get_plan_for_user(request.user, plan_id)
    if plan.partnership_id != partnership.pk:
        raise Http404("That plan is not this partnership's.")
    plan.partnership = partnership  # with its lead organisation, loaded already
    return plan


# --- signing up to the plan ----------------------------------------------------------------


class SignUpOut(Schema):
    organisation_id: int
    organisation: str
    state: SignUpState = Field(description="not_yet: the organisation has not answered.")
    state_label: str = Field(description="As the plan page says it: 'Agreed, with comments'.")
    comment: str = Field(description="The comments, or the concern; '' for a plain agreement.")
    signed_by: str | None = Field(description="Who answered for the organisation.")
    signed_at: datetime.datetime | None

    @staticmethod
    def resolve_organisation_id(obj: SignUpLine) -> int:
        return obj.organisation.pk

    @staticmethod
    def resolve_organisation(obj: SignUpLine) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_state(obj: SignUpLine) -> str:
        return obj.sign_up.state if obj.sign_up else "not_yet"

    @staticmethod
    def resolve_comment(obj: SignUpLine) -> str:
        return obj.sign_up.comment if obj.sign_up else ""

    @staticmethod
    def resolve_signed_by(obj: SignUpLine) -> str | None:
        return name_of(obj.sign_up.signed_by) if obj.sign_up else None

    @staticmethod
    def resolve_signed_at(obj: SignUpLine) -> datetime.datetime | None:
        return obj.sign_up.signed_at if obj.sign_up else None


class SignUpsOut(Schema):
    partnership_id: int
    plan: PlanRef | None = Field(
        description="The version the answers are to; none if the partnership has no approved "
        "plan and none was asked for."
    )
    organisations: list[SignUpOut] = Field(
        description="Every partner organisation, A to Z, then any that answered but are no "
        "longer partners. Empty for a draft: partners sign up to an approved version."
    )


@router.get("/{int:partnership_id}/sign-ups", response={200: SignUpsOut, **READ_ERRORS})
def get_sign_ups(request: HttpRequest, partnership_id: int, filters: Query[PlanChoice]):
    """Each partner organisation's answer to the approved version of the plan (or to the
    version asked for): agreed, agreed with comments, a concern raised, or not yet."""
    partnership = get_partnership_for_user(request.user, partnership_id)
    plan = _plan_of(request, partnership, filters.plan)
    # As the plan page: a draft has no sign-up table.
    lines = sign_up_status(plan) if plan and plan.status != Plan.Status.DRAFT else []
    return {"partnership_id": partnership.pk, "plan": plan, "organisations": lines}


# --- partner profiles ----------------------------------------------------------------------


class DecisionDateOut(Schema):
    date: datetime.date
    what: str


class PartnerProfileOut(Schema):
    statutory_duties: str = Field(description="The duties the law places on it.")
    own_plans: str = Field(description="Its own plans and the targets it must meet.")
    planning_cycle: str = Field(description="When it plans and sets its budget.")
    board_decisions: str = Field(description="Decisions it needs from its own board.")
    decision_dates: list[DecisionDateOut] = Field(description="Oldest first.")
    capacity_year: int | None = Field(description="The year the capacity is for. " + YEAR)
    capacity_people: Decimal | None = Field(description="People, full-time equivalent.")
    capacity_money: Decimal | None = Field(description="Money it can commit, in pounds.")
    max_actions: int | None = Field(description="The most actions it can lead at once.")
    updated_by: str | None
    updated_at: datetime.datetime

    @staticmethod
    def resolve_decision_dates(obj: PartnerProfile) -> list[PartnerDecisionDate]:
        return list(obj.decision_dates.all())

    @staticmethod
    def resolve_updated_by(obj: PartnerProfile) -> str | None:
        return name_of(obj.updated_by)


class PartnerOut(Schema):
    organisation_id: int
    organisation: str
    profile: PartnerProfileOut | None = Field(description="None: no profile yet.")
    next_decision: DecisionDateOut | None = Field(
        description="The first of its decision dates from today."
    )


@router.get(
    "/{int:partnership_id}/partner-profiles", response={200: list[PartnerOut], **READ_ERRORS}
)
@paginate(Paged)
def list_partner_profiles(request: HttpRequest, partnership_id: int):
    """Each partner organisation, A to Z, with what drives it, its planning and budget
    timescales and decision dates, and what it says it can commit: the partners page."""
    partnership = get_partnership_for_user(request.user, partnership_id)
    profiles = {
        p.organisation_id: p
        for p in PartnerProfile.objects.filter(partnership=partnership)
        .select_related("updated_by")
        .prefetch_related("decision_dates")
    }
    today = timezone.localdate()
    rows = []
    for org in partner_organisations(partnership):
        profile = profiles.get(org.pk)
        dates = list(profile.decision_dates.all()) if profile else []
        rows.append(
            {
                "organisation_id": org.pk,
                "organisation": org.name,
                "profile": profile,
                "next_decision": next((d for d in dates if d.date >= today), None),
            }
        )
    return rows


# --- contributions from outside ------------------------------------------------------------


class ContributionOut(Schema):
    id: int
    organisation: str = Field(description="The organisation outside the partnership.")
    kind: ContributionKind
    description: str
    amount: Decimal | None = Field(description="In pounds; for money only.")
    year: int = Field(description=YEAR)
    year_label: str = Field(description="As councils write it: 2025/26.")

    @staticmethod
    def resolve_organisation(obj: OutsideContribution) -> str:
        return obj.organisation_name

    @staticmethod
    def resolve_year_label(obj: OutsideContribution) -> str:
        return year_label(obj.year)


class ObjectiveContributionsOut(Schema):
    objective_id: int
    ref: str
    title: str
    contributions: list[ContributionOut] = Field(description="By year and organisation.")


class ContributionsOut(Schema):
    partnership_id: int
    plan: PlanRef | None = Field(
        description="The version whose objectives these are; none if the partnership has no "
        "approved plan and none was asked for."
    )
    objectives: list[ObjectiveContributionsOut] = Field(description="In the plan's order.")


@router.get("/{int:partnership_id}/contributions", response={200: ContributionsOut, **READ_ERRORS})
def get_contributions(request: HttpRequest, partnership_id: int, filters: Query[PlanChoice]):
    """What organisations outside the partnership give to each objective of the approved
    plan (or of the version asked for): money, people, data, venues or other."""
    partnership = get_partnership_for_user(request.user, partnership_id)
    plan = _plan_of(request, partnership, filters.plan)
    objectives = list(plan.objectives.order_by("order", "ref", "pk")) if plan else []
    found = contributions_by_objective(objectives)
    return {
        "partnership_id": partnership.pk,
        "plan": plan,
        "objectives": [
            {
                "objective_id": o.pk,
                "ref": o.ref,
                "title": o.title,
                "contributions": found[o.pk],
            }
            for o in objectives
        ],
    }


# --- health checks -------------------------------------------------------------------------


class HealthCheckOut(Schema):
    id: int
    year: int = Field(description=YEAR)
    year_label: str
    state: HealthCheckState = Field(
        description="closed: closed by someone. One still 'open' past its closing date takes "
        "no more answers: see `closed`."
    )
    closed: bool = Field(description="Closed, or past its closing date: no more answers.")
    status: str = Field(description="As the page says it: 'Open until 31 March 2026'.")
    opens_on: datetime.date
    closes_on: datetime.date
    anonymous: bool = Field(description="Nobody, not even the database, can tell who answered.")
    answered: int = Field(description="How many have answered (never who).")


def _check_fields(check: HealthCheck, answered: int, today: datetime.date) -> dict:
    return {
        "id": check.pk,
        "year": check.year,
        "year_label": year_label(check.year),
        "state": check.state,
        "closed": check.is_closed(today),
        "status": status_text(check, today),
        "opens_on": check.opens_on,
        "closes_on": check.closes_on,
        "anonymous": check.anonymous,
        "answered": answered,
    }


@router.get(
    "/{int:partnership_id}/health-checks", response={200: list[HealthCheckOut], **READ_ERRORS}
)
@paginate(Paged)
def list_health_checks(request: HttpRequest, partnership_id: int):
    """The partnership's health checks, newest year first, with how many answered each.
    Each year's results are at /partnerships/{id}/health-checks/{year}."""
    partnership = get_partnership_for_user(request.user, partnership_id)
    today = timezone.localdate()
    rows = health_check_rows(partnership, today)
    return [_check_fields(row.health_check, row.answered, today) for row in rows]


class AnswerCount(Schema):
    answer: str = Field(description="Strongly agree … Strongly disagree, or Don't know.")
    count: int


class StatementResultOut(Schema):
    key: str
    text: str
    answers: int
    mean: float | None = Field(
        description="1 strongly disagree to 5 strongly agree, to 2 places; none if nobody "
        "gave a score (don't know is no score)."
    )
    spread: list[AnswerCount] = Field(description="How many gave each answer.")


class ThemeResultOut(Schema):
    key: str
    title: str
    answers: int = Field(description="Answers to all its statements together.")
    mean: float | None = Field(description="The mean of every score given to its statements.")
    agree: int
    disagree: int
    weak: bool = Field(description="Its mean is below 3: it needs attention.")
    last_year_mean: float | None = Field(
        description="Last year's mean, when last year's results may be shown too."
    )
    spread: list[AnswerCount]
    statements: list[StatementResultOut]


class HealthCheckResultsOut(HealthCheckOut):
    eligible: int = Field(description="How many may answer: the leads and members.")
    results_shown: bool = Field(
        description="Only once it has closed, and only if at least "
        f"{questionnaire.MIN_ANSWERS} answered, so nobody's answers can be told apart."
    )
    withheld: str = Field(description="Why there are no figures; '' when there are.")
    last_year: int | None = Field(description="The year compared with, if any.")
    themes: list[ThemeResultOut] = Field(description="Empty unless results_shown.")


def _mean(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _summary(summary: questionnaire.Summary) -> dict:
    return {
        "answers": summary.answers,
        "mean": _mean(summary.mean),
        "spread": [{"answer": label, "count": n} for label, n in summary.spread],
    }


@router.get(
    "/{int:partnership_id}/health-checks/{int:year}",
    response={200: HealthCheckResultsOut, **READ_ERRORS},
)
def get_health_check(request: HttpRequest, partnership_id: int, year: int):
    """One year's health check with its results by theme and statement, as its page shows
    them: the figures only once it has closed and at least three have answered; the count
    and why otherwise. No comments, and nothing about any one person's answers."""
    partnership = get_partnership_for_user(request.user, partnership_id)
    if not 1900 <= year <= 2999:
        raise Http404("No such financial year.")
    check = HealthCheck.objects.filter(partnership=partnership, year=year).first()
    if check is None:
        raise Http404("The partnership had no health check that year.")
    check.partnership = partnership
    today = timezone.localdate()
    found = results(check, today)  # the anonymity rule is here, as for the page
    themes = [
        {
            "key": row.theme.key,
            "title": row.theme.title,
            **_summary(row.summary),
            "agree": row.summary.agree,
            "disagree": row.summary.disagree,
            "weak": row.weak,
            "last_year_mean": _mean(row.last_year_mean),
            "statements": [
                {"key": s.statement.key, "text": s.statement.text, **_summary(s.summary)}
                for s in row.statements
            ],
        }
        for row in found.themes
    ]
    return {
        **_check_fields(check, found.answered, today),
        "eligible": found.eligible,
        "results_shown": found.shown,
        "withheld": found.withheld,
        "last_year": found.last_year.year if found.last_year else None,
        "themes": themes if found.shown else [],
    }
