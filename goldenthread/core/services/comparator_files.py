"""Getting a partnership's indicators, and comparator groups, out of a published data file
(issue 16), rather than typing each into the admin before anything can be imported.

``create_indicators_from_file``: for each chosen published indicator and measure of a file,
a new indicator of the partnership (through ``plans.create_indicator``, so the plan's rules
apply: a draft version, the partnership's limit on indicators, the model's checks) with its
history, all or nothing:

- the figures for our own area (settings.GT_HOME_AREA_CODE) become the indicator's results,
  written through ``history.record_past_results`` with the reason "Imported from <file>".
  Our results come from our quarterly returns: a figure for a period that a return of the
  partnership reports, or for a period that has not ended, is not written (it is entered
  in the return, where it is checked and signed off) and is counted instead;
- every other area's figures become comparator values
  (``benchmarking.import_comparator_values``);
- the published indicator and measure → new indicator is remembered (ComparatorMapping),
  so the next file of the same kind maps itself on the importer's page.

Who: the partnership's leads. Creating an indicator is a change to the partnership's plan,
which ``create_indicator`` keeps to the partnership's leads and members; importing its
figures is for leads (``may_import_into``). The council performance team imports figures
for indicators that exist but, as everywhere else, does not write a partnership's plan.

``create_group_from_areas``: a comparator group of every local area in a file, or of every
area of one type (by the area code's prefix, such as E08 metropolitan districts, or by the
file's ``area_type`` column), through ``benchmarking.import_comparator_group``; the council
performance team's, since every partnership shares the groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from goldenthread.core.access import Need, may_import_groups, require
from goldenthread.core.models import ComparatorGroup, Indicator, Objective, Plan, User
from goldenthread.core.models.fields import NOTE
from goldenthread.rules import Period

from .benchmarking import ComparatorInput, import_comparator_group, import_comparator_values
from .history import PastResult, periods_reported_in_returns, record_past_results
from .plans import create_indicator

# The fields asked for each new indicator; anything else takes the model's default.
ASKED = ("code", "title", "unit", "polarity", "decimals", "frequency")

# The nine-character ONS (GSS) code's first three characters say what kind of area it is.
AREA_TYPES = {
    "E06": "Unitary authorities",
    "E07": "Non-metropolitan (shire) districts",
    "E08": "Metropolitan districts",
    "E09": "London boroughs",
    "E10": "Counties",
    "E11": "Metropolitan counties",
    "E12": "Regions of England",
    "E13": "Inner and Outer London",
    "E92": "England",
    "W06": "Welsh unitary authorities",
    "W92": "Wales",
    "S12": "Scottish council areas",
    "S92": "Scotland",
    "N09": "Northern Irish districts",
    "N92": "Northern Ireland",
    "K02": "United Kingdom",
    "K03": "Great Britain",
    "K04": "England and Wales",
}
# Aggregates that files carry beside the local areas (England's figure, the regions'): not
# comparators of a council, so "every area in this file" leaves them out.
AGGREGATES = {"E12", "E13", "E92", "W92", "S92", "N92", "K02", "K03", "K04"}


@dataclass(frozen=True)
class FileFigure:
    """One published figure of a file: an area's value for a period."""

    area_code: str
    area_name: str
    period: Period
    value: Decimal


@dataclass(frozen=True)
class NewIndicator:
    """A published indicator and measure to make one of our indicators of, with what was
    asked for it (ASKED) and the file's figures, already read for its frequency."""

    source_indicator: str
    source_measure: str
    code: str
    title: str
    unit: str
    polarity: str
    decimals: int
    frequency: str
    figures: Sequence[FileFigure] = ()


@dataclass
class CreatedFromFile:
    indicators: list[Indicator] = field(default_factory=list)
    results: int = 0
    comparator_values: int = 0
    areas_added: int = 0
    # Our own figures not written as results: a return reports their period, or it has not
    # ended; both are entered in the quarterly return.
    left_for_returns: int = 0


def imported_reason(source: str) -> str:
    return f"Imported from {source}"[:200]


