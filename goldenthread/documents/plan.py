"""A plan version's PDF and Word files, drawn from goldenthread.core.plan_document's
content (the same that the web pages show) in either layout: the plan on a page or the
full plan."""

from __future__ import annotations

from goldenthread.core.plan_document import IndicatorEntry, Layout, ObjectiveEntry, PlanDocument

from . import word
from .pdf import render_pdf


def plan_pdf(document: PlanDocument, layout: Layout) -> bytes:
    return render_pdf(
        "documents/plan.html",
        {"doc": document, "layout": layout.value, "title": document.document_title(layout)},
    )


def plan_docx(document: PlanDocument, layout: Layout) -> bytes:
    """The plan as a Word file with real headings (Heading 1–3) and tables whose header
    row repeats on every page."""
    doc = word.new_document(
        title=document.document_title(layout),
        author=document.partnership,
        subject=f"{layout.label}, {document.span}",
        landscape=layout is Layout.PAGE,
    )
    word.running_header(doc, document.title, marking=document.marking)
    word.page_number_footer(doc)

    if layout is Layout.PAGE:
        word.paragraph(doc, f"{layout.label}, {document.partnership}", style="Subtitle")
    word.heading(doc, document.title, 1)
    if document.marking:
        word.paragraph(doc, document.marking, bold=True)
    if document.is_demo:
        word.paragraph(doc, document.demo_notice, italic=True)
    word.key_values(doc, document.summary_rows)
    if document.purpose and layout is Layout.FULL:
        word.heading(doc, "What the partnership is for", 2)
        word.paragraph(doc, document.purpose)
    if document.vision:
        word.heading(doc, "Our vision", 2)
        word.paragraph(doc, document.vision)
    if document.key_issues:
        word.heading(doc, "The key issues this plan addresses", 2)
        word.bullets(doc, document.key_issues)

    word.heading(doc, "Our objectives", 2)
    if not document.objectives:
        word.paragraph(doc, "This plan has no objectives yet.")
    for objective in document.objectives:
        if layout is Layout.PAGE:
            _objective_on_a_page_docx(doc, document, objective)
        else:
            _objective_in_full_docx(doc, objective)

    word.heading(doc, "Top risks", 2)
    if document.risks:
        word.table(
            doc,
            caption="The partnership's open risks with the highest scores after mitigation",
            headers=["Risk", "Score after mitigation", "Owner", "Mitigation"],
            rows=[
                [f"{r.ref} {r.title}", r.score_text, r.owner, r.mitigation] for r in document.risks
            ],
            widths=[3, 1.6, 2, 4],
        )
        word.paragraph(doc, "Scores are likelihood times impact, each from 1 to 5.", size=9)
    else:
        word.paragraph(doc, "No open risks are recorded.")
    if document.waivers:
        word.heading(doc, "Approved knowing that", 2)
        word.paragraph(
            doc,
            "The plan was approved although the SMART check found these problems, "
            "for the reasons given.",
        )
        for waiver in document.waivers:
            word.paragraph(doc, waiver.text, bold=True, space_after=0)
            word.paragraph(doc, f"Reason: {waiver.reason}")
    return word.to_bytes(doc)


def _objective_on_a_page_docx(doc, document: PlanDocument, objective: ObjectiveEntry) -> None:
    word.heading(doc, objective.heading, 3)
    word.key_values(
        doc,
        [
            ("Owner", objective.owner_text),
            ("Deadline", objective.deadline),
            (
                "Contributes to",
                "; ".join(o.text for o in objective.outcomes) or "No strategic outcome yet",
            ),
        ],
        keep_with_next=True,
    )
    if objective.indicators:
        word.table(
            doc,
            caption=f"How we will measure {objective.ref}: targets for each year",
            headers=["Measure", "Baseline", *document.years],
            rows=[
                [
                    _measure_name(i),
                    i.baseline,
                    *(y.year_end_text for y in i.years if y.in_plan),
                ]
                for i in objective.indicators
            ],
            numeric_from=2,
            widths=[6, 2.2, *[1.3] * len(document.years)],
        )
        for note in objective.year_end_notes:
            word.paragraph(doc, note, size=9)
    else:
        word.paragraph(doc, "No measure is set for this objective yet.")
    if objective.actions:
        word.table(
            doc,
            caption=f"What we will do for {objective.ref}",
            headers=["Action", "Owner", "Due", "Status"],
            rows=[
                [f"{a.ref} {a.title}", f"{a.owner}, {a.lead_organisation}", a.due, a.status]
                for a in objective.actions
            ],
            widths=[5, 4, 1.7, 1.5],
        )
    else:
        word.paragraph(doc, "No actions are planned for this objective yet.")


def _objective_in_full_docx(doc, objective: ObjectiveEntry) -> None:
    word.heading(doc, objective.heading, 3)
    if objective.description:
        word.paragraph(doc, objective.description)
    word.key_values(
        doc,
        [
            ("Owner", objective.owner_text),
            ("Deadline", objective.deadline),
            (
                "Contributes to",
                "\n".join(o.text for o in objective.outcomes) or "No strategic outcome yet",
            ),
        ],
    )
    if not objective.indicators:
        word.paragraph(doc, "No measure is set for this objective yet.")
    for indicator in objective.indicators:
        word.heading(doc, f"{indicator.code} {indicator.title}", 4)
        if indicator.definition:
            word.paragraph(doc, indicator.definition)
        word.key_values(
            doc,
            [
                ("Unit", indicator.unit or "Not stated"),
                ("Measured", indicator.frequency),
                ("Better is", indicator.polarity),
                ("Baseline", indicator.baseline),
            ],
        )
        word.table(
            doc,
            caption=f"Targets for {indicator.code}",
            headers=["Year", *(["Target"] if indicator.is_annual else indicator.period_names)],
            rows=[[y.year, *(c.text if c else "–" for c in y.cells)] for y in indicator.years],
            numeric_from=1,
            widths=[1.4, *[1] * len(indicator.period_names)],
            width_mm={1: 60, 4: 120}.get(len(indicator.period_names)),
        )
    if objective.actions:
        word.table(
            doc,
            caption=f"What we will do for {objective.ref}",
            headers=["Action", "Owner", "Lead organisation", "Start", "Due", "Status"],
            rows=[
                [f"{a.ref} {a.title}", a.owner, a.lead_organisation, a.start, a.due, a.status]
                for a in objective.actions
            ],
            widths=[4.4, 2.4, 2.8, 2, 2, 2.1],
        )
        for action in objective.actions:
            if action.milestones:
                word.table(
                    doc,
                    caption=f"Milestones for {action.ref} {action.title}",
                    headers=["Milestone", "Due", "Done"],
                    rows=[[m.title, m.due, m.done or "Not yet"] for m in action.milestones],
                    widths=[3, 1, 1],
                )
    else:
        word.paragraph(doc, "No actions are planned for this objective yet.")


def _measure_name(indicator: IndicatorEntry) -> str:
    name = f"{indicator.code} {indicator.title}"
    return f"{name} ({indicator.unit_words})" if indicator.unit_words else name
