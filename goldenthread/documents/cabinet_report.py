"""The quarterly Cabinet report as files: a tagged PDF (WeasyPrint, from
documents/cabinet_report.html, whose body the web page shares) and a Word file, both
drawn from goldenthread.core.cabinet_report's read, so they say what the web page says.
Tables repeat their header row on every page in both."""

from __future__ import annotations

from goldenthread.core.cabinet_report import (
    CabinetReport,
    IndicatorException,
    PartnershipSection,
)

from . import word
from .pdf import render_pdf

DEMO_NOTICE = (
    "Demonstration data. The partnerships, plans, actions, owners and targets are "
    "illustrative, made up to show how Golden Thread works; the results are real published "
    "statistics for Trafford (Trafford Data Lab, Open Government Licence v3.0)."
)
METHOD = (
    "Only returns signed off by the council performance team are reported. Each indicator "
    "is judged against its target by its own rule: a quarterly indicator by the quarter, a "
    "monthly one by the quarter's last month, an annual one by the latest financial year "
    "ended. Red, amber, green is the order from worst to best; grey means no result or no "
    "target. A partnership's overall status is the worst of its indicators and actions, as "
    "for an objective on the council view: any red indicator, or any action off track or "
    "overdue, makes it off track. A new exception was not red (or not off track) the quarter "
    "before; a resolved one was, and is not now."
)


def cabinet_report_pdf(doc: CabinetReport) -> bytes:
    return render_pdf("documents/cabinet_report.html", {"doc": doc})


def _counts(section: PartnershipSection) -> str:
    return ", ".join(f"{count} {rag.label.lower()}" for rag, count in section.rag_items)


def _corrective_text(exception: IndicatorException) -> str:
    if not exception.corrective:
        return "None recorded."
    lines = []
    for c in exception.corrective:
        if c.new:
            state = "Set this quarter."
        else:
            state = f"Set in {c.set_in}; {c.status.lower()}" + (
                f": {c.progress}" if c.progress else "."
            )
        lines.append(f"{c.description} ({c.who_and_when}). {state}")
    return "\n".join(lines)


