"""Writes of the yearly partnership health check (issue 17): opening one for a year,
answering it, closing it, and adding an action to the plan from one of its themes.

Decisions the issue leaves open, made here:
- the partnership's leads and the council performance team open and close a health check;
  one per partnership per financial year; it opens today and closes at the end of the
  closing date (within 90 days), or earlier when closed;
- leads and members answer (viewers are stakeholders: they give feedback instead), once:
  an answer is final, because changing it would mean finding a person's answers again and
  showing them back, which an anonymous health check must never do;
- anonymous by default: the response keeps a keyed hash of who answered, not who, and has
  no history row (a history row names its writer). A health check that is not anonymous
  keeps the person too, for the partnership to follow up;
- an action from a theme goes into the approved plan (the plan being delivered), as a
  review meeting's follow-ups do (services.reviews), by one of the leads, once the results
  are shown.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from goldenthread.core.access import Need, require, require_open
from goldenthread.core.health_check import (
    ANSWERING_ROLES,
    may_raise_action,
    may_run,
    results,
)
from goldenthread.core.models import (
    Action,
    HealthCheck,
    HealthCheckAction,
    HealthCheckAnswer,
    HealthCheckComment,
    HealthCheckResponse,
    NotificationKind,
    Objective,
    Partnership,
    User,
)
from goldenthread.core.models.fields import TEXT
from goldenthread.core.models.health_check import respondent_key_for
from goldenthread.core.reviews import approved_plan
from goldenthread.rules import financial_year_of, year_label
from goldenthread.rules import health_check as questionnaire
from goldenthread.rules.inputs import text_problem

from . import financial_year, save_audited
from .notifications import notify
from .plans import all_refs, next_ref

MAX_OPEN_DAYS = 90

RUN = "Only the partnership's leads and the council performance team run its health check."
ANSWER = "Only the partnership's leads and members answer its health check."
RAISE = "Only the partnership's leads add actions to its plan from the health check."


def _require_run(by: User, partnership: Partnership) -> None:
    require_open(partnership)
    if not may_run(by, partnership):
        raise PermissionDenied(RUN)


@transaction.atomic
def open_health_check(
    *,
    partnership: Partnership,
    by: User,
    year: int,
    closes_on: datetime.date,
    anonymous: bool = True,
    today: datetime.date | None = None,
) -> HealthCheck:
    """Open the health check of a financial year (this one or the one just ended) from
    today, and tell the partnership's leads and members it is waiting for their answers."""
    _require_run(by, partnership)
    today = today or timezone.localdate()
    financial_year(year)
    this_year = financial_year_of(today)
    problems: dict[str, str] = {}
    if year not in (this_year, this_year - 1):
        problems["year"] = (
            f"Choose {year_label(this_year)} or {year_label(this_year - 1)}: a health check "
            "is of this financial year or the one just ended"
        )
    elif HealthCheck.objects.filter(partnership=partnership, year=year).exists():
        problems["year"] = f"{partnership.name} already has a health check for {year_label(year)}"
    if closes_on <= today:
        problems["closes_on"] = "Enter a closing date after today"
    elif closes_on > today + datetime.timedelta(days=MAX_OPEN_DAYS):
        problems["closes_on"] = f"Enter a closing date within {MAX_OPEN_DAYS} days of today"
    if problems:
        raise ValidationError(problems)
    health_check = HealthCheck(
        partnership=partnership,
        year=year,
        version=questionnaire.VERSION,
        opens_on=today,
        closes_on=closes_on,
        anonymous=anonymous,
        opened_by=by,
    )
    try:
        with transaction.atomic():
            save_audited(health_check, by=by, reason="Health check opened")
    except IntegrityError as error:  # someone opened the same year's just now
        raise ValidationError(
            {"year": f"{partnership.name} already has a health check for {year_label(year)}"}
        ) from error
    answering = partnership.memberships.filter(role__in=ANSWERING_ROLES).select_related("person")
    notify(
        [m.person for m in answering.order_by("pk")],
        kind=NotificationKind.HEALTH_CHECK_OPENED,
        subject=f"The {partnership.name} health check for {year_label(year)} is open",
        body=(
            f"Please answer the partnership health check by {closes_on:%-d %B %Y}: fourteen "
            "statements about how the partnership works, five minutes. "
            + (
                "It is anonymous: nobody can see what you answered."
                if anonymous
                else "It is not anonymous: the partnership's leads can see who answered what."
            )
        ),
        url=reverse("health_check_answer", args=[health_check.pk]),
        partnership=partnership,
        key=f"health-check-{health_check.pk}",
        exclude=by,
    )
    return health_check


