"""The annual performance summary report as files: a tagged PDF (WeasyPrint, from
documents/annual_report.html) and a Word file, both drawn from the content that
goldenthread.core.annual_report reads or loads from a published edition, so they say what
the web page says. Word cannot show the SVG charts, so the Word file has their tables."""

from __future__ import annotations

from goldenthread.core.annual_report.content import (
    AnnualReportContent,
    IndicatorYear,
    Note,
    Reviews,
)

from . import word
from .pdf import render_pdf


def annual_report_files(content: AnnualReportContent) -> tuple[bytes, bytes]:
    """The PDF and the Word file: the renderer that publishing asks for
    (goldenthread.core.services.annual_reports.publish_report)."""
    return annual_report_pdf(content), annual_report_docx(content)


def annual_report_pdf(content: AnnualReportContent) -> bytes:
    return render_pdf(
        "documents/annual_report.html", {"doc": content, "title": content.document_title}
    )


def annual_report_docx(content: AnnualReportContent) -> bytes:
    """The report as a Word file: the same sections under real headings; each chart's
    numbers as a table (Word cannot show the SVG charts)."""
    doc = word.new_document(
        title=content.document_title,
        author=content.partnership,
        subject=f"Annual performance report {content.year_label}",
    )
    word.running_header(doc, content.title, marking=content.marking)
    word.page_number_footer(doc)

    word.paragraph(doc, content.partnership, style="Subtitle")
    word.heading(doc, f"Annual performance report {content.year_label}", 1)
    if content.marking:
        word.paragraph(doc, content.marking, bold=True)
    if content.correction:
        word.paragraph(doc, content.correction, bold=True)
    if content.is_demo:
        word.paragraph(doc, content.demo_notice, italic=True)
    word.key_values(doc, [(r.label, r.value) for r in content.about])

    word.heading(doc, "The year at a glance", 2)
    word.paragraph(doc, content.headline)
    if content.objectives_summary:
        word.paragraph(doc, content.objectives_summary)
    word.table(
        doc,
        caption=content.rag_chart.title,
        headers=["Status", "Measures"],
        rows=[[c.label, str(c.count)] for c in content.rag_counts],
        numeric_from=1,
        widths=[3, 1],
        width_mm=110,
    )
    word.heading(doc, "Biggest improvements", 3)
    if content.improvements:
        word.bullets(doc, [h.text for h in content.improvements])
    else:
        word.paragraph(doc, "No measure improved on the period before.")
    word.heading(doc, "Biggest concerns", 3)
    if content.concerns:
        word.bullets(doc, [h.text for h in content.concerns])
    else:
        word.paragraph(doc, "No measure was off target or getting worse.")
    word.heading(doc, "Money", 3)
    word.paragraph(doc, content.finance.words)

    word.heading(doc, "What went well", 2)
    _lines_and_notes_docx(doc, content.went_well, content.went_well_notes, "Nothing recorded.")
    if content.success_stories:
        word.heading(doc, "Success stories", 2)
        for story in content.success_stories:
            word.heading(doc, story.title, 3)
            for paragraph in _paragraphs(story.story):
                word.paragraph(doc, paragraph)
            if story.indicators:
                word.paragraph(doc, f"About: {', '.join(story.indicators)}.", size=9)
    word.heading(doc, "What did not go well", 2)
    _lines_and_notes_docx(
        doc, content.did_not_go_well, content.did_not_go_well_notes, "Nothing recorded."
    )
    if content.more_meeting_notes:
        word.paragraph(doc, content.more_meeting_notes)
    if content.corrective_actions:
        word.table(
            doc,
            caption="Corrective actions taken",
            headers=["Measure", "Period", "What will change", "Who", "By"],
            rows=[
                [c.measure, c.period, c.description, c.owner, c.due]
                for c in content.corrective_actions
            ],
            widths=[3, 1.4, 4, 2, 1.6],
        )

    word.heading(doc, "Our objectives", 2)
    if not content.objectives:
        word.paragraph(doc, "No plan with objectives is recorded for this year.")
    for objective in content.objectives:
        word.heading(doc, objective.heading, 3)
        word.paragraph(doc, f"Status at the year end: {objective.status_label}.", bold=True)
        if objective.indicators:
            _indicators_docx(
                doc, content, objective.indicators, f"How {objective.ref} was measured"
            )
        else:
            word.paragraph(doc, "No measure is set for this objective.")
        if objective.actions:
            word.table(
                doc,
                caption=f"Actions for {objective.ref}",
                headers=["Action", "Lead organisation", "At the year end"],
                rows=[[a.name, a.organisation, a.text] for a in objective.actions],
                widths=[4, 2.5, 3],
            )
        else:
            word.paragraph(doc, "No actions were planned for this objective.")
    if content.other_indicators:
        word.heading(doc, "Other measures", 2)
        _indicators_docx(
            doc, content, content.other_indicators, "Measures outside the plan's objectives"
        )

    word.heading(doc, "Contributions from outside the partnership", 2)
    if content.contributions:
        word.table(
            doc,
            caption=f"What organisations that are not members gave to the partnership's "
            f"objectives in {content.year_label}",
            headers=["Objective", "Organisation", "Kind", "What it gave", "Amount"],
            rows=[
                [c.objective, c.organisation, c.kind, c.description, c.amount or "–"]
                for c in content.contributions
            ],
            widths=[3, 2.5, 1.3, 4, 1.5],
        )
    else:
        word.paragraph(
            doc,
            f"No contributions from outside the partnership are recorded for {content.year_label}.",
        )

    word.heading(doc, "Top risks", 2)
    if content.risks:
        word.table(
            doc,
            caption=f"Open risks with the highest scores after mitigation, "
            f"as at {content.risks_as_at}",
            headers=["Risk", "Score after mitigation", "Lead organisation", "Mitigation"],
            rows=[
                [f"{r.ref} {r.title}", r.score_text, r.organisation, r.mitigation]
                for r in content.risks
            ],
            widths=[3, 1.6, 2, 4],
        )
        word.paragraph(doc, "Scores are likelihood times impact, each from 1 to 5.", size=9)
    else:
        word.paragraph(doc, "No open risks are recorded.")

    word.heading(doc, "Money", 2)
    word.paragraph(doc, content.finance.words)
    if content.finance.has_figures:
        word.key_values(doc, [("Budget", content.finance.budget), ("Spent", content.finance.spent)])
        word.table(
            doc,
            caption=f"Spend by quarter, {content.year_label}",
            headers=["Quarter", "Quarter's share of the budget", "Spent"],
            rows=[[q.label, q.budget, q.spent] for q in content.finance.quarters],
            numeric_from=1,
            widths=[2, 2, 2],
            width_mm=130,
        )
        if content.finance.actions:
            word.table(
                doc,
                caption="Budget and spend of actions",
                headers=["Action", "Budget", "Spent"],
                rows=[[a.label, a.budget, a.spent] for a in content.finance.actions],
                numeric_from=1,
                widths=[4, 1.5, 1.5],
            )

    word.heading(doc, "Who took part in reviews", 2)
    _reviews_docx(doc, content.reviews, content.year_label)

    word.heading(doc, "Lessons learned", 2)
    if content.lessons:
        for lesson in content.lessons:
            word.heading(doc, lesson.title, 3)
            word.paragraph(doc, lesson.what_happened)
            word.key_values(doc, [("Outcome", lesson.outcome), ("Learning from", lesson.source)])
    else:
        word.paragraph(doc, f"No lessons were recorded in {content.year_label}.")
    if content.more_lessons:
        word.paragraph(doc, content.more_lessons)

    word.heading(doc, "Commentary from the lead link officer", 2)
    if content.commentary:
        for paragraph in _paragraphs(content.commentary):
            word.paragraph(doc, paragraph)
        if content.commentary_by:
            word.paragraph(doc, content.commentary_by, italic=True)
    else:
        word.paragraph(doc, "The lead link officer adds their commentary before publishing.")
    return word.to_bytes(doc)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _lines_and_notes_docx(doc, lines: list[str], notes: list[Note], empty: str) -> None:
    if lines:
        word.bullets(doc, lines)
    for note in notes:
        word.paragraph(doc, note.source, bold=True, space_after=0)
        word.paragraph(doc, note.text)
    if not lines and not notes:
        word.paragraph(doc, empty)


