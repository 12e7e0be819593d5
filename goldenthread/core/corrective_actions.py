"""Reads for corrective actions tracked to closure: whether one is overdue, those a person
owns, those of an indicator or a plan, the open ones a later return asks about, and the
open and overdue counts per partnership for the council-wide view.

Overdue is the same rule as for an action (`rules.is_overdue`): not finished (here, not
closed) and past its due date. It is also written as SQL (`overdue_q`) so counts need no
rows in Python; tests check the two agree."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import CorrectiveAction, CorrectiveActionUpdate, Indicator, Return, User

CLOSED = CorrectiveAction.Status.CLOSED


def is_overdue(ca: CorrectiveAction, today: datetime.date) -> bool:
    return ca.status != CLOSED and ca.due_date is not None and ca.due_date < today


def overdue_q(today: datetime.date, prefix: str = "") -> Q:
    """The SQL twin of `is_overdue`, for rows reached through `prefix` ("corrective_actions__")."""
    return Q(**{f"{prefix}due_date__lt": today}) & ~Q(**{f"{prefix}status": CLOSED})


def _with_context(rows: QuerySet) -> QuerySet:
    return rows.select_related(
        "indicator", "owner", "ret__round", "ret__partnership", "closed_by"
    ).prefetch_related(
        Prefetch(
            "updates",
            queryset=CorrectiveActionUpdate.objects.select_related("by", "ret__round").order_by(
                "-at", "-pk"
            ),
        )
    )


@dataclass
class TrackedLine:
    """One corrective action with whether it is overdue today."""

    ca: CorrectiveAction
    overdue: bool


def owned_by(user: User, today: datetime.date) -> list[TrackedLine]:
    """The person's corrective actions not yet closed, in partnerships they still belong
    to (the performance team sees every partnership), soonest due first. Two queries."""
    if not user.is_authenticated:
        return []
    rows = CorrectiveAction.objects.filter(owner=user).exclude(status=CLOSED)
    if not user.is_performance_team:
        rows = rows.filter(ret__partnership__memberships__person=user)
    rows = _with_context(rows).order_by("due_date", "pk").distinct()
    return [TrackedLine(ca, is_overdue(ca, today)) for ca in rows]


def of_indicator(indicator: Indicator, today: datetime.date) -> list[TrackedLine]:
    """Every corrective action of the indicator, open ones first, newest result first,
    with their updates. Two queries."""
    rows = _with_context(indicator.corrective_actions.order_by("-period", "pk"))
    lines = [TrackedLine(ca, is_overdue(ca, today)) for ca in rows]
    lines.sort(key=lambda line: line.ca.status == CLOSED)  # stable: newest first within
    return lines


def of_partnership(partnership_id: int, today: datetime.date) -> list[TrackedLine]:
    """The partnership's corrective actions, open ones first: the plan page's section.
    Two queries."""
    rows = _with_context(
        CorrectiveAction.objects.filter(ret__partnership=partnership_id).order_by(
            "indicator__code", "-period", "pk"
        )
    )
    lines = [TrackedLine(ca, is_overdue(ca, today)) for ca in rows]
    lines.sort(key=lambda line: line.ca.status == CLOSED)  # stable: by indicator within
    return lines


@dataclass
class AskedFor:
    """A corrective action from an earlier return that this return asks about, with the
    update already given in it (if any)."""

    ca: CorrectiveAction
    update: CorrectiveActionUpdate | None

    @property
    def key(self) -> str:
        return f"c_{self.ca.pk}_"

    @property
    def anchor(self) -> str:
        return f"corrective-{self.ca.pk}"


def asked_in(ret: Return) -> list[AskedFor]:
    """The partnership's corrective actions from returns of earlier quarters that are not
    closed, and any closed since but already updated in this return (so what was reported
    stays on it). Two queries."""
    rows = (
        CorrectiveAction.objects.filter(
            ret__partnership=ret.partnership_id, ret__round__period__lt=ret.period
        )
        .filter(~Q(status=CLOSED) | Q(updates__ret=ret))
        .select_related("indicator", "owner", "ret__round")
        .prefetch_related(
            Prefetch("updates", queryset=CorrectiveActionUpdate.objects.filter(ret=ret))
        )
        .distinct()
        .order_by("indicator__code", "period", "pk")
    )
    return [AskedFor(ca, next(iter(ca.updates.all()), None)) for ca in rows]


def counts_subqueries(today: datetime.date) -> dict[str, Coalesce]:
    """Per partnership (annotations on a Partnership queryset): corrective actions not
    closed, and of those the overdue ones. Subqueries, so the page's query count stays."""

    def counted(condition: Q) -> Coalesce:
        rows = (
            CorrectiveAction.objects.filter(ret__partnership=OuterRef("pk"))
            .filter(condition)
            .order_by()
            .values("ret__partnership")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), 0)

    return {
        "open_corrective": counted(~Q(status=CLOSED)),
        "overdue_corrective": counted(overdue_q(today)),
    }