def clean_answers(
    answers: Mapping[str, int | None], comments: Mapping[str, str]
) -> tuple[dict[str, int | None], dict[str, str]]:
    """Every statement answered (a score on the scale, or None for don't know) and each
    comment within its limit; otherwise a ValidationError naming each statement or theme."""
    problems: dict[str, str] = {}
    cleaned: dict[str, int | None] = {}
    for key, statement in questionnaire.STATEMENTS.items():
        if key not in answers:
            problems[key] = f"Answer “{statement.text}”, or choose “don't know”"
            continue
        score = answers[key]
        on_scale = type(score) is int and score in questionnaire.SCALE
        if score is not None and not on_scale:
            problems[key] = "Choose one of the answers given"
            continue
        cleaned[key] = score
    texts: dict[str, str] = {}
    for key, text in comments.items():
        text = (text or "").strip()
        if key not in questionnaire.THEME_KEYS:
            continue
        if text and (problem := text_problem(text, TEXT)):
            problems[f"comment_{key}"] = problem
        elif text:
            texts[key] = text
    if problems:
        raise ValidationError(problems)
    return cleaned, texts


@transaction.atomic
def answer_health_check(
    *,
    health_check: HealthCheck,
    by: User,
    answers: Mapping[str, int | None],
    comments: Mapping[str, str] | None = None,
    today: datetime.date | None = None,
) -> None:
    """Record one person's answers, once, while the health check is open. Returns nothing:
    not even the caller gets a handle on a response (an anonymous one is nobody's)."""
    partnership = health_check.partnership
    require(by, partnership, Need.CONTRIBUTE, refusal=ANSWER)
    today = today or timezone.localdate()
    if not health_check.is_open(today):
        raise ValidationError(
            f"The health check for {year_label(health_check.year)} is closed: answers are no "
            "longer taken."
        )
    cleaned, texts = clean_answers(answers, comments or {})
    key = respondent_key_for(health_check.pk, by.pk)
    if HealthCheckResponse.objects.filter(health_check=health_check, respondent_key=key).exists():
        raise ValidationError("You have already answered this health check.")
    response = HealthCheckResponse(
        health_check=health_check,
        respondent_key=key,
        respondent=None if health_check.anonymous else by,
    )
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError as error:  # the same person's other tab, at the same moment
        raise ValidationError("You have already answered this health check.") from error
    HealthCheckAnswer.objects.bulk_create(
        [
            HealthCheckAnswer(response=response, statement=key, score=score)
            for key, score in cleaned.items()
        ]
    )
    for theme_key, text in texts.items():
        HealthCheckComment(response=response, theme=theme_key, text=text).save()


@transaction.atomic
def close_health_check(*, health_check: HealthCheck, by: User) -> HealthCheck:
    """Close it before its closing date: answers stop and the results (if at least three
    answered) are shown."""
    _require_run(by, health_check.partnership)
    if health_check.state == HealthCheck.State.CLOSED:
        raise ValidationError("The health check is already closed.")
    health_check.state = HealthCheck.State.CLOSED
    health_check.closed_by, health_check.closed_at = by, timezone.now()
    return save_audited(health_check, by=by, reason="Health check closed")


@transaction.atomic
def raise_health_check_action(
    *,
    health_check: HealthCheck,
    theme: str,
    by: User,
    title: str,
    objective: Objective,
    owner: User,
    due_date: datetime.date,
    today: datetime.date | None = None,
) -> Action:
    """Add an action to the approved plan from a theme of the health check ("revising the
    cultural aspects of the partnership"), kept linked to the health check and its theme.
    The results must be shown (closed, and enough answers): an action is raised from them."""
    partnership = health_check.partnership
    require_open(partnership)
    if not may_raise_action(by, partnership):
        raise PermissionDenied(RAISE)
    today = today or timezone.localdate()
    found = questionnaire.theme(theme)
    problems: dict[str, str] = {}
    if found is None:
        problems["theme"] = "Choose a theme of the health check"
    if not results(health_check, today).shown:
        raise ValidationError(
            "The health check's results are not shown yet, so no action can be raised from them."
        )
    title = (title or "").strip()
    if not title:
        problems["title"] = "Enter what the action is"
    elif problem := text_problem(title, 300):
        problems["title"] = problem
    plan = approved_plan(partnership)
    if plan is None:
        raise ValidationError(
            "This partnership has no approved plan yet, so the action cannot be added to it."
        )
    if objective.plan_id != plan.pk:
        problems["objective"] = "Choose an objective of the approved plan"
    membership = partnership.memberships.filter(person=owner, role__in=ANSWERING_ROLES).first()
    if membership is None:
        problems["owner"] = "Choose a lead or member of this partnership to own it"
    if due_date <= today:
        problems["due_date"] = "Enter a due date after today"
    if problems:
        raise ValidationError(problems)
    # Lock the partnership so two people adding actions at once cannot take the same ref.
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    reason = f"From the {year_label(health_check.year)} health check: {found.title}"
    action = Action(
        objective=objective,
        ref=next_ref(all_refs(Action, partnership), "A"),
        title=title,
        owner=owner,
        lead_organisation=membership.organisation,
        start_date=today,
        due_date=due_date,
    )
    save_audited(action, by=by, reason=reason)
    save_audited(
        HealthCheckAction(health_check=health_check, theme=found.key, action=action, created_by=by),
        by=by,
        reason=reason,
    )
    return action
