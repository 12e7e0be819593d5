"""Which plan and which years an annual report is about: `year_plan`, the plan version a
year's report follows, and `report_years`, the years a partnership can report on with their
editions (the partnership page lists them)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from goldenthread.core.models import AnnualReport, Indicator, Partnership, Plan
from goldenthread.rules import Frequency, Period, year_label


def year_end_moment(year: int) -> datetime.datetime:
    """The end of the financial year starting in `year`: the last instant of 31 March of
    the next year in the project's time zone (settings.TIME_ZONE, Europe/London, so in
    British Summer Time). The audit history's `history_date` is compared with it."""
    end = Period(Frequency.ANNUAL, year, 1).end
    return timezone.make_aware(datetime.datetime.combine(end, datetime.time.max))


def year_end_state(partnership_ids: list[int], year: int) -> dict[int, datetime.datetime | None]:
    """For each partnership, the moment its year-end reads are taken at: the end of the
    year when the partnership was keeping its record in Golden Thread then (a version of
    its plan was recorded by the end of the year), else None. A partnership that started
    using Golden Thread after the year loaded the year after the fact, so its audit
    history holds no state as at the year end, and what it loaded stands for the year.
    One query."""
    moment = year_end_moment(year)
    kept = set(
        Plan.history.filter(
            partnership_id__in=partnership_ids, history_type="+", history_date__lte=moment
        )
        .order_by()
        .values_list("partnership_id", flat=True)
        .distinct()
    )
    return {pk: moment if pk in kept else None for pk in partnership_ids}


def added_after(partnership_ids: list[int], moment: datetime.datetime):
    """The ids of the partnerships' indicators first recorded after `moment`, as a query
    to exclude with: measures added after the year end are not the year's. An indicator
    with no history at all (loaded before the history was kept) is not among them."""
    return (
        Indicator.history.filter(
            partnership_id__in=partnership_ids, history_type="+", history_date__gt=moment
        )
        .order_by()
        .values("id")
    )


def year_plan(partnership: Partnership, year: int) -> Plan | None:
    """The plan version in force at the end of the year (see the package's notes)."""
    plans = list(partnership.plans.order_by("version"))
    end = Period(Frequency.ANNUAL, year, 1).end
    covering = [
        p for p in plans if p.status != Plan.Status.DRAFT and p.first_year <= year <= p.last_year
    ]
    in_force = [
        p for p in covering if p.approved_at is None or timezone.localdate(p.approved_at) <= end
    ]
    if in_force:
        return in_force[-1]
    if covering:
        return covering[0]
    current = [p for p in plans if p.status == Plan.Status.APPROVED] or [
        p for p in plans if p.status == Plan.Status.DRAFT
    ]
    return current[-1] if current else None


@dataclass
class ReportYear:
    year: int
    label: str
    latest: AnnualReport | None  # the newest published edition
    draft: AnnualReport | None
    ended: bool


def report_years(partnership: Partnership, today: datetime.date) -> list[ReportYear]:
    """The financial years a report can be made for, newest first: every year of the
    partnership's plans up to the current one. Two queries."""
    plans = list(partnership.plans.values_list("first_year", "last_year"))
    current = Period.containing(Frequency.ANNUAL, today).year
    years = {y for first, last in plans for y in range(first, last + 1) if y <= current}
    reports = list(partnership.annual_reports.order_by("year", "edition"))
    years |= {r.year for r in reports}
    out = []
    for y in sorted(years, reverse=True):
        mine = [r for r in reports if r.year == y]
        published = [r for r in mine if r.status == AnnualReport.Status.PUBLISHED]
        out.append(
            ReportYear(
                year=y,
                label=year_label(y),
                latest=published[-1] if published else None,
                draft=next((r for r in mine if r.status == AnnualReport.Status.DRAFT), None),
                ended=Period(Frequency.ANNUAL, y, 1).end < today,
            )
        )
    return out