def cabinet_report_docx(doc: CabinetReport) -> bytes:
    """The report as a Word file: the same sections, in the same order, under real
    headings, with tables whose header row repeats on every page."""
    document = word.new_document(
        title=doc.title,
        author="Council performance team",
        subject=f"Partnership performance, {doc.quarter.label}",
    )
    word.running_header(document, doc.title)
    word.page_number_footer(document)

    word.paragraph(document, "Council performance team", style="Subtitle")
    word.heading(document, doc.title, 1)
    word.paragraph(document, f"Produced on {doc.produced_on:%-d %B %Y}, for Cabinet and scrutiny.")
    if doc.is_demo:
        word.paragraph(document, DEMO_NOTICE, italic=True)

    word.heading(document, "Summary", 2)
    word.paragraph(document, doc.summary)
    if doc.signed_off:
        totals = ", ".join(f"{count} {rag.label.lower()}" for rag, count in doc.rag_totals)
        word.paragraph(document, f"Indicators across the signed-off partnerships: {totals}.")
        word.table(
            document,
            caption=f"Each partnership's overall status and indicators, {doc.quarter.label}",
            headers=[
                "Partnership",
                "Overall status",
                *(rag.label for rag, _ in doc.rag_totals),
                "Exceptions",
            ],
            rows=[
                [
                    p.name,
                    p.status.label if p.status else "",
                    *[str(count) for _, count in p.rag_items],
                    str(p.exception_count),
                ]
                for p in doc.signed_off
            ],
            numeric_from=2,
            widths=[4, 2, 1, 1, 1, 1, 1.4],
        )
    if doc.not_signed_off:
        names = ", ".join(p.name for p in doc.not_signed_off)
        word.paragraph(
            document, f"Not yet signed off, so not reported: {names} (see Not yet signed off)."
        )

    word.heading(document, "Exceptions and corrective actions", 2)
    word.paragraph(
        document,
        f"Indicators off target (red) in {doc.quarter.label}, with the commentary from the "
        "partnership's return and the corrective actions being taken; then actions reported "
        "off track or overdue at the quarter's end.",
    )
    if not doc.signed_off:
        word.paragraph(document, f"No return for {doc.quarter.label} has been signed off yet.")
    for p in doc.signed_off:
        word.heading(document, p.name, 3)
        word.paragraph(
            document,
            f"Overall status: {p.status.label if p.status else ''}. Lead organisation: "
            f"{p.lead_organisation or 'not recorded'}. {p.indicator_count} indicator"
            f"{'' if p.indicator_count == 1 else 's'}: {_counts(p)}.",
        )
        if p.exceptions:
            word.table(
                document,
                caption=f"Indicators off target: {p.name}",
                headers=[
                    "Indicator",
                    "Result and target",
                    "Commentary from the return",
                    "Corrective actions",
                ],
                rows=[
                    [
                        e.name + (" (new)" if e.new else ""),
                        f"{e.period}: {e.result} against a target of {e.target}",
                        e.commentary or "No commentary was given.",
                        _corrective_text(e),
                    ]
                    for e in p.exceptions
                ],
                widths=[2.2, 1.7, 3, 3.1],
            )
        else:
            word.paragraph(document, "No indicator was off target.")
        if p.action_exceptions:
            word.table(
                document,
                caption=f"Actions off track or overdue: {p.name}",
                headers=["Action", "As reported", "Commentary from the return"],
                rows=[
                    [
                        a.name + (" (new)" if a.new else ""),
                        a.why,
                        a.commentary or "No commentary was given.",
                    ]
                    for a in p.action_exceptions
                ],
                widths=[3.5, 2.5, 4],
            )
        if p.exceptions_text:
            word.heading(document, "In the partnership's words", 4)
            word.paragraph(document, p.exceptions_text)

    word.heading(document, "What changed since last quarter", 2)
    word.paragraph(
        document, f"Each indicator's status in {doc.quarter.label} against {doc.previous.label}."
    )
    if doc.signed_off:
        word.table(
            document,
            caption=f"Changes since {doc.previous.label}, by partnership",
            headers=["Partnership", "Improved", "Worsened", "New exceptions", "Resolved"],
            rows=[
                [
                    p.name,
                    str(len(p.improved)),
                    str(len(p.worsened)),
                    str(p.new_exceptions),
                    str(p.resolved_count),
                ]
                for p in doc.signed_off
            ],
            numeric_from=1,
            widths=[4, 1.2, 1.2, 1.5, 1.2],
        )
        for p in doc.signed_off:
            if not p.changed:
                continue
            word.heading(document, p.name, 3)
            word.bullets(
                document,
                [
                    *(f"Improved: {m.text}" for m in p.improved),
                    *(f"Worsened: {m.text}" for m in p.worsened),
                    *(f"New exception: {m.text}" for m in p.newly_red),
                    *(f"New exception: action {a.name}" for a in p.action_exceptions if a.new),
                    *(f"Resolved: {m.text}" for m in p.resolved),
                    *(f"Resolved: action {name}" for name in p.resolved_actions),
                ],
            )

    word.heading(document, "Highlights", 2)
    if not doc.signed_off:
        word.paragraph(
            document, f"No highlights: no return for {doc.quarter.label} has been signed off yet."
        )
    for p in doc.signed_off:
        if not (p.turned_green or p.highlights_text):
            continue
        word.heading(document, p.name, 3)
        if p.turned_green:
            word.bullets(document, [f"On target: {m.text}" for m in p.turned_green])
        if p.highlights_text:
            word.paragraph(document, p.highlights_text)

    word.heading(document, "Not yet signed off", 2)
    if doc.not_signed_off:
        word.paragraph(
            document,
            f"These partnerships' {doc.quarter.label} returns have not been signed off by the "
            "performance team, so their figures are not yet confirmed and nothing of them is "
            "reported here.",
        )
        word.bullets(
            document,
            [
                f"{p.name}: not signed off (return {p.return_status.lower()})"
                for p in doc.not_signed_off
            ],
        )
    else:
        word.paragraph(
            document, f"Every partnership's {doc.quarter.label} return has been signed off."
        )

    word.heading(document, "How this report is put together", 2)
    word.paragraph(
        document,
        f"Made from the partnerships' quarterly returns in Golden Thread on "
        f"{doc.produced_on:%-d %B %Y}. {METHOD}",
    )
    return word.to_bytes(document)