@transaction.atomic
def create_indicators_from_file(
    *,
    plan: Plan,
    objective: Objective | None,
    indicators: Sequence[NewIndicator],
    by: User,
    source: str,
    home_area_code: str | None = None,
) -> CreatedFromFile:
    """Create the indicators with their history, all or nothing. A refusal of one indicator
    is a ValidationError keyed ``"<position>-<field>"`` (``"<position>"`` for the
    indicator as a whole), the position being its place in ``indicators``."""
    require(
        by,
        plan.partnership,
        Need.LEAD,
        refusal="Only the partnership's leads create indicators from a data file.",
    )
    if not indicators:
        raise ValidationError("Choose at least one published indicator to create.")
    home = (home_area_code or settings.GT_HOME_AREA_CODE).strip().upper()
    source = source.strip() or "a data file"
    reason = imported_reason(source)
    today = timezone.localdate()
    created = CreatedFromFile()
    comparator_values: list[ComparatorInput] = []
    mappings: dict[tuple[str, str], Indicator | None] = {}
    for position, new in enumerate(indicators):
        indicator = _create(plan, objective, by, source, position, new)
        created.indicators.append(indicator)
        mappings[(new.source_indicator, new.source_measure)] = indicator
        reported = periods_reported_in_returns(indicator)
        ours: dict[Period, PastResult] = {}
        for figure in new.figures:
            if figure.area_code.strip().upper() != home:
                comparator_values.append(
                    ComparatorInput(
                        indicator=indicator,
                        area_code=figure.area_code,
                        area_name=figure.area_name,
                        period=figure.period,
                        value=figure.value,
                    )
                )
            elif figure.period in reported or figure.period.end >= today:
                created.left_for_returns += 1
            elif figure.period in ours and ours[figure.period].value != figure.value:
                raise ValidationError(
                    {
                        str(position): f"The file has two different figures for our area in "
                        f"{figure.period.label}: {ours[figure.period].value} and "
                        f"{figure.value}."
                    }
                )
            else:
                ours[figure.period] = PastResult(value=figure.value)
        try:
            created.results += record_past_results(
                indicator=indicator, by=by, results=ours, reason=reason
            )
        except ValidationError as error:
            raise ValidationError({str(position): error.messages}) from None
    counts = import_comparator_values(
        values=comparator_values, by=by, source=source, mappings=mappings
    )
    created.comparator_values = counts.total
    created.areas_added = counts.areas_added
    return created


def _create(
    plan: Plan, objective: Objective | None, by: User, source: str, position: int, new: NewIndicator
) -> Indicator:
    published = new.source_indicator
    if new.source_measure:
        published += f" ({new.source_measure})"
    fields = {name: getattr(new, name) for name in ASKED}
    fields["data_source"] = f"{source}: {published}"[:NOTE]
    if plan.partnership.indicators.filter(code=new.code).exists():
        raise ValidationError(
            {f"{position}-code": f"{plan.partnership.name} already has an indicator {new.code}."}
        )
    try:
        return create_indicator(plan=plan, objective=objective, by=by, **fields)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise ValidationError({str(position): error.messages}) from None
        raise ValidationError(
            {
                (f"{position}-{name}" if name in ASKED else str(position)): messages
                for name, messages in error.message_dict.items()
            }
        ) from None


# --- comparator groups ------------------------------------------------------------------------


def area_type(code: str) -> str:
    """The kind of area an ONS code names, from its prefix ("E08": metropolitan districts)."""
    prefix = code.strip().upper()[:3]
    return AREA_TYPES.get(prefix, f"Areas coded {prefix}")


@dataclass(frozen=True)
class FileArea:
    """An area of a data file: its code, its name and the file's ``area_type`` (blank when
    the file has no such column)."""

    code: str
    name: str = ""
    file_type: str = ""


def areas_of_type(areas: Sequence[FileArea], prefix: str = "", file_type: str = "") -> list:
    """The areas chosen: of the code prefix given, or of the file's area type given, or
    (given neither) every local area, leaving out England, the regions and other aggregates
    (AGGREGATES). The first name seen for each code is kept."""
    chosen: dict[str, FileArea] = {}
    for area in areas:
        code = area.code.strip().upper()
        if prefix:
            wanted = code.startswith(prefix)
        elif file_type:
            wanted = area.file_type.strip() == file_type
        else:
            wanted = code[:3] not in AGGREGATES
        if wanted and code not in chosen:
            chosen[code] = area
    return list(chosen.values())


@transaction.atomic
def create_group_from_areas(
    *,
    name: str,
    areas: Sequence[FileArea],
    by: User,
    prefix: str = "",
    file_type: str = "",
    description: str = "",
) -> tuple[ComparatorGroup, int]:
    """A comparator group of the file's areas chosen by ``areas_of_type`` (a group of that
    name has its list of areas replaced). Returns the group and how many areas it has."""
    if not may_import_groups(by):
        raise PermissionDenied(
            "Only the council performance team makes comparator groups: every partnership "
            "shares them."
        )
    chosen = areas_of_type(areas, prefix=prefix, file_type=file_type)
    if not chosen:
        raise ValidationError({"areas": "The file has no areas of the kind chosen."})
    group, _created = import_comparator_group(
        name=name,
        description=description,
        areas=[(a.code.strip().upper(), a.name) for a in chosen],
        by=by,
    )
    return group, len(chosen)
