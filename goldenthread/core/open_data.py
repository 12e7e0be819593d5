"""Reads for open data (issue 15): every signed-off figure of every published indicator of
each partnership with a public page, for one partnership or the whole council, under the
licence the council has chosen.

Exactly what the public pages show (web/views/public.py) and by the same rules: the
partnership's public page is on, the indicator is published, the result is in
core.monitoring.published_results (a signed-off return's, or recorded outside any
return), and its RAG, target and rounding are the public table's (indicator_history,
Indicator.format_value's decimals). Commentary is given only for a red result, as on the
page. Periods with a target and no result carry no figure and are left out.

The rows come in a stable order: partnership A to Z, indicator code, period oldest first.
A fixed number of queries whatever the number of partnerships, indicators or results."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.shortcuts import get_object_or_404

from goldenthread.rules import Frequency, Period, Polarity, Rag

from .models import Indicator, OpenDataLicence, Partnership, Result, Return
from .monitoring import due_periods
from .performance import indicator_history


@dataclass(frozen=True)
class OpenRow:
    """One published figure. Field names are the CSV's column names."""

    partnership_id: int
    partnership: str
    area_code: str  # the council's ONS GSS code
    indicator_code: str
    indicator_title: str
    frequency: str  # monthly, quarterly or annual
    period: str  # as councils write it: "2025/26 Q1"
    period_start: datetime.date
    period_end: datetime.date
    value: Decimal | None  # rounded as the public page shows it; None when not available
    not_available: bool
    unit: str
    polarity: str  # higher, lower or band
    target: Decimal | None
    target_upper: Decimal | None  # only for a target band
    rag: str  # red, amber, green or grey
    commentary: str  # why a red result is off target; "" for every other result


@dataclass(frozen=True)
class OpenDataSet:
    title: str
    description: str
    publisher: str
    area_code: str  # the council's ONS GSS code
    partnership_id: int | None  # None: the whole council
    licence: OpenDataLicence
    rows: list[OpenRow]


def open_data_licence() -> OpenDataLicence:
    """The licence the open data is published under: the council's choice, or the Open
    Government Licence v3.0 while it has made none. One query, and no write (the public
    pages read it)."""
    return OpenDataLicence.objects.filter(pk=1).first() or OpenDataLicence()


def unconfirmed_periods_by_partnership(partnership_ids: list[int]) -> dict[int, set[Period]]:
    """core.monitoring.unconfirmed_periods for many partnerships in one query: the periods
    due in any of each partnership's returns that are not signed off."""
    pending = (
        Return.objects.filter(partnership_id__in=partnership_ids)
        .exclude(status=Return.Status.SIGNED_OFF)
        .order_by()
        .values_list("partnership_id", "round__period")
    )
    unconfirmed: dict[int, set[Period]] = defaultdict(set)
    for partnership_id, quarter in pending:
        for frequency in Frequency:
            unconfirmed[partnership_id].update(due_periods(frequency, quarter))
    return unconfirmed


def _rounded(indicator: Indicator, value: Decimal | None) -> Decimal | None:
    # Indicator.format_value's rounding, without its thousands separators and % sign.
    return None if value is None else Decimal(f"{value:.{indicator.decimals}f}")


def _rows(indicators: list[Indicator]) -> list[OpenRow]:
    unconfirmed = unconfirmed_periods_by_partnership(
        sorted({indicator.partnership_id for indicator in indicators})
    )
    rows = []
    for indicator in indicators:
        pending = unconfirmed.get(indicator.partnership_id, set())
        published: list[Result] = [r for r in indicator.results.all() if r.period not in pending]
        for row in indicator_history(indicator, results=published):
            if row.result is None:
                continue
            result, target, period = row.result, row.target, row.period
            band = Polarity(indicator.polarity) is Polarity.BAND
            rows.append(
                OpenRow(
                    partnership_id=indicator.partnership_id,
                    partnership=indicator.partnership.name,
                    area_code=settings.GT_HOME_AREA_CODE,
                    indicator_code=indicator.code,
                    indicator_title=indicator.title,
                    frequency=indicator.frequency,
                    period=period.label,
                    period_start=period.start,
                    period_end=period.end,
                    value=None if result.not_available else _rounded(indicator, result.value),
                    not_available=result.not_available,
                    unit=indicator.unit,
                    polarity=indicator.polarity,
                    target=_rounded(indicator, target.value) if target else None,
                    target_upper=(
                        _rounded(indicator, target.upper)
                        if target and band and target.upper is not None
                        else None
                    ),
                    rag=row.rag.value,
                    commentary=result.commentary.strip() if row.rag is Rag.RED else "",
                )
            )
    return rows


def _published_indicators(partnership: Partnership | None = None) -> list[Indicator]:
    indicators = Indicator.objects.filter(is_published=True, partnership__is_public=True)
    if partnership is not None:
        indicators = indicators.filter(partnership=partnership)
    return list(
        indicators.select_related("partnership")
        .only(
            "pk",
            "code",
            "title",
            "unit",
            "decimals",
            "polarity",
            "frequency",
            "tolerance",
            "tolerance_kind",
            "partnership__name",
        )
        .order_by("partnership__name", "partnership_id", "code")
        .prefetch_related("targets", "results")
    )


def council_open_data() -> OpenDataSet:
    """Every public partnership's published figures. Five queries."""
    area = settings.GT_HOME_AREA_CODE
    return OpenDataSet(
        title="Partnership performance: published results and targets",
        description=(
            "The results and targets of every indicator the council's partnerships publish "
            f"on their public pages (ONS area {area}), once the council's performance team "
            "has signed them off."
        ),
        publisher=f"The council's partnerships, ONS area {area}",
        area_code=area,
        partnership_id=None,
        licence=open_data_licence(),
        rows=_rows(_published_indicators()),
    )


def partnership_open_data(partnership_id: int) -> OpenDataSet:
    """One public partnership's published figures; 404 for any partnership without a
    public page. Six queries."""
    partnership = get_object_or_404(
        Partnership.objects.only("pk", "name"), pk=partnership_id, is_public=True
    )
    return OpenDataSet(
        title=f"{partnership.name}: published results and targets",
        description=(
            f"The results and targets of the indicators {partnership.name} publishes on its "
            "public page, once the council's performance team has signed them off."
        ),
        publisher=partnership.name,
        area_code=settings.GT_HOME_AREA_CODE,
        partnership_id=partnership.pk,
        licence=open_data_licence(),
        rows=_rows(_published_indicators(partnership)),
    )
