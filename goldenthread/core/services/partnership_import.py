"""Bringing a partnership in (issue 16): its plan and its history from one spreadsheet.

A new partnership usually arrives with a workbook of its objectives, indicators, targets and
several years of results, often exported from the system the council used before.
goldenthread.documents.partnership_import writes the template and reads a filled-in one into
a ``PlanImport`` (plain rows, each with its row number) and the problems it can see in the
file alone (a missing title, an unknown reference, a period of the wrong kind).
``import_partnership_plan`` then creates everything in one transaction, through the same
services as the plan pages, so the same rules, limits and history apply:

- the draft plan version (``plans.create_plan``, or ``plans.update_plan`` on an empty draft);
- each indicator (``plans.create_indicator``), then each objective with its outcomes and
  indicators (``plans.save_objective``: the partnership numbers them O1, O2 … in the order
  of the sheet, as it numbers objectives added on the page; the sheet's own references
  only tie its rows together);
- the targets (``plans.set_plan_targets``: the draft's targets, live once it is approved);
- the results as past results (``history.record_past_results``, with "Imported from
  <file>" as the history's reason). A result marked "n/a" is recorded as not available,
  the note being the reason, with the same checks and the same history reason.

All or nothing: every row is checked against the database too (an owner who is not in the
partnership, an organisation that is not a partner, an outcome no strategic plan has, an
indicator code already used, a target outside the plan's years, a result for a period that
has not ended or that a quarterly return reports), each problem with its sheet, row and
column; a refusal by one of the services is put against the row that caused it, and the
rest is still checked; if there is any problem, nothing is written. ``dry_run`` does all of
it and rolls it back: the check page lists exactly what creating would refuse.

Who: the partnership's leads, as for starting a plan and creating indicators from a data
file. The council performance team, as everywhere else, does not write a partnership's plan.

When: a partnership brings its plan in once, at the start. The import makes a new draft
version when the partnership has no plan, or fills its draft when that draft is still
empty (no objectives and no targets). A partnership with an approved plan revises it, and
one with a draft that has anything in it carries on with that draft (``import_blocker``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from goldenthread.core.access import Need, require
from goldenthread.core.models import (
    Indicator,
    Membership,
    Organisation,
    Outcome,
    Partnership,
    Plan,
    Result,
    User,
)
from goldenthread.rules import Period

from . import save_audited
from .history import PastResult, periods_reported_in_returns, record_past_results
from .plans import (
    MAX_INDICATORS,
    MAX_OBJECTIVES,
    create_indicator,
    create_plan,
    save_objective,
    set_plan_targets,
    update_plan,
)

REFUSAL = "Only the partnership's leads bring in a plan from a spreadsheet."

# The workbook's sheets and columns. The reader and the template use these names, and so do
# the problems found here, so a message always names the column the person sees.
OBJECTIVES = "Objectives"
INDICATORS = "Indicators"
TARGETS = "Targets"
RESULTS = "Results"

REF = "Ref"
TITLE = "Title"
DESCRIPTION = "Description"
OWNER = "Owner e-mail"
ORGANISATION = "Lead organisation"
DEADLINE = "Deadline"
OUTCOMES = "Outcomes"
DEFINITION = "Definition"
UNIT = "Unit"
DECIMALS = "Decimals"
POLARITY = "Polarity"
FREQUENCY = "Frequency"
BASELINE = "Baseline"
BASELINE_PERIOD = "Baseline period"
SOURCE = "Source"
OBJECTIVE_REFS = "Objectives"
INDICATOR_REF = "Indicator ref"
PERIOD = "Period"
VALUE = "Value"
UPPER = "Upper"
NOTE = "Note"

# Which column a model field's refusal belongs in.
INDICATOR_COLUMNS = {
    "code": REF,
    "title": TITLE,
    "definition": DEFINITION,
    "unit": UNIT,
    "decimals": DECIMALS,
    "polarity": POLARITY,
    "frequency": FREQUENCY,
    "baseline": BASELINE,
    "baseline_period": BASELINE_PERIOD,
    "data_source": SOURCE,
}
OBJECTIVE_COLUMNS = {
    "title": TITLE,
    "description": DESCRIPTION,
    "owner": OWNER,
    "lead_organisation": ORGANISATION,
    "deadline": DEADLINE,
    "outcomes": OUTCOMES,
    "indicators": OBJECTIVE_REFS,
}


@dataclass(frozen=True)
class SheetProblem:
    """A problem in the workbook: the sheet, the row (None for the sheet or the file as a
    whole; the headings are row 1), the column heading ("" for the row as a whole) and a
    plain message."""

    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = [w for w in (self.sheet, self.row and f"row {self.row}", self.column) if w]
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass(frozen=True)
class ObjectiveRow:
    row: int
    ref: str
    title: str
    description: str = ""
    owner_email: str = ""
    lead_organisation: str = ""
    deadline: datetime.date | None = None
    outcomes: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndicatorRow:
    row: int
    code: str
    title: str
    polarity: str
    frequency: str
    definition: str = ""
    unit: str = ""
    decimals: int = 0
    baseline: Decimal | None = None
    baseline_period: Period | None = None
    source: str = ""
    objectives: tuple[str, ...] = ()


@dataclass(frozen=True)
class TargetRow:
    row: int
    indicator: str
    period: Period
    value: Decimal
    upper: Decimal | None = None


@dataclass(frozen=True)
class ResultRow:
    """A past result; ``value`` None is a result marked not available, ``note`` saying why."""

    row: int
    indicator: str
    period: Period
    value: Decimal | None
    note: str = ""


@dataclass
class PlanImport:
    """A workbook's rows, as read; references between sheets are by the sheet's refs."""

    objectives: list[ObjectiveRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    targets: list[TargetRow] = field(default_factory=list)
    results: list[ResultRow] = field(default_factory=list)

    def span(self, rows: Iterable[TargetRow | ResultRow]) -> str:
        """ "2021/22 to 2024/25 Q3": the first and last periods of the rows, by their end."""
        periods = sorted({r.period for r in rows}, key=lambda p: (p.end, p.start))
        if not periods:
            return ""
        first, last = periods[0].label, periods[-1].label
        return first if first == last else f"{first} to {last}"


class ImportRefused(ValidationError):
    """The workbook cannot be imported: ``problems`` lists every reason, row by row."""

    def __init__(self, problems: list[SheetProblem]):
        super().__init__([str(p) for p in problems])
        self.problems = problems


@dataclass
class Imported:
    plan: Plan
    objectives: int = 0
    indicators: int = 0
    targets: int = 0
    results: int = 0
    not_available: int = 0


def imported_reason(file_name: str) -> str:
    return f"Imported from {file_name.strip() or 'a spreadsheet'}"[:200]


def import_blocker(partnership: Partnership) -> str:
    """Why the partnership cannot bring a plan in from a spreadsheet now, or "" when it can:
    it has no plan yet, or only a draft with nothing in it."""
    approved = partnership.plans.filter(status=Plan.Status.APPROVED).first()
    current = approved or partnership.plans.filter(status=Plan.Status.DRAFT).first()
    if current is None:
        return ""
    if not current.is_draft:
        return (
            f"{partnership.name} already has an approved plan ({current.title}, version "
            f"{current.version}). A spreadsheet brings in a partnership's first plan: change "
            "an approved plan by revising it."
        )
    if current.objectives.exists() or current.targets.exists():
        return (
            f"{partnership.name} already has a draft plan with objectives or targets in it "
            f"({current.title}, version {current.version}): carry on with that draft, or "
            "remove what is in it first."
        )
    return ""


def empty_draft(partnership: Partnership) -> Plan | None:
    """The draft the import fills in, when the partnership has one (with nothing in it)."""
    return partnership.plans.filter(status=Plan.Status.DRAFT).first()


@transaction.atomic
def import_partnership_plan(
    *,
    partnership: Partnership,
    parsed: PlanImport,
    by: User,
    file_name: str,
    title: str,
    first_year: int,
    last_year: int,
    dry_run: bool = False,
) -> Imported:
    """Create the partnership's draft plan with everything in the workbook, all or nothing
    (see the module's description). Raises ``ImportRefused`` with every problem, row by row;
    with ``dry_run``, checks everything the same way and writes nothing."""
    require(by, partnership, Need.LEAD, refusal=REFUSAL)
    if blocker := import_blocker(partnership):
        raise ImportRefused([SheetProblem("", None, "", blocker)])
    run = _Run(partnership, parsed, by, imported_reason(file_name))
    run.check_database()
    plan = empty_draft(partnership)
    try:
        if plan is None:
            plan = create_plan(
                partnership=partnership,
                by=by,
                title=title,
                first_year=first_year,
                last_year=last_year,
            )
        elif (plan.title, plan.first_year, plan.last_year) != (title, first_year, last_year):
            plan = update_plan(
                plan=plan, by=by, title=title, first_year=first_year, last_year=last_year
            )
    except ValidationError as error:
        raise ImportRefused([SheetProblem("", None, "", m) for m in error.messages]) from None
    imported = run.write(plan)
    if run.problems:
        raise ImportRefused(run.problems)
    if dry_run:
        transaction.set_rollback(True)
    return imported


class _Run:
    """One import: the rows, what they refer to in the database, and the problems found."""

    def __init__(self, partnership: Partnership, parsed: PlanImport, by: User, reason: str):
        self.partnership = partnership
        self.parsed = parsed
        self.by = by
        self.reason = reason
        self.problems: list[SheetProblem] = []
        self.owners: dict[int, User | None] = {}
        self.organisations: dict[int, Organisation | None] = {}
        self.outcomes: dict[int, list[Outcome]] = {}
        # Rows that cannot be written; what depends on them is not checked again.
        self.skipped: set[tuple[str, int]] = set()

    def problem(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.problems.append(SheetProblem(sheet, row, column, message))
        if row is not None:
            self.skipped.add((sheet, row))

    # --- what the rows refer to -------------------------------------------------------------

    def check_database(self) -> None:
        parsed, partnership = self.parsed, self.partnership
        if len(parsed.objectives) > MAX_OBJECTIVES:
            self.problem(
                OBJECTIVES,
                None,
                "",
                f"the sheet has {len(parsed.objectives)} objectives, and a plan has at most "
                f"{MAX_OBJECTIVES}: to keep it clear and concise, combine some or make them "
                "actions of another objective",
            )
        existing = {
            code.casefold(): code for code in partnership.indicators.values_list("code", flat=True)
        }
        if len(existing) + len(parsed.indicators) > MAX_INDICATORS:
            self.problem(
                INDICATORS,
                None,
                "",
                f"a partnership has at most {MAX_INDICATORS} indicators, and this would make "
                f"{len(existing) + len(parsed.indicators)}: choose the ones that show best "
                "whether its objectives are being met",
            )
        for row in parsed.indicators:
            if row.code.casefold() in existing:
                self.problem(
                    INDICATORS,
                    row.row,
                    REF,
                    f"{partnership.name} already has an indicator {existing[row.code.casefold()]}: "
                    "give this one another reference",
                )
        self._check_people_and_outcomes()

    def _check_people_and_outcomes(self) -> None:
        partnership = self.partnership
        members = {
            m.person.email.casefold(): m.person
            for m in Membership.objects.filter(partnership=partnership).select_related("person")
            if m.person.email
        }
        partner_ids = {
            partnership.lead_organisation_id,
            *partnership.memberships.values_list("organisation", flat=True),
        }
        partners = {o.name.casefold(): o for o in Organisation.objects.filter(pk__in=partner_ids)}
        outcomes: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in Outcome.objects.select_related("strategic_plan"):
            outcomes[outcome.code.casefold()].append(outcome)
            outcomes[f"{outcome.strategic_plan.title}: {outcome.code}".casefold()].append(outcome)
        for row in self.parsed.objectives:
            owner = None
            if row.owner_email:
                owner = members.get(row.owner_email.casefold())
                if owner is None:
                    self.problem(
                        OBJECTIVES,
                        row.row,
                        OWNER,
                        f"{row.owner_email} is not the e-mail address of anyone in "
                        f"{partnership.name}: add them to the partnership first, or leave the "
                        "owner blank",
                    )
            self.owners[row.row] = owner
            organisation = None
            if row.lead_organisation:
                organisation = partners.get(row.lead_organisation.casefold())
                if organisation is None:
                    names = ", ".join(sorted(o.name for o in partners.values()))
                    self.problem(
                        OBJECTIVES,
                        row.row,
                        ORGANISATION,
                        f"“{row.lead_organisation}” is not one of the partnership's "
                        f"organisations ({names})",
                    )
            self.organisations[row.row] = organisation
            found = []
            for ref in row.outcomes:
                matches = outcomes.get(" ".join(ref.split()).casefold(), [])
                if not matches:
                    self.problem(
                        OBJECTIVES,
                        row.row,
                        OUTCOMES,
                        f"no strategic plan has an outcome {ref}: use the outcome's code, as "
                        "on the Strategic plans page",
                    )
                elif len(matches) > 1:
                    plans = " and ".join(sorted(o.strategic_plan.title for o in matches))
                    self.problem(
                        OBJECTIVES,
                        row.row,
                        OUTCOMES,
                        f"{ref} is an outcome of {plans}: write it with the plan's title, like "
                        f"“{matches[0].strategic_plan.title}: {matches[0].code}”",
                    )
                else:
                    found.append(matches[0])
            self.outcomes[row.row] = found

    # --- writing ----------------------------------------------------------------------------

    def write(self, plan: Plan) -> Imported:
        imported = Imported(plan=plan)
        indicators = self._indicators(plan, imported)
        self._objectives(plan, indicators, imported)
        self._targets(plan, indicators, imported)
        self._results(indicators, imported)
        return imported

    def _indicators(self, plan: Plan, imported: Imported) -> dict[str, Indicator]:
        created: dict[str, Indicator] = {}
        for row in self.parsed.indicators:
            if (INDICATORS, row.row) in self.skipped:
                continue
            try:
                indicator = create_indicator(
                    plan=plan,
                    objective=None,
                    by=self.by,
                    code=row.code,
                    title=row.title,
                    definition=row.definition,
                    unit=row.unit,
                    decimals=row.decimals,
                    polarity=row.polarity,
                    frequency=row.frequency,
                    baseline=row.baseline,
                    baseline_period=row.baseline_period,
                    data_source=row.source,
                )
            except ValidationError as error:
                self._refused(INDICATORS, row.row, error, INDICATOR_COLUMNS)
                continue
            created[row.code.casefold()] = indicator
            imported.indicators += 1
        return created

    def _objectives(self, plan: Plan, indicators: dict[str, Indicator], imported: Imported) -> None:
        measures: dict[str, list[Indicator]] = defaultdict(list)
        for row in self.parsed.indicators:
            for ref in row.objectives:
                if (indicator := indicators.get(row.code.casefold())) is not None:
                    measures[ref.casefold()].append(indicator)
        for row in self.parsed.objectives:
            if (OBJECTIVES, row.row) in self.skipped:
                continue
            try:
                save_objective(
                    plan=plan,
                    by=self.by,
                    title=row.title,
                    description=row.description,
                    owner=self.owners.get(row.row),
                    lead_organisation=self.organisations.get(row.row),
                    deadline=row.deadline,
                    outcomes=self.outcomes.get(row.row, []),
                    indicators=measures[row.ref.casefold()],
                )
            except ValidationError as error:
                self._refused(OBJECTIVES, row.row, error, OBJECTIVE_COLUMNS)
                continue
            imported.objectives += 1

    def _targets(self, plan: Plan, indicators: dict[str, Indicator], imported: Imported) -> None:
        rows: dict[str, list[TargetRow]] = defaultdict(list)
        for row in self.parsed.targets:
            indicator = indicators.get(row.indicator.casefold())
            if indicator is None:
                continue  # the indicator's own row has the problem
            if not plan.covers(row.period):
                self.problem(
                    TARGETS,
                    row.row,
                    PERIOD,
                    f"{row.period.label} is outside the plan ({plan.years_label}): set targets "
                    "for the plan's years, or change the plan's years",
                )
                continue
            rows[row.indicator.casefold()].append(row)
        for key, group in rows.items():
            try:
                set_plan_targets(
                    plan=plan,
                    indicator=indicators[key],
                    by=self.by,
                    targets={r.period: (r.value, r.upper) for r in group},
                )
            except ValidationError as error:
                self._refused(TARGETS, group[0].row, error, {"value": VALUE, "upper": UPPER})
                continue
            imported.targets += len(group)

    def _results(self, indicators: dict[str, Indicator], imported: Imported) -> None:
        today = timezone.localdate()
        rows: dict[str, list[ResultRow]] = defaultdict(list)
        reported: dict[str, set[Period]] = {}
        for row in self.parsed.results:
            key = row.indicator.casefold()
            indicator = indicators.get(key)
            if indicator is None:
                continue  # the indicator's own row has the problem
            if key not in reported:
                reported[key] = periods_reported_in_returns(indicator)
            if row.period.end >= today:
                self.problem(
                    RESULTS,
                    row.row,
                    PERIOD,
                    f"{row.period.label} has not ended yet: its result is entered in the "
                    "quarterly return",
                )
            elif row.period in reported[key]:
                self.problem(
                    RESULTS,
                    row.row,
                    PERIOD,
                    f"a quarterly return of {self.partnership.name} reports {row.period.label}, "
                    "so its result is entered there",
                )
            else:
                rows[key].append(row)
        for key, group in rows.items():
            indicator = indicators[key]
            values = {
                r.period: PastResult(value=r.value, note=r.note)
                for r in group
                if r.value is not None
            }
            try:
                imported.results += record_past_results(
                    indicator=indicator, by=self.by, results=values, reason=self.reason
                )
            except ValidationError as error:
                self._refused(RESULTS, group[0].row, error, {"value": VALUE, "note": NOTE})
                continue
            for row in group:
                if row.value is None:
                    self._not_available(indicator, row, imported)

    def _not_available(self, indicator: Indicator, row: ResultRow, imported: Imported) -> None:
        """A result marked not available, with the note as the reason: what the return page
        records for one, checked as record_past_results checks a value (above)."""
        result = Result(
            indicator=indicator,
            period=row.period,
            value=None,
            not_available=True,
            not_available_reason=row.note,
            entered_by=self.by,
        )
        try:
            with transaction.atomic():
                result.full_clean(validate_unique=True, validate_constraints=True)
                save_audited(result, by=self.by, reason=self.reason)
        except ValidationError as error:
            self._refused(RESULTS, row.row, error, {"not_available_reason": NOTE, "note": NOTE})
            return
        imported.not_available += 1

    def _refused(
        self, sheet: str, row: int, error: ValidationError, columns: dict[str, str]
    ) -> None:
        """A service's refusal, put against the row that caused it (and the column, where
        the refusal names a field the sheet has)."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.problem(sheet, row, columns.get(name, ""), _sentence(message))
        else:
            for message in error.messages:
                self.problem(sheet, row, "", _sentence(message))


def _sentence(message: str) -> str:
    """A service's message as the rest of a row's problem: lower case first, no full stop."""
    message = message.strip().rstrip(".")
    first = message.split(" ", 1)[0]
    if len(first) == 1 or first[1:].islower():  # "A plan…", "Enter…"; not "CS01 …"
        return message[:1].lower() + message[1:]
    return message


__all__ = [
    "ImportRefused",
    "Imported",
    "IndicatorRow",
    "ObjectiveRow",
    "PlanImport",
    "ResultRow",
    "SheetProblem",
    "TargetRow",
    "import_blocker",
    "import_partnership_plan",
    "imported_reason",
]
