"""The annual report's content: plain dataclasses whose text is already written out, so the
web page, the PDF and the Word file say the same thing, and a published edition can be
stored as JSON (`to_snapshot`) and drawn again from it (`from_snapshot`).

A change to these classes changes what stored editions must hold: see snapshot.py, whose
test loads an edition stored in the first format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.text import slugify

from goldenthread.core.charts.report import BarChart, Sparkline

from . import snapshot

DRAFT_MARKING = "Draft – not yet published"
DEMO_NOTICE = (
    "Demonstration data. The partnership, plan, objectives, actions, risks and targets in "
    "this report are illustrative, made up to show how Golden Thread works."
)


def counted(n: int, one: str, many: str | None = None) -> str:
    """For example "1 measure", "4 measures"."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


@dataclass
class Row:
    label: str
    value: str


@dataclass
class RagCount:
    rag: str  # "green"
    label: str  # "Green: on target"
    count: int


@dataclass
class Highlight:
    code: str
    text: str  # "CS03 Proven re-offending: 2.1% in 2025/26, down from 2.3% in 2024/25."


@dataclass
class IndicatorYear:
    code: str
    title: str
    definition: str
    unit: str  # words for units the values do not show: "per 10,000 aged 10-17"
    polarity: str  # "Lower is better"
    frequency: str  # "Quarterly"
    period: str  # the year-end period, "2025/26 Q4", or "" with no result this year
    period_note: str  # "year end 2025/26 Q3" when that is not the year's last period, or ""
    result: str
    target: str
    rag: str
    rag_label: str
    direction: str
    direction_label: str
    compared_with: str  # "2.3% in 2024/25"
    commentary: str
    history: list[str]  # the year-end result of each of the five years, oldest first
    trend: Sparkline
    # Changes made since to the year-end figures shown (a target after the year end, a
    # result after its return was signed off), each with its date: "Target changed on 3
    # December 2026 to 110." Editions stored before this existed have none.
    corrections: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def name_with_unit(self) -> str:
        return f"{self.name} ({self.unit})" if self.unit else self.name


@dataclass
class ActionLine:
    ref: str
    title: str
    organisation: str
    outcome: str  # "completed", "carried_forward" or "cancelled"
    text: str  # "Completed 12 March 2026", "Carried forward: due 30 June 2026"

    @property
    def name(self) -> str:
        return f"{self.ref} {self.title}"


@dataclass
class ObjectiveYear:
    ref: str
    title: str
    status: str  # an ObjectiveStatus value
    status_label: str
    status_rag: str
    indicators: list[IndicatorYear]
    actions: list[ActionLine]

    @property
    def heading(self) -> str:
        return f"{self.ref}: {self.title}"

    @property
    def completed(self) -> list[ActionLine]:
        return [a for a in self.actions if a.outcome == "completed"]

    @property
    def carried_forward(self) -> list[ActionLine]:
        return [a for a in self.actions if a.outcome == "carried_forward"]

    @property
    def cancelled(self) -> list[ActionLine]:
        return [a for a in self.actions if a.outcome == "cancelled"]


@dataclass
class Note:
    source: str  # "2025/26 Q2 return", "Review meeting of 14 July 2025"
    text: str


@dataclass
class CorrectiveLine:
    measure: str
    period: str
    description: str
    owner: str  # an organisation
    due: str


@dataclass
class RiskLine:
    ref: str
    title: str
    score: int
    level: str
    organisation: str
    mitigation: str

    @property
    def score_text(self) -> str:
        return f"{self.score} ({self.level})"


@dataclass
class MoneyLine:
    label: str
    budget: str
    spent: str


@dataclass
class FinanceYear:
    has_figures: bool
    budget: str
    spent: str
    words: str  # "Spend for the year £402,000: £10,000 (2%) under the budget of £412,000."
    quarters: list[MoneyLine]
    actions: list[MoneyLine]
    chart: BarChart | None


@dataclass
class AttendanceLine:
    kind: str
    count: int