def _indicators_docx(
    doc, content: AnnualReportContent, indicators: list[IndicatorYear], caption: str
) -> None:
    word.table(
        doc,
        caption=caption,
        headers=[
            "Measure",
            *content.history_years[:-1],
            f"{content.year_label} (year end)",
            "Target",
            "Status",
            "Since a year before",
        ],
        rows=[
            [
                f"{i.name_with_unit}. {i.polarity}"
                + (f"; {i.period_note}" if i.period_note else "")
                + "".join(f" Since: {c}" for c in i.corrections),
                *i.history[:-1],
                i.result,
                i.target or "–",
                i.rag_label,
                i.direction_label or "–",
            ]
            for i in indicators
        ],
        widths=[4, *[1.1] * (len(content.history_years) - 1), 1.4, 1.2, 1.1, 1.9],
    )
    for indicator in indicators:
        if indicator.definition:
            word.paragraph(doc, f"{indicator.code}: {indicator.definition}", size=9.5)
        if indicator.commentary:
            word.paragraph(
                doc, f"Why {indicator.code} is where it is: {indicator.commentary}", size=9.5
            )


def _reviews_docx(doc, reviews: Reviews, label: str) -> None:
    if not reviews.meetings:
        word.paragraph(doc, f"No review meetings are recorded for {label}.")
        return
    word.paragraph(doc, reviews.summary)
    word.bullets(doc, reviews.meetings)
    if reviews.attendance:
        word.table(
            doc,
            caption="Who took part, by kind",
            headers=["Taking part as", "Attendances"],
            rows=[[a.kind, str(a.count)] for a in reviews.attendance],
            numeric_from=1,
            widths=[3, 1],
            width_mm=110,
        )
    if reviews.organisations:
        word.paragraph(doc, "Organisations taking part: " + ", ".join(reviews.organisations) + ".")
