"""The annual update form: the lead link officer saves drafts (the form is created on the
first save) and submits it; the council performance team accepts it or returns it with a
reason; a returned form is changed and submitted again. Every write checks who may make
it, runs in a transaction and is recorded in the history with who and why."""

from __future__ import annotations

from collections.abc import Mapping

from concurrency.exceptions import RecordModifiedError
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from goldenthread.core.access import Need, require, require_performance_team
from goldenthread.core.models import AnnualUpdateForm, NotificationKind, Partnership, User
from goldenthread.core.models.fields import TEXT
from goldenthread.rules import Requirement
from goldenthread.rules.inputs import text_problem

from . import financial_year, save_audited
from .notifications import leads_of, notify

TEXT_FIELDS = (
    "membership_changes",
    "governance_changes",
    "achievements",
    "challenges",
    "plan_status",
    "system_use",
    "finance_summary",
    "priorities",
)
# What must be written before the form can be submitted (the rest may say nothing changed).
REQUIRED_TO_SUBMIT = {
    "achievements": "Describe the year's achievements",
    "challenges": "Describe the year's challenges",
    "plan_status": "Say where the plan stands",
    "priorities": "Give the priorities for next year",
}
VIEWS = {"met": "Met", "partly": "Partly met", "not_met": "Not met"}
EDITABLE = (AnnualUpdateForm.Status.DRAFT, AnnualUpdateForm.Status.RETURNED)


class FormConflict(Exception):
    """Someone saved the form after this person opened it."""

    def __init__(self, form: AnnualUpdateForm):
        super().__init__("The form was changed by someone else.")
        self.form = form


READ_ONLY = "Only the lead link officer can submit; others may read."
DECIDE = "Only the council performance team accepts or returns the form."


def _ensure_editable(form: AnnualUpdateForm) -> None:
    if form.status not in EDITABLE:
        raise ValidationError(
            f"The form is {form.get_status_display().lower()}: it can change again only if "
            "the performance team returns it."
        )


def clean_self_assessment(
    entries: Mapping[str, Mapping[str, str]],
) -> dict[str, dict[str, str]]:
    """Keep only the five requirements and the known keys: the tracker's status and
    evidence when saved, the officer's view and comment."""
    cleaned, problems = {}, {}
    for requirement in Requirement:
        entry = entries.get(requirement.value) or {}
        view = entry.get("view") or ""
        comment = str(entry.get("comment") or "").strip()
        if problem := text_problem(comment, TEXT):
            problems[f"sa_{requirement.value}_comment"] = problem
        cleaned[requirement.value] = {
            "tracker": str(entry.get("tracker") or ""),
            "evidence": str(entry.get("evidence") or ""),
            "view": view if view in VIEWS else "",
            "comment": comment,
        }
    if problems:
        raise ValidationError(problems)
    return cleaned


@transaction.atomic
def save_update_form(
    *,
    partnership: Partnership,
    year: int,
    by: User,
    version: int | None,
    answers: Mapping[str, str],
    self_assessment: Mapping[str, Mapping[str, str]],
) -> AnnualUpdateForm:
    """Save the form as a draft, whatever state its answers are in: nothing typed is lost.
    `version` is the form's version when the page was opened (None for a new form); if
    someone saved since, or the form exists and no version was given, nothing is written
    and FormConflict carries the saved form."""
    require(by, partnership, Need.LEAD, refusal=READ_ONLY)
    financial_year(year)
    form = (
        AnnualUpdateForm.objects.select_for_update()
        .filter(partnership=partnership, year=year)
        .first()
    )
    created = form is None
    if created:
        form = AnnualUpdateForm(partnership=partnership, year=year)
    else:
        _ensure_editable(form)
        if version is None:
            # Opened before anyone had saved it, or sent without its version: either way
            # this could overwrite what was saved since, unseen.
            raise FormConflict(form)
        form.version = version
    for name in TEXT_FIELDS:
        if name in answers:
            setattr(form, name, (answers[name] or "").strip())
    form.self_assessment = clean_self_assessment(self_assessment)
    form._history_user = by
    form._change_reason = "Started the form" if created else "Saved a draft"
    try:
        with transaction.atomic():
            form.save()
    except RecordModifiedError as error:
        raise FormConflict(AnnualUpdateForm.objects.get(pk=form.pk)) from error
    except IntegrityError as error:  # someone else started the same year's form just now
        if not created:
            raise
        raise FormConflict(
            AnnualUpdateForm.objects.get(partnership=partnership, year=year)
        ) from error
    return form


