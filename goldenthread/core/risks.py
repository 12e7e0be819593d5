"""Reads and rules for the risk register: risk levels, the 5×5 heat map, overdue
reviews, and the checks every risk must pass (used by the form, which shows them, and by
the services, which refuse to save without them), so each rule lives here once."""

import datetime
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from .models import Objective, Partnership, Plan, Risk, Role, User

SCORES = range(1, 6)

LIKELIHOOD_LABELS = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
IMPACT_LABELS = {1: "Insignificant", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Severe"}


class RiskLevel(enum.Enum):
    """The council's usual 5×5 banding of likelihood × impact: 1–4 low, 5–9 medium,
    10–14 high, 15–25 very high. Each level has a GOV.UK tag colour for tables and a
    heat-map fill with a text colour that keeps 4.5:1 contrast on it (checked in tests)."""

    LOW = ("low", "Low", 1, 4, "green", "#00703c", "#ffffff")
    MEDIUM = ("medium", "Medium", 5, 9, "yellow", "#ffdd00", "#0b0c0c")
    HIGH = ("high", "High", 10, 14, "orange", "#f47738", "#0b0c0c")
    VERY_HIGH = ("very_high", "Very high", 15, 25, "red", "#942514", "#ffffff")

    def __init__(self, key, label, low, high, tag, fill, text):
        self.key = key
        self.label = label
        self.low = low
        self.high = high
        self.tag = tag
        self.fill = fill
        self.text = text

    @property
    def range_label(self) -> str:
        return f"{self.low} to {self.high}"


def risk_level(score: int) -> RiskLevel:
    for level in RiskLevel:
        if level.low <= score <= level.high:
            return level
    raise ValueError(f"A risk score runs from 1 to 25, not {score}.")


def score_text(likelihood: int, impact: int) -> str:
    return f"{likelihood} × {impact} = {likelihood * impact}"


def review_overdue(risk: Risk, today: datetime.date) -> bool:
    """An open risk whose review date has passed; reviewing it today is on time."""
    return risk.is_open and risk.review_date is not None and risk.review_date < today


# --- What may be chosen on a risk -------------------------------------------------------


def current_objectives(partnership: Partnership) -> QuerySet[Objective]:
    """Objectives a risk may be linked to: those of the partnership's approved plan and of
    its drafts (a revision in progress), never of superseded versions."""
    return (
        Objective.objects.filter(
            plan__partnership=partnership,
            plan__status__in=[Plan.Status.APPROVED, Plan.Status.DRAFT],
        )
        .select_related("plan")
        .order_by("-plan__version", "order", "ref")
    )


def possible_owners(partnership: Partnership) -> QuerySet[User]:
    """People who may own a risk: the partnership's leads and members. Viewers are
    stakeholders who read the register; they could not keep a risk up to date."""
    return (
        User.objects.filter(
            memberships__partnership=partnership,
            memberships__role__in=[Role.LEAD, Role.MEMBER],
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# --- Rules every risk must pass ----------------------------------------------------------

SCORE_FIELDS = ("inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact")
SCORE_MESSAGE = "Enter a whole number from 1 to 5 for the {}"
RESIDUAL_ABOVE_INHERENT = (
    "The residual score ({residual}) must not be higher than the inherent score "
    "({inherent}): mitigation cannot make a risk worse. Lower the residual likelihood or "
    "impact, or raise the inherent scores"
)
REVIEW_DATE_REQUIRED = "Enter the date the risk will next be reviewed"
OBJECTIVE_NOT_CURRENT = "Choose an objective of this partnership's approved or draft plan"
OWNER_NOT_MEMBER = "Choose an owner who is a lead or member of this partnership"


def risk_problems(risk: Risk) -> dict[str, str]:
    """What is wrong with a risk about to be saved, by field name; empty when nothing is."""
    problems: dict[str, str] = {}
    for name in SCORE_FIELDS:
        value = getattr(risk, name)
        if not isinstance(value, int) or isinstance(value, bool) or value not in SCORES:
            problems[name] = SCORE_MESSAGE.format(name.replace("_", " "))
    if not problems and risk.residual_score > risk.inherent_score:
        problems["residual_likelihood"] = RESIDUAL_ABOVE_INHERENT.format(
            residual=score_text(risk.residual_likelihood, risk.residual_impact),
            inherent=score_text(risk.inherent_likelihood, risk.inherent_impact),
        )
    if risk.is_open and risk.review_date is None:
        problems["review_date"] = REVIEW_DATE_REQUIRED
    if (
        risk.objective_id is not None
        and not current_objectives(risk.partnership).filter(pk=risk.objective_id).exists()
    ):
        problems["objective"] = OBJECTIVE_NOT_CURRENT
    if (
        risk.owner_id is not None
        and not possible_owners(risk.partnership).filter(pk=risk.owner_id).exists()
    ):
        problems["owner"] = OWNER_NOT_MEMBER
    return problems


def check_risk(risk: Risk) -> None:
    if problems := risk_problems(risk):
        raise ValidationError({name: [message] for name, message in problems.items()})


# --- The register ---------------------------------------------------------------------


@dataclass
class ClosedRisk:
    risk: Risk
    closed_on: datetime.datetime | None
    closed_by: User | None
    reason: str


@dataclass
class HeatCell:
    likelihood: int
    impact: int
    refs: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.refs)

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def level(self) -> RiskLevel:
        return risk_level(self.score)

    @property
    def ref_lines(self) -> list[str]:
        """The refs as the SVG cell shows them: two short lines at most."""
        lines = [", ".join(self.refs[i : i + 3]) for i in range(0, len(self.refs), 3)]
        if len(lines) > 2:
            shown = 5
            lines = [
                ", ".join(self.refs[:3]),
                f"{', '.join(self.refs[3:shown])} +{self.count - shown}",
            ]
        return lines


@dataclass
class HeatMap:
    score: str  # "residual" or "inherent"
    rows: list[list[HeatCell]]  # likelihood 5 down to 1, each impact 1 to 5

    @property
    def total(self) -> int:
        return sum(cell.count for row in self.rows for cell in row)

    @property
    def cells(self) -> list[HeatCell]:
        return [cell for row in self.rows for cell in row]


def heat_map(risks: Iterable[Risk], score: str = "residual") -> HeatMap:
    grid = {(lk, im): HeatCell(lk, im) for lk in SCORES for im in SCORES}
    for risk in risks:
        likelihood = getattr(risk, f"{score}_likelihood")
        impact = getattr(risk, f"{score}_impact")
        grid[(likelihood, impact)].refs.append(risk.ref)
    return HeatMap(
        score=score,
        rows=[[grid[(lk, im)] for im in SCORES] for lk in reversed(SCORES)],
    )


def register_risks(partnership: Partnership, objective: str | int | None = None) -> list[Risk]:
    """Every risk of the partnership, open first, by ref; `objective` is an objective's pk,
    "none" for risks linked to no objective, or None for all. One query."""
    risks = Risk.objects.filter(partnership=partnership).select_related("owner", "objective__plan")
    if objective == "none":
        risks = risks.filter(objective__isnull=True)
    elif objective is not None:
        risks = risks.filter(objective_id=objective)
    return sorted(risks, key=lambda r: (not r.is_open, _ref_key(r.ref)))


def closed_details(risks: Iterable[Risk]) -> list[ClosedRisk]:
    """Closed risks with when, by whom and why they were closed, read from the history
    (close_risk records the reason as the change reason). One query for all of them."""
    closed = [r for r in risks if not r.is_open]
    if not closed:
        return []
    closing: dict[int, object] = {}
    was_open: dict[int, bool] = {}
    history = (
        Risk.history.filter(id__in=[r.pk for r in closed])
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    for record in history:
        # The record that turned the risk from open to closed (the latest such, were a
        # risk ever reopened).
        if not record.is_open and was_open.get(record.id, True):
            closing[record.id] = record
        was_open[record.id] = record.is_open
    details = []
    for risk in closed:
        record = closing.get(risk.pk)
        details.append(
            ClosedRisk(
                risk=risk,
                closed_on=record.history_date if record else None,
                closed_by=record.history_user if record else None,
                reason=(record.history_change_reason or "") if record else "",
            )
        )
    return details


def next_ref(partnership: Partnership) -> str:
    """The next free reference, R1, R2 …: one more than the highest R-number in use."""
    numbers = [
        int(ref[1:])
        for ref in Risk.objects.filter(partnership=partnership, ref__istartswith="R").values_list(
            "ref", flat=True
        )
        if ref[1:].isdigit()
    ]
    return f"R{max(numbers, default=0) + 1}"


def _ref_key(ref: str) -> tuple:
    """R2 before R10."""
    digits = "".join(c for c in ref if c.isdigit())
    return (ref.rstrip("0123456789"), int(digits) if digits else 0, ref)
