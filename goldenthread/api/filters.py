"""What the read endpoints share: the filters a list takes (a partnership, an indicator, a
period range written as councils write periods) and who is named in a row. A filter naming
an object the person may not see is a 404, as the object itself would be: a list never
confirms that another partnership's object exists."""

from typing import Annotated

from django.db.models import Q, QuerySet
from pydantic import AfterValidator, Field

from goldenthread.core.access import get_indicator_for_user, get_partnership_for_user
from goldenthread.core.models import Indicator, Partnership, User
from goldenthread.rules import Frequency, Period
from goldenthread.rules.periods import PeriodError


def _readable_period(text: str) -> str:
    try:
        Period.parse(text)
    except PeriodError as error:
        raise ValueError(str(error)) from None
    return text


PeriodText = Annotated[str, AfterValidator(_readable_period)]
PARTNERSHIP = Field(None, description="Only this partnership's (its id).")
INDICATOR = Field(None, description="Only this indicator's (its id).")
FROM = Field(
    None,
    alias="from",
    description="Only periods starting on or after this one's start, written as councils "
    "write them: 2024/25 Q1, 2024/25, Nov 2024.",
)
TO = Field(None, description="Only periods ending on or before this one's end: 2025/26 Q4.")


def visible_partnerships(user: User) -> QuerySet[Partnership]:
    return Partnership.objects.visible_to(user)


def scoped(rows: QuerySet, path: str, user: User, partnership_id: int | None) -> QuerySet:
    """Rows whose partnership (at `path`, e.g. "indicator__partnership") the person may see,
    limited to one partnership when asked."""
    if partnership_id is not None:
        return rows.filter(**{path: get_partnership_for_user(user, partnership_id)})
    return rows.filter(**{f"{path}__in": visible_partnerships(user).values("pk")})


def indicator_of(user: User, indicator_id: int | None) -> Indicator | None:
    return None if indicator_id is None else get_indicator_for_user(user, indicator_id)


def _key_kind(frequency: Frequency, field: str) -> Q:
    """Keys look like 2025 (a year), 2025-Q3 (a quarter) and 2025-M08 (a month)."""
    if frequency is Frequency.QUARTERLY:
        return Q(**{f"{field}__contains": "-Q"})
    if frequency is Frequency.MONTHLY:
        return Q(**{f"{field}__contains": "-M"})
    return ~Q(**{f"{field}__contains": "-"})


def period_range(field: str, first: str | None, last: str | None) -> Q:
    """Periods (of every frequency) that lie wholly within `first`'s start and `last`'s
    end: from 2024/25 Q1 to 2024/25 Q4 takes the four quarters, the twelve months and the
    year 2024/25. A filter on the stored keys, so it uses the (indicator, period) index."""
    start = Period.parse(first).start if first else None
    end = Period.parse(last).end if last else None
    found = Q()
    for frequency in Frequency:
        bounds = Q()
        if start is not None:
            low = Period.containing(frequency, start)
            if low.start < start:
                low = low.next()
            bounds &= Q(**{f"{field}__gte": low})
        if end is not None:
            high = Period.containing(frequency, end)
            if high.end > end:
                high = high.previous()
            bounds &= Q(**{f"{field}__lte": high})
        found |= _key_kind(frequency, field) & bounds
    return found


def name_of(person: User | None) -> str | None:
    return None if person is None else str(person)
