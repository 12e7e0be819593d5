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
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from goldenthread.core import audit
from goldenthread.core.access import Need, require
from goldenthread.core.annual_report import (
    COMMENTARY_REASON,
    AnnualReportContent,
    annual_report_content,
)
from goldenthread.core.models import AnnualReport, Indicator, Partnership, User
from goldenthread.rules import long_date, year_label

from . import financial_year, save_audited
from .jobs import store_file

# What publishing asks its caller for: the published edition's PDF and Word file, made
# from its content (goldenthread.documents.annual_report.annual_report_files). The domain
# does not draw files itself; it stores the ones it is given with the content they show.
Render = Callable[[AnnualReportContent], tuple[bytes, bytes]]


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


# --- why a write would be refused: the services raise these, and the pages show them ---


def commentary_refusal(partnership: Partnership, year: int) -> str | None:
    """Why the year's commentary cannot be written now, or None."""
    if draft_of(partnership, year) is None and _published(partnership, year).exists():
        return (
            f"The {year_label(year)} report is published and does not change. To change it, "
            "start a correction: that makes a new edition."
        )
    return None


def publish_refusal(partnership: Partnership, year: int, today: datetime.date) -> str | None:
    """Why the year's report cannot be published on `today`, or None."""
    fy = financial_year(year)
    if today <= fy.end:
        return (
            f"The {fy.label} report can be published once the year has ended, "
            f"after {long_date(fy.end)}."
        )
    draft = draft_of(partnership, year)
    if draft is None and _published(partnership, year).exists():
        return f"The {fy.label} report is already published. To change it, start a correction."
    if draft is None or not draft.commentary.strip():
        return (
            "Add your commentary before publishing: the report needs the lead link "
            "officer's view of the year."
        )
    return None


def correction_refusal(partnership: Partnership, year: int) -> str | None:
    """Why a correction of the year's report cannot be started now, or None."""
    fy = financial_year(year)
    if not _published(partnership, year).exists():
        return f"Nothing is published for {fy.label} yet: change the draft and publish it."
    draft = draft_of(partnership, year)
    if draft is not None:
        return (
            f"Edition {draft.edition} of the {fy.label} report is already being drafted: "
            "carry on with it."
        )
    return None


def _refuse(refusal: str | None) -> None:
    if refusal:
        raise ValidationError(refusal)


# --- writes -----------------------------------------------------------------------------


@transaction.atomic
def save_commentary(
    *, partnership: Partnership, year: int, commentary: str, by: User
) -> AnnualReport:
    """Write the lead link officer's commentary into the year's draft, starting the draft
    (edition 1) if there is none yet. A published year needs a correction first."""
    require(
        by,
        partnership,
        Need.LEAD,
        refusal=(
            "Only the partnership's lead link officer or leads write the annual report's "
            "commentary."
        ),
    )
    financial_year(year)
    # Serialise with other writes to this partnership's reports.
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    _refuse(commentary_refusal(partnership, year))
    draft = draft_of(partnership, year) or _new_draft(partnership, year, by)
    draft.commentary = commentary.strip()
    return save_audited(draft, by=by, reason=COMMENTARY_REASON)


@transaction.atomic
def publish_report(
    *,
    partnership: Partnership,
    year: int,
    by: User,
    render: Render,
    today: datetime.date | None = None,
) -> AnnualReport:
    """Freeze the year's draft: store its content and the PDF and Word file that `render`
    makes of it (the files in Django's storage), and mark it published. From then on it is
    shown from what was stored. Run by a background job (goldenthread.tasks.publishing).

    Publishing is the one write that stores documents: the snapshot and both files must be
    made from the same content, in the same transaction as the status change."""
    require(
        by,
        partnership,
        Need.LEAD,
        refusal="Only the partnership's lead link officer or leads publish the annual report.",
    )
    financial_year(year)
    today = today or timezone.localdate()
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    _refuse(publish_refusal(partnership, year, today))
    draft = draft_of(partnership, year)
    content = annual_report_content(
        partnership, year, today=today, report=draft, published_on=today
    )
    draft.snapshot = content.to_snapshot()
    pdf, docx = render(content)
    # Files in storage (shared by every app server), named by edition: publishing again
    # after an attempt that died overwrites what it left.
    store_file(draft.pdf, f"edition-{draft.edition}.pdf", pdf)
    store_file(draft.docx, f"edition-{draft.edition}.docx", docx)
    draft.status = AnnualReport.Status.PUBLISHED
    draft.published_by = by
    draft.published_at = timezone.now()
    return save_audited(draft, by=by, reason=f"Edition {draft.edition} published")


@transaction.atomic
def start_correction(*, partnership: Partnership, year: int, note: str, by: User) -> AnnualReport:
    """Start a new draft edition of a published year's report, saying what it corrects.
    The commentary is carried over from the latest edition, to be edited."""
    require(
        by,
        partnership,
        Need.LEAD,
        refusal="Only the partnership's lead link officer or leads correct the annual report.",
    )
    financial_year(year)
    if not note.strip():
        raise ValidationError({"note": "Say what the new edition corrects"})
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    _refuse(correction_refusal(partnership, year))
    latest = _published(partnership, year).order_by("-edition").first()
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
    require(
        by,
        partnership,
        Need.LEAD,
        refusal="Only the partnership's lead link officer or leads choose what is published.",
    )
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
            default_change_reason=audit.reason("Public page: indicators chosen"),
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