def submission_problems(form: AnnualUpdateForm) -> dict[str, str]:
    """Field name → what is missing before the form can be submitted."""
    problems = {
        name: message
        for name, message in REQUIRED_TO_SUBMIT.items()
        if not getattr(form, name).strip()
    }
    for requirement in Requirement:
        entry = (form.self_assessment or {}).get(requirement.value) or {}
        if entry.get("view") not in VIEWS:
            problems[f"sa_{requirement.value}_view"] = (
                f"Give your view on “{requirement.label}”: met, partly met or not met"
            )
    return problems


@transaction.atomic
def submit_update_form(*, form: AnnualUpdateForm, by: User) -> AnnualUpdateForm:
    """Submit (or resubmit, after a return) the saved form to the performance team."""
    require(by, form.partnership, Need.LEAD, refusal=READ_ONLY)
    _ensure_editable(form)
    problems = submission_problems(form)
    if problems:
        raise ValidationError(problems)
    resubmitted = form.status == AnnualUpdateForm.Status.RETURNED
    form.status = AnnualUpdateForm.Status.SUBMITTED
    form.submitted_by, form.submitted_at = by, timezone.now()
    form.decided_by, form.decided_at = None, None
    return save_audited(form, by=by, reason="Resubmitted" if resubmitted else "Submitted")


def _ensure_submitted(form: AnnualUpdateForm) -> None:
    if form.status != AnnualUpdateForm.Status.SUBMITTED:
        raise ValidationError(
            f"The form is {form.get_status_display().lower()}: only a submitted form can be "
            "accepted or returned."
        )


@transaction.atomic
def accept_update_form(*, form: AnnualUpdateForm, by: User) -> AnnualUpdateForm:
    require_performance_team(by, partnership=form.partnership, refusal=DECIDE)
    _ensure_submitted(form)
    form.status = AnnualUpdateForm.Status.ACCEPTED
    form.decided_by, form.decided_at, form.returned_reason = by, timezone.now(), ""
    save_audited(form, by=by, reason="Accepted")
    _tell_partnership(
        form,
        by,
        NotificationKind.FORM_ACCEPTED,
        f"The {_form_name(form)} was accepted",
        f"Accepted by {by} of the council performance team.",
    )
    return form


@transaction.atomic
def return_update_form(*, form: AnnualUpdateForm, by: User, reason: str) -> AnnualUpdateForm:
    require_performance_team(by, partnership=form.partnership, refusal=DECIDE)
    _ensure_submitted(form)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say what needs to change, so it can be put right"})
    form.status = AnnualUpdateForm.Status.RETURNED
    form.decided_by, form.decided_at, form.returned_reason = by, timezone.now(), reason
    save_audited(form, by=by, reason=f"Returned: {reason}")
    _tell_partnership(
        form,
        by,
        NotificationKind.FORM_RETURNED,
        f"The {_form_name(form)} was sent back for changes",
        f"What needs to change, from {by} of the council performance team:\n{reason}",
    )
    return form


def _form_name(form: AnnualUpdateForm) -> str:
    return f"{form.partnership.name} annual update form for {financial_year(form.year).label}"


def _tell_partnership(form: AnnualUpdateForm, by: User, kind: str, subject: str, body: str) -> None:
    """The decision goes to the partnership's leads and whoever submitted the form."""
    notify(
        [*leads_of(form.partnership), form.submitted_by],
        kind=kind,
        subject=subject,
        body=body,
        url=reverse("update_form", args=[form.partnership_id, form.year]),
        partnership=form.partnership,
        exclude=by,
    )
