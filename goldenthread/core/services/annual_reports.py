"""Writes for the annual performance summary report and for publishing to the public.

A year's report goes draft → published. The lead link officer (or another lead) adds
their commentary to the draft and publishes it; publishing freezes it: the content is
stored as a snapshot with the PDF and Word files made from it, and none of them changes
again. A correction is a new edition: a new draft (with a note of what it corrects) that,
once published, is the year's report; earlier editions stay available, superseded.

Publishing to the public is two choices a lead makes: whether the partnership has a public
page, and which indicators it shows. Published reports appear there once it has one.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from goldenthread.core.access import Need, allows
from goldenthread.core.models import AnnualReport, Indicator, Partnership, User
from goldenthread.rules import Frequency, Period, PeriodError, year_label

from . import save_audited

# The history entry's reason when the commentary is saved: the report reads it back to say
# who wrote the commentary.
COMMENTARY_REASON = "Annual report commentary saved"


def _require_lead(partnership: Partnership, by: User, what: str) -> None:
    if not allows(by, partnership, Need.LEAD):
        raise PermissionDenied(f"Only the partnership's lead link officer or leads {what}.")


def _check_year(year: int) -> Period:
    try:
        return Period(Frequency.ANNUAL, year, 1)
    except PeriodError as error:
        raise ValidationError({"year": str(error)}) from None


def draft_of(partnership: Partnership, year: int) -> AnnualReport | None:
    return AnnualReport.objects.filter(
        partnership=partnership, year=year, status=AnnualReport.Status.DRAFT
    ).first()


def _published(partnership: Partnership, year: int):
    return AnnualReport.objects.filter(
        partnership=partnership, year=year, status=AnnualReport.Status.PUBLISHED
    )


def _new_draft(partnership: Partnership, year: int, by: User, **fields) -> AnnualReport:
    last = AnnualReport.objects.filter(partnership=partnership, year=year).aggregate(
        n=Max("edition")
    )["n"]
    return save_audited(
        AnnualReport(partnership=partnership, year=year, edition=(last or 0) + 1, **fields),
        by=by,
        reason=f"Edition {(last or 0) + 1} of the {year_label(year)} report started",
    )


@transaction.atomic
def save_commentary(
    *, partnership: Partnership, year: int, commentary: str, by: User
) -> AnnualReport:
    """Write the lead link officer's commentary into the year's draft, starting the draft
    (edition 1) if there is none yet. A published year needs a correction first."""
    _require_lead(partnership, by, "write the annual report's commentary")
    _check_year(year)
    # Serialise with other writes to this partnership's reports.
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    draft = draft_of(partnership, year)
    if draft is None:
        if _published(partnership, year).exists():
            raise ValidationError(
                f"The {year_label(year)} report is published and does not change. To change "
                "it, start a correction: that makes a new edition."
            )
        draft = _new_draft(partnership, year, by)
    draft.commentary = commentary.strip()
    return save_audited(draft, by=by, reason=COMMENTARY_REASON)


@transaction.atomic
def publish_report(
    *, partnership: Partnership, year: int, by: User, today: datetime.date | None = None
) -> AnnualReport:
    """Freeze the year's draft: store its content and its PDF and Word files, and mark it
    published. From then on it is shown from what was stored."""
    _require_lead(partnership, by, "publish the annual report")
    fy = _check_year(year)
    today = today or timezone.localdate()
    if today <= fy.end:
        raise ValidationError(
            f"The {fy.label} report can be published once the year has ended, "
            f"after {fy.end:%-d %B %Y}."
        )
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    draft = draft_of(partnership, year)
    if draft is None:
        if _published(partnership, year).exists():
            raise ValidationError(
                f"The {fy.label} report is already published. To change it, start a correction."
            )
        raise ValidationError(
            "Add your commentary before publishing: the report needs the lead link "
            "officer's view of the year."
        )
    if not draft.commentary.strip():
        raise ValidationError(
            "Add your commentary before publishing: the report needs the lead link "
            "officer's view of the year."
        )
    # Publishing is the one write that renders documents: the snapshot, the PDF and the
    # Word file must be made from the same content in the same transaction as the status
    # change, so the service calls the document layer here (imported late: documents
    # imports core, not the other way round at import time).
    from goldenthread.documents.annual_report import (
        annual_report_content,
        annual_report_docx,
        annual_report_pdf,
    )

    content = annual_report_content(
        partnership, year, today=today, report=draft, published_on=today
    )
    draft.snapshot = content.to_snapshot()
    draft.pdf = annual_report_pdf(content)
    draft.docx = annual_report_docx(content)
    draft.status = AnnualReport.Status.PUBLISHED
    draft.published_by = by
    draft.published_at = timezone.now()
    return save_audited(draft, by=by, reason=f"Edition {draft.edition} published")


@transaction.atomic
def start_correction(*, partnership: Partnership, year: int, note: str, by: User) -> AnnualReport:
    """Start a new draft edition of a published year's report, saying what it corrects.
    The commentary is carried over from the latest edition, to be edited."""
    _require_lead(partnership, by, "correct the annual report")
    fy = _check_year(year)
    if not note.strip():
        raise ValidationError({"note": "Say what the new edition corrects"})
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    latest = _published(partnership, year).order_by("-edition").first()
    if latest is None:
        raise ValidationError(
            f"Nothing is published for {fy.label} yet: change the draft and publish it."
        )
    if draft_of(partnership, year) is not None:
        raise ValidationError(
            f"A new edition of the {fy.label} report is already being drafted: carry on with it."
        )
    return _new_draft(
        partnership, year, by, commentary=latest.commentary, correction_note=note.strip()
    )


@transaction.atomic
def set_publishing(
    *,
    partnership: Partnership,
    is_public: bool,
    published_indicator_ids: Iterable[int],
    by: User,
) -> int:
    """Choose whether the partnership has a public page and which of its indicators it
    shows there. Returns how many things changed; unchanged ones write no history."""
    _require_lead(partnership, by, "choose what is published")
    wanted = set(published_indicator_ids)
    indicators = list(Indicator.objects.filter(partnership=partnership))
    unknown = wanted - {i.pk for i in indicators}
    if unknown:
        raise ValidationError("Choose indicators of this partnership only.")
    changed = [i for i in indicators if i.is_published != (i.pk in wanted)]
    for indicator in changed:
        indicator.is_published = indicator.pk in wanted
    if changed:
        bulk_update_with_history(
            changed,
            Indicator,
            ["is_published"],
            default_user=by,
            default_change_reason="Public page: indicators chosen",
        )
    count = len(changed)
    if partnership.is_public != is_public:
        partnership.is_public = is_public
        save_audited(
            partnership,
            by=by,
            reason="Public page turned on" if is_public else "Public page turned off",
        )
        count += 1
    return count
