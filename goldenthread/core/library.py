"""Reads of the council indicator library (issue 16) for its pages: the list, and one
library indicator with its results and every plan that uses it — the golden thread
across partnerships. Writes are goldenthread.core.services.library's."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from goldenthread.rules import Period, Rag

from .models import (
    Indicator,
    LibraryIndicator,
    LibraryResult,
    Objective,
    Partnership,
    Plan,
    Result,
    Target,
    User,
)


def library_indicators(search: str = "") -> QuerySet[LibraryIndicator]:
    """Every library indicator (anyone signed in may read the library), with how many
    partnerships use each, searched by title, code or metric reference."""
    found = LibraryIndicator.objects.select_related("owner", "owner_organisation").annotate(
        partnerships=Count("uses", distinct=True)
    )
    search = search.strip()
    if search:
        found = found.filter(
            Q(title__icontains=search)
            | Q(code__icontains=search)
            | Q(metric_reference__icontains=search)
        )
    return found.order_by("title", "code")


@dataclass
class LibraryUse:
    """One partnership's use of a library indicator, measured against its own targets."""

    indicator: Indicator
    plans: list[Plan]
    result: Result | None
    target: Target | None
    latest_target: Target | None

    @property
    def rag(self) -> Rag:
        return self.indicator.rag(
            self.result.value if self.result else None,
            self.target.value if self.target else None,
            self.target.upper if self.target else None,
        )


@dataclass
class LibraryPage:
    library_indicator: LibraryIndicator
    results: list[LibraryResult]
    latest: Period | None
    uses: list[LibraryUse]
    # Partnerships using it whose pages the person may not see: counted, never named.
    hidden: int


def visible_partnership_ids(user: User) -> set[int] | None:
    """The partnerships the person sees; None for the performance team (every one)."""
    if user.is_active and user.is_performance_team:
        return None
    return set(Partnership.objects.visible_to(user).values_list("pk", flat=True))


def library_page(library_indicator: LibraryIndicator, user: User) -> LibraryPage:
    """A fixed number of queries however many plans use it."""
    results = list(library_indicator.results.select_related("entered_by").order_by("-period"))
    latest = results[0].period if results else None
    visible = visible_partnership_ids(user)
    using = list(
        library_indicator.uses.select_related("partnership", "owner").order_by("partnership__name")
    )
    shown = [i for i in using if visible is None or i.partnership_id in visible]
    ids = [i.pk for i in shown]
    plans: dict[int, list[Plan]] = {pk: [] for pk in ids}
    links = Objective.indicators.through.objects.filter(indicator_id__in=ids).select_related(
        "objective__plan"
    )
    for link in links.order_by("objective__plan__version"):
        if link.objective.plan not in plans[link.indicator_id]:
            plans[link.indicator_id].append(link.objective.plan)
    current = {}
    if latest is not None:
        current = {
            r.indicator_id: r for r in Result.objects.filter(indicator__in=ids, period=latest)
        }
    targets: dict[int, list[Target]] = {pk: [] for pk in ids}
    for target in Target.objects.filter(indicator__in=ids).order_by("period"):
        targets[target.indicator_id].append(target)
    uses = [
        LibraryUse(
            indicator=indicator,
            plans=plans[indicator.pk],
            result=current.get(indicator.pk),
            target=next((t for t in targets[indicator.pk] if t.period == latest), None),
            latest_target=targets[indicator.pk][-1] if targets[indicator.pk] else None,
        )
        for indicator in shown
    ]
    return LibraryPage(
        library_indicator=library_indicator,
        results=results,
        latest=latest,
        uses=uses,
        hidden=len(using) - len(shown),
    )