@dataclass
class Reviews:
    meetings: list[str]  # "2025/26 Q1, reviewed on 14 July 2025"
    attendance: list[AttendanceLine]
    organisations: list[str]

    @property
    def total(self) -> int:
        return sum(a.count for a in self.attendance)

    @property
    def summary(self) -> str:
        """For example "2 review meetings, with 9 attendances in all."."""
        return (
            f"{counted(len(self.meetings), 'review meeting')}, with "
            f"{counted(self.total, 'attendance')} in all."
        )


@dataclass
class LessonLine:
    title: str
    what_happened: str
    outcome: str
    source: str


@dataclass
class StoryLine:
    """A success story the partnership chose to publish (services.success_stories)."""

    title: str
    story: str
    indicators: list[str]  # "SS01 Burglaries"


@dataclass
class ContributionLine:
    """What an organisation outside the partnership gave to an objective in the year."""

    objective: str  # "O1 Fewer burglaries"
    organisation: str
    kind: str  # "Money", "People", "Data", "Venues", "Other"
    description: str
    amount: str  # "£5,000", or "" when not money


@dataclass
class AnnualReportContent:
    partnership: str
    year: int
    year_label: str  # "2025/26"
    title: str
    edition: int
    is_draft: bool
    marking: str  # DRAFT_MARKING on a draft, else ""
    published: str  # "12 May 2026", or "" for a draft
    as_at: str  # the day the figures were read
    correction: str  # what this edition corrects, or ""
    about: list[Row]
    is_demo: bool
    # The one-page summary
    headline: str
    rag_counts: list[RagCount]
    rag_chart: BarChart
    improvements: list[Highlight]
    concerns: list[Highlight]
    objectives_summary: str
    # What went well and what did not
    went_well: list[str]
    went_well_notes: list[Note]
    did_not_go_well: list[str]
    did_not_go_well_notes: list[Note]
    corrective_actions: list[CorrectiveLine]
    # The detail
    history_years: list[str]  # the five years of each measure's history: "2021/22", …
    objectives: list[ObjectiveYear]
    other_indicators: list[IndicatorYear]
    risks: list[RiskLine]
    risks_as_at: str
    finance: FinanceYear
    reviews: Reviews
    lessons: list[LessonLine]
    commentary: str
    commentary_by: str
    demo_notice: str = DEMO_NOTICE
    # Where the report shows only the latest of many (SHOWN_LESSONS, SHOWN_MEETING_NOTES):
    # a sentence saying how many more there are, and where; "" otherwise.
    more_lessons: str = ""
    more_meeting_notes: str = ""
    # The year's published success stories. Editions stored before they existed have none.
    success_stories: list[StoryLine] = field(default_factory=list)
    # Contributions from organisations outside the partnership to the plan's objectives in
    # the year (issue 17). Editions stored before they existed have none.
    contributions: list[ContributionLine] = field(default_factory=list)

    @property
    def indicators(self) -> list[IndicatorYear]:
        """Every measure once, in the order the report shows them."""
        seen, out = set(), []
        for indicator in [i for o in self.objectives for i in o.indicators] + list(
            self.other_indicators
        ):
            if indicator.code not in seen:
                seen.add(indicator.code)
                out.append(indicator)
        return out

    @property
    def indicator_count(self) -> int:
        return sum(c.count for c in self.rag_counts)

    def filename(self, extension: str) -> str:
        name = f"{slugify(self.partnership)}-annual-report-{self.year}-{(self.year + 1) % 100:02d}"
        if self.is_draft:
            name += "-draft"
        elif self.edition > 1:
            name += f"-edition-{self.edition}"
        return f"{name}.{extension}"

    @property
    def document_title(self) -> str:
        return f"{self.title} ({DRAFT_MARKING.lower()})" if self.is_draft else self.title

    def to_snapshot(self) -> dict:
        return snapshot.dump(self)

    @classmethod
    def from_snapshot(cls, data: dict) -> AnnualReportContent:
        """A stored edition, in any format this version reads (snapshot.SnapshotError if
        not)."""
        return snapshot.load(cls, data)
