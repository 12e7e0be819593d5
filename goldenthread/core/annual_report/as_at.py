"""The annual report's figures as at the year end, read from the audit history
(django-simple-history's historical tables) in bulk: a fixed number of queries whatever
the number of indicators, targets, results and actions, never one `as_of` per object.

The rules (issue 12), for the financial year starting in `year`:
- *The end of the year* is the last instant of 31 March of the next year in the project's
  time zone (years.year_end_moment). Reads are taken at it when the partnership was keeping
  its record in Golden Thread then (years.year_end_state); a year entered after the fact
  has no year-end state in the history, and is read as recorded.
- *Indicators* are those that existed at the end of the year: one first recorded later is
  not one of the year's measures, even with results back-filled for the year.
- *Targets* and *action states* are as they stood at the end of the year: the latest
  historical record at or before it (a target removed later still counts; one set later
  did not exist). An object with no history at all was loaded before the history was
  kept, and is read as it is.
- *Results* arrive after their period ends (a year's Q4 results in April and May), so a
  result is not read at the year end but as it stood when the return reporting it was
  signed off (monitoring.due_periods says which return reports which period): the figure
  the partnership submitted and the performance team accepted, which the compliance
  evidence and the public page rest on. A result whose return is not signed off (only a
  draft report shows one) is read as it is now.
- *Later changes* are shown as corrections beside the year-end figure, with their date and
  the figure now ("Target changed on 3 December 2026 to 110.", "Result corrected on 3
  December 2026 to 90."), rather than replacing it: an auditor reconciles the report with
  the record the year was judged on (the targets the board set, the signed-off returns), so
  the status must not move when a figure is changed afterwards, and every later change
  must be visible, dated, next to the figure it changes.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Model, Q
from django.utils import timezone

from goldenthread.core.models import Indicator, Partnership, Result, Return, Target
from goldenthread.core.monitoring import due_periods
from goldenthread.rules import Frequency, Period, long_date


@dataclass
class Past:
    """What the history says about some objects: each one's state at the moment (None
    if it did not exist then) and the date of its last change since."""

    at_moment: dict[int, Model]
    recorded: set[int]  # every object with any history
    last_change: dict[int, datetime.datetime]  # the latest history entry's date

    def state(self, obj: Model) -> Model | None:
        """The object as it stood at the moment; as it is, with no history to say."""
        if obj.pk not in self.recorded:
            return obj
        return self.at_moment.get(obj.pk)

    def gone(self, current: Iterable[int]) -> list[Model]:
        """Objects that existed at the moment and have been deleted since."""
        current = set(current)
        return [obj for pk, obj in self.at_moment.items() if pk not in current]


def history_at(
    model: type[Model], moments: datetime.datetime | dict[int, datetime.datetime], q: Q
) -> Past:
    """One query: every history entry of the `model` objects matching `q` (on fields that
    never change, such as indicator or period), each object's latest entry at or before its
    moment (one moment for all, or one per object id), and its last change. Entries made
    in the same instant are ordered by their id, the order they were written in."""
    at_moment: dict[int, object] = {}
    recorded: set[int] = set()
    last: dict[int, object] = {}
    for record in model.history.filter(q).order_by("history_date", "history_id"):
        recorded.add(record.id)
        last[record.id] = record
        moment = moments if isinstance(moments, datetime.datetime) else moments.get(record.id)
        if moment is not None and record.history_date <= moment:
            at_moment[record.id] = record
    return Past(
        at_moment={pk: r.instance for pk, r in at_moment.items() if r.history_type != "-"},
        recorded=recorded,
        last_change={pk: r.history_date for pk, r in last.items()},
    )


@dataclass
class YearEndFigures:
    """Each indicator's targets and results as the report reads them, and what changed
    since, for indicator rows to be worked out from (measures.measure)."""

    targets: dict[int, list[Target]] = field(default_factory=dict)
    results: dict[int, list[Result]] = field(default_factory=dict)
    current_targets: dict[tuple[int, Period], Target] = field(default_factory=dict)
    current_results: dict[tuple[int, Period], Result] = field(default_factory=dict)
    target_changes: dict[tuple[int, Period], datetime.datetime] = field(default_factory=dict)
    result_changes: dict[tuple[int, Period], datetime.datetime] = field(default_factory=dict)

    def corrections(self, indicator: Indicator, period: Period | None) -> list[str]:
        """The changes made after the year end (targets) or after sign-off (results) to
        the figures the report shows for `period`, in words with their dates."""
        if period is None:
            return []
        key = (indicator.pk, period)
        notes = []
        shown = next((t for t in self.targets.get(indicator.pk, []) if t.period == period), None)
        now = self.current_targets.get(key)
        if key in self.target_changes and _target(shown) != _target(now):
            when = long_date(timezone.localdate(self.target_changes[key]))
            if now is None:
                notes.append(f"Target removed on {when}.")
            else:
                verb = "set" if shown is None else "changed"
                notes.append(f"Target {verb} on {when} to {_target_words(indicator, now)}.")
        shown = next((r for r in self.results.get(indicator.pk, []) if r.period == period), None)
        now = self.current_results.get(key)
        if key in self.result_changes and shown is not None and _result(shown) != _result(now):
            when = long_date(timezone.localdate(self.result_changes[key]))
            if now is None:
                notes.append(f"Result removed on {when}.")
            elif now.value is None:
                notes.append(f"Result corrected on {when}: now not available.")
            else:
                notes.append(f"Result corrected on {when} to {indicator.format_value(now.value)}.")
        return notes


def _target(t: Target | None) -> tuple | None:
    return None if t is None else (t.value, t.upper)


def _result(r: Result | None) -> tuple | None:
    return None if r is None else (r.value, r.not_available)


def _target_words(indicator: Indicator, t: Target) -> str:
    if t.upper is not None and t.upper != t.value:
        return f"{indicator.format_value(t.value)} to {indicator.format_value(t.upper)}"
    return indicator.format_value(t.value)


def signed_off(partnership: Partnership) -> dict[Period, datetime.datetime]:
    """When each period's results were signed off: the moment the return reporting them was
    signed off, for every frequency (period keys differ by frequency). One query."""
    moments: dict[Period, datetime.datetime] = {}
    for quarter, decided_at in Return.objects.filter(
        partnership=partnership, status=Return.Status.SIGNED_OFF, decided_at__isnull=False
    ).values_list("round__period", "decided_at"):
        for frequency in Frequency:
            for period in due_periods(frequency, quarter):
                moments[period] = decided_at
    return moments


def year_end_figures(
    partnership: Partnership,
    indicators: list[Indicator],
    year: int,
    at: datetime.datetime | None,
    window: Q,
) -> YearEndFigures:
    """The targets (as at `at`, the year end, or as they are when it is None) and results
    (the year's as signed off) of `indicators`, whose `targets` and `results` are
    prefetched over the report's `window` of periods. At most three queries."""
    figures = YearEndFigures()
    ids = [i.pk for i in indicators]
    for indicator in indicators:
        for t in indicator.targets.all():
            figures.current_targets[(indicator.pk, t.period)] = t
        for r in indicator.results.all():
            figures.current_results[(indicator.pk, r.period)] = r
        figures.targets[indicator.pk] = list(indicator.targets.all())
        figures.results[indicator.pk] = list(indicator.results.all())

    if at is not None and ids:
        past = history_at(Target, at, Q(indicator_id__in=ids) & window)
        by_indicator: dict[int, list[Target]] = defaultdict(list)
        current = []
        for indicator in indicators:
            for t in indicator.targets.all():
                current.append(t.pk)
                if (state := past.state(t)) is not None:
                    by_indicator[indicator.pk].append(state)
                if t.pk in past.recorded and past.last_change[t.pk] > at:
                    figures.target_changes[(indicator.pk, t.period)] = past.last_change[t.pk]
        for t in past.gone(current):
            by_indicator[t.indicator_id].append(t)
            figures.target_changes[(t.indicator_id, t.period)] = past.last_change[t.pk]
        figures.targets = {
            pk: sorted(by_indicator.get(pk, []), key=lambda t: t.period) for pk in ids
        }

    # The year's results, as signed off.
    moments = signed_off(partnership)
    wanted = {
        r.pk: moments[r.period]
        for i in indicators
        for r in i.results.all()
        if r.period.year == year and r.period in moments
    }
    if wanted:
        past = history_at(Result, wanted, Q(id__in=list(wanted)))
        for indicator in indicators:
            results = []
            for r in figures.results[indicator.pk]:
                state = past.at_moment.get(r.pk) if r.pk in wanted else None
                results.append(state if state is not None else r)
                if state is not None and past.last_change[r.pk] > wanted[r.pk]:
                    figures.result_changes[(indicator.pk, r.period)] = past.last_change[r.pk]
            figures.results[indicator.pk] = results
    return figures
