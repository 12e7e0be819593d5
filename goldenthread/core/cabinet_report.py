"""The quarterly performance report to Cabinet and scrutiny, council-wide: one read that
the web page, the PDF and the Word file all draw from (goldenthread.documents.cabinet_report),
so they say the same thing.

For a quarter (a reporting round opened by the performance team) it lists every
partnership with a return for that quarter. Only signed-off returns give figures: a
partnership whose return is still open, submitted or returned for changes is listed under
"Not yet signed off" with its return's status and nothing else (no counts, exceptions or
commentary), because its figures are not yet confirmed.

For each signed-off partnership:

- Each indicator is judged in the quarter by its own period: a quarterly indicator by the
  quarter, a monthly one by the quarter's last month, an annual one by the latest financial
  year ended by the quarter's end (so outside Q4 an annual indicator shows last year's
  result and does not move). The RAG comes from the indicator's own rule, read as the
  council-wide view reads it (`performance.indicator_rags`); no result is grey.
- Overall status: the worst-wins roll-up the council-wide view uses for objectives
  (`rules.objective_status`) over every indicator's RAG in the quarter and every action
  as reported in the return (an action overdue at the quarter's end counts as off track).
- Exceptions: every indicator red in the quarter, with its result, target, the commentary
  written in the return, and its corrective actions: those set in this quarter's return
  (what will change, who, by when) and those set earlier whose progress this return
  reported (status and progress as reported). Every action the return reported off track,
  or still unfinished past its due date at the quarter's end, with the return's commentary.
  The partnership's own exceptions narrative from the return follows.
- What changed since last quarter: each indicator's RAG against its own period one quarter
  earlier (the previous quarter; for monthly ones the previous quarter's last month; for
  annual ones the year ended by then): moved up (red → amber → green), moved down, newly
  red (red now, not red before: a new exception) and no longer red (red before, amber or
  green now: resolved). Grey (nothing to judge) in either quarter is neither up nor down.
  An action is a new exception when the previous quarter's return did not report it as
  one, and resolved when that return did and this one does not.
- Highlights: indicators green now and not green before, and the highlights the
  partnership wrote in its return.

A fixed number of queries however many partnerships: about a dozen.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.text import slugify

from goldenthread.rules import (
    ActionState,
    Frequency,
    ObjectiveStatus,
    Period,
    Rag,
    is_overdue,
    latest_ended,
    long_date,
    objective_status,
    status_rag,
)

from .models import (
    ActionUpdate,
    CorrectiveAction,
    CorrectiveActionUpdate,
    Indicator,
    ReportingRound,
    Result,
    Return,
    Target,
    User,
)
from .performance import RAG_ORDER, indicator_rags

COUNCIL_VIEW_REFUSAL = "Only the council performance team sees every partnership at once."
_RANK = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}
_FINISHED = (ActionState.COMPLETED, ActionState.CANCELLED)


def may_see_cabinet_report(user: User) -> bool:
    """Whoever sees the council-wide view (the council performance team) sees the report."""
    return bool(user.is_authenticated and user.is_active and user.is_performance_team)


@dataclass(frozen=True)
class CorrectiveLine:
    description: str
    organisation: str  # the owner's organisation ("" when not known)
    due: str  # "31 March 2026" or ""
    status: str  # "Not started", "In progress", "Closed"
    progress: str  # as reported this quarter ("" for one set this quarter)
    set_in: str  # "2025/26 Q3": the quarter whose return asked for it
    new: bool  # set in this quarter's return

    @property
    def who_and_when(self) -> str:
        parts = [self.organisation or "Owner not named"]
        parts.append(f"by {self.due}" if self.due else "no due date")
        return ", ".join(parts)


@dataclass(frozen=True)
class IndicatorException:
    code: str
    title: str
    period: str
    result: str
    target: str
    commentary: str
    corrective: list[CorrectiveLine]
    new: bool  # not red the quarter before

    @property
    def name(self) -> str:
        return f"{self.code} {self.title}"


@dataclass(frozen=True)
class ActionException:
    ref: str
    title: str
    state: str  # as reported: "Off track", …
    due: str
    overdue: bool
    commentary: str
    new: bool

    @property
    def name(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def why(self) -> str:
        if self.overdue and self.state != ActionState.OFF_TRACK.label:
            return f"{self.state}; overdue (due {self.due})"
        return f"{self.state}{f', due {self.due}' if self.due else ''}"


@dataclass(frozen=True)
class Move:
    """One indicator's RAG last quarter and this quarter."""

    code: str
    title: str
    before: Rag
    now: Rag

    @property
    def name(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def text(self) -> str:
        return f"{self.name}: {self.before.label} to {self.now.label}"


@dataclass
class PartnershipSection:
    pk: int
    name: str
    lead_organisation: str
    return_status: str  # "Signed off", "Submitted", …
    signed_off: bool
    is_demo: bool
    status: ObjectiveStatus | None = None
    rag_counts: Counter = field(default_factory=Counter)
    exceptions: list[IndicatorException] = field(default_factory=list)
    action_exceptions: list[ActionException] = field(default_factory=list)
    exceptions_text: str = ""  # the return's own words
    highlights_text: str = ""
    improved: list[Move] = field(default_factory=list)
    worsened: list[Move] = field(default_factory=list)
    newly_red: list[Move] = field(default_factory=list)
    resolved: list[Move] = field(default_factory=list)  # red before, amber or green now
    turned_green: list[Move] = field(default_factory=list)
    resolved_actions: list[str] = field(default_factory=list)  # "A3 Title"

    @property
    def anchor(self) -> str:
        return f"p{self.pk}-{slugify(self.name)[:40]}"

    @property
    def rag_items(self) -> list[tuple[Rag, int]]:
        return [(r, self.rag_counts.get(r, 0)) for r in RAG_ORDER]

    @property
    def indicator_count(self) -> int:
        return sum(self.rag_counts.values())

    @property
    def exception_count(self) -> int:
        return len(self.exceptions) + len(self.action_exceptions)

    @property
    def status_rag(self) -> str:
        """The status's colour, as its tag shows it: "red", "amber", "green" or "grey"."""
        return status_rag(self.status).value if self.status else Rag.GREY.value

    @property
    def new_exceptions(self) -> int:
        return len(self.newly_red) + sum(a.new for a in self.action_exceptions)

    @property
    def resolved_count(self) -> int:
        return len(self.resolved) + len(self.resolved_actions)

    @property
    def changed(self) -> bool:
        return bool(
            self.improved
            or self.worsened
            or self.newly_red
            or self.resolved
            or self.resolved_actions
            or any(a.new for a in self.action_exceptions)
        )


@dataclass
class CabinetReport:
    quarter: Period
    previous: Period
    round: ReportingRound
    produced_on: datetime.date
    signed_off: list[PartnershipSection]
    not_signed_off: list[PartnershipSection]
    is_demo: bool = False

    @property
    def title(self) -> str:
        return f"Partnership performance report to Cabinet: {self.quarter.label}"

    @property
    def rag_totals(self) -> list[tuple[Rag, int]]:
        totals: Counter = Counter()
        for section in self.signed_off:
            totals.update(section.rag_counts)
        return [(r, totals.get(r, 0)) for r in RAG_ORDER]

    @property
    def status_totals(self) -> list[tuple[ObjectiveStatus, int]]:
        counted = Counter(s.status for s in self.signed_off)
        return [(status, counted[status]) for status in ObjectiveStatus if counted[status]]

    @property
    def exception_count(self) -> int:
        return sum(len(s.exceptions) + len(s.action_exceptions) for s in self.signed_off)

    def total(self, name: str) -> int:
        return sum(len(getattr(s, name)) for s in self.signed_off)

    @property
    def summary(self) -> str:
        """The report's first sentence."""
        count = len(self.signed_off) + len(self.not_signed_off)
        return (
            f"{len(self.signed_off)} of {count} partnership{'' if count == 1 else 's'} "
            f"had their {self.quarter.label} return signed off by {long_date(self.produced_on)}; "
            f"between them {self.exception_count} exception"
            f"{'' if self.exception_count == 1 else 's'} "
            f"({self.total('exceptions')} indicator{'' if self.total('exceptions') == 1 else 's'}"
            f" off target, "
            f"{self.total('action_exceptions')} action"
            f"{'' if self.total('action_exceptions') == 1 else 's'} off track or overdue)."
        )

    def filename(self, extension: str) -> str:
        return f"cabinet-performance-report-{slugify(self.quarter.label)}.{extension}"


# --- choosing the quarter --------------------------------------------------------------------


def report_rounds() -> list[ReportingRound]:
    """Every quarter opened, newest first, each with how many of its returns are signed off
    (`signed_off`) and how many it has (`returns_count`). One query."""
    return list(
        ReportingRound.objects.annotate(
            returns_count=Count("returns"),
            signed_off=Count("returns", filter=Q(returns__status=Return.Status.SIGNED_OFF)),
        ).order_by("-period")
    )


def default_round(rounds: list[ReportingRound]) -> ReportingRound | None:
    """The newest quarter with a signed-off return (the report follows sign-off); before
    any, the newest quarter opened."""
    return next((r for r in rounds if r.signed_off), rounds[0] if rounds else None)


# --- the report ----------------------------------------------------------------------------


def _own_periods(quarter: Period) -> dict[Frequency, Period]:
    """Each frequency's period that stands for the quarter: see the module's docstring."""
    after = quarter.end + datetime.timedelta(days=1)
    return {f: latest_ended(f, after) for f in Frequency}


def cabinet_report(round_: ReportingRound, *, today: datetime.date) -> CabinetReport:
    """The report for the quarter of `round_`, as the module's docstring says."""
    quarter = round_.period
    previous = quarter.previous()
    returns = list(
        Return.objects.filter(round=round_)
        .select_related("partnership__lead_organisation")
        .order_by("partnership__name", "partnership_id")
    )
    signed = [r for r in returns if r.status == Return.Status.SIGNED_OFF]
    sections = {
        r.partnership_id: PartnershipSection(
            pk=r.partnership_id,
            name=r.partnership.name,
            lead_organisation=str(r.partnership.lead_organisation or ""),
            return_status=r.get_status_display(),
            signed_off=r.status == Return.Status.SIGNED_OFF,
            is_demo=r.partnership.is_demo,
            exceptions_text=r.exceptions.strip() if r.status == Return.Status.SIGNED_OFF else "",
            highlights_text=r.highlights.strip() if r.status == Return.Status.SIGNED_OFF else "",
        )
        for r in returns
    }
    if signed:
        _figures(quarter, previous, signed, sections, round_)
    ordered = list(sections.values())
    return CabinetReport(
        quarter=quarter,
        previous=previous,
        round=round_,
        produced_on=today,
        signed_off=[s for s in ordered if s.signed_off],
        not_signed_off=[s for s in ordered if not s.signed_off],
        is_demo=any(s.is_demo for s in ordered),
    )


def _figures(
    quarter: Period,
    previous: Period,
    signed: list[Return],
    sections: dict[int, PartnershipSection],
    round_: ReportingRound,
) -> None:
    ids = [r.partnership_id for r in signed]
    now_periods, before_periods = _own_periods(quarter), _own_periods(previous)
    pairs = {f: (now_periods[f], before_periods[f]) for f in Frequency}
    rags = indicator_rags(ids, pairs)
    quarter_end = quarter.end + datetime.timedelta(days=1)

    red_now = [pk for pk, r in rags.items() if r.now is Rag.RED]
    named = {pk for pk, r in rags.items() if r.now is not None and r.now is not r.before}
    indicators = {
        i.pk: i
        for i in Indicator.objects.filter(pk__in=set(red_now) | named).only(
            "pk", "code", "title", "unit", "decimals", "frequency", "partnership_id"
        )
    }

    # The RAG counts, the moves, and the indicators' part of each overall status.
    own_rags: dict[int, list[Rag]] = defaultdict(list)
    for pk, r in sorted(rags.items(), key=lambda item: _code(indicators, item[0])):
        section = sections[r.partnership_id]
        now = r.now if r.now is not None else Rag.GREY
        section.rag_counts[now] += 1
        own_rags[r.partnership_id].append(now)
        if r.now is None or pk not in indicators:
            continue
        indicator = indicators[pk]
        move = Move(indicator.code, indicator.title, r.before, r.now)
        if r.now in _RANK and r.before in _RANK:
            if _RANK[r.now] > _RANK[r.before]:
                section.improved.append(move)
            elif _RANK[r.now] < _RANK[r.before]:
                section.worsened.append(move)
        if r.now is Rag.RED and r.before is not Rag.RED:
            section.newly_red.append(move)
        if r.before is Rag.RED and r.now in (Rag.AMBER, Rag.GREEN):
            section.resolved.append(move)
        if r.now is Rag.GREEN and r.before is not Rag.GREEN:
            section.turned_green.append(move)

    _indicator_exceptions(quarter, round_, red_now, rags, indicators, now_periods, sections)
    _actions(quarter_end, previous, signed, sections, own_rags)


def _code(indicators: dict[int, Indicator], pk: int) -> tuple[str, int]:
    found = indicators.get(pk)
    return (found.code if found else "", pk)


def _indicator_exceptions(
    quarter: Period,
    round_: ReportingRound,
    red_now: list[int],
    rags: dict,
    indicators: dict[int, Indicator],
    now_periods: dict[Frequency, Period],
    sections: dict[int, PartnershipSection],
) -> None:
    if not red_now:
        return
    keys = list({p.key for p in now_periods.values()})
    results = {
        (r.indicator_id, r.period): r
        for r in Result.objects.filter(indicator__in=red_now, period__in=keys).only(
            "indicator_id", "period", "value", "commentary"
        )
    }
    targets = {
        (t.indicator_id, t.period): t
        for t in Target.objects.filter(indicator__in=red_now, period__in=keys).only(
            "indicator_id", "period", "value", "upper"
        )
    }
    # Corrective actions asked for in this quarter's return, and earlier ones whose progress
    # it reported.
    corrective: dict[int, list[CorrectiveLine]] = defaultdict(list)
    rows = (
        CorrectiveAction.objects.filter(indicator__in=red_now)
        .filter(Q(ret__round=round_) | Q(updates__ret__round=round_))
        .distinct()
        .select_related("owner__organisation", "ret__round")
        .order_by("ret__round__period", "period", "pk")
    )
    rows = list(rows)
    updates = {
        u.corrective_action_id: u
        for u in CorrectiveActionUpdate.objects.filter(
            corrective_action__in=[c.pk for c in rows], ret__round=round_
        )
    }
    for ca in rows:
        new = ca.ret.round_id == round_.pk
        update = updates.get(ca.pk)
        organisation = ca.owner.organisation if ca.owner and ca.owner.organisation else None
        corrective[ca.indicator_id].append(
            CorrectiveLine(
                description=ca.description.strip(),
                organisation=str(organisation or ""),
                due=long_date(ca.due_date) if ca.due_date else "",
                status=(
                    CorrectiveAction.Status(update.status).label
                    if update
                    else CorrectiveAction.Status.OPEN.label
                    if new
                    else ca.get_status_display()
                ),
                progress=update.progress.strip() if update else "",
                set_in=ca.ret.round.period.label,
                new=new,
            )
        )
    for pk in sorted(red_now, key=lambda pk: _code(indicators, pk)):
        indicator = indicators[pk]
        period = now_periods[Frequency(indicator.frequency)]
        result = results.get((pk, period))
        target = targets.get((pk, period))
        target_text = "–"
        if target is not None:
            target_text = indicator.format_value(target.value)
            if target.upper is not None and target.upper != target.value:
                target_text += f" to {indicator.format_value(target.upper)}"
        sections[rags[pk].partnership_id].exceptions.append(
            IndicatorException(
                code=indicator.code,
                title=indicator.title,
                period=period.label,
                result=indicator.format_value(result.value if result else None),
                target=target_text,
                commentary=result.commentary.strip() if result else "",
                corrective=corrective.get(pk, []),
                new=rags[pk].before is not Rag.RED,
            )
        )


def _is_exception(state: str, due: datetime.date | None, when: datetime.date) -> bool:
    return state == ActionState.OFF_TRACK or is_overdue(
        state=ActionState(state), due=due, today=when
    )


def _actions(
    quarter_end: datetime.date,
    previous: Period,
    signed: list[Return],
    sections: dict[int, PartnershipSection],
    own_rags: dict[int, list[Rag]],
) -> None:
    """Action exceptions, those resolved since the previous return, and each partnership's
    overall status. Two queries."""
    ret_partnership = {r.pk: r.partnership_id for r in signed}
    earlier = dict(
        Return.objects.filter(
            round__period=previous, partnership__in=list(ret_partnership.values())
        ).values_list("pk", "partnership_id")
    )
    before_end = previous.end + datetime.timedelta(days=1)
    reported: dict[int, list[tuple]] = defaultdict(list)
    was_exception: dict[int, dict[int, str]] = defaultdict(dict)  # partnership → action → name
    for ret_id, action_id, state, commentary, ref, title, due in (
        ActionUpdate.objects.filter(ret__in=[*ret_partnership, *earlier])
        .order_by("action__ref", "pk")
        .values_list(
            "ret_id",
            "action_id",
            "state",
            "commentary",
            "action__ref",
            "action__title",
            "action__due_date",
        )
    ):
        if ret_id in ret_partnership:
            reported[ret_partnership[ret_id]].append(
                (action_id, state, commentary, ref, title, due)
            )
        elif _is_exception(state, due, before_end):
            was_exception[earlier[ret_id]][action_id] = f"{ref} {title}"

    for partnership_id, section in sections.items():
        if not section.signed_off:
            continue
        mine = reported.get(partnership_id, [])
        before = was_exception.get(partnership_id, {})
        now_exceptions = set()
        for action_id, state, commentary, ref, title, due in mine:
            if not _is_exception(state, due, quarter_end):
                continue
            now_exceptions.add(action_id)
            section.action_exceptions.append(
                ActionException(
                    ref=ref,
                    title=title,
                    state=ActionState(state).label,
                    due=long_date(due) if due else "",
                    overdue=is_overdue(state=ActionState(state), due=due, today=quarter_end),
                    commentary=commentary.strip(),
                    new=action_id not in before,
                )
            )
        reported_now = {row[0] for row in mine}
        section.resolved_actions = [
            name
            for action_id, name in sorted(before.items(), key=lambda item: item[1])
            if action_id in reported_now and action_id not in now_exceptions
        ]
        section.status = objective_status(
            indicator_rags=own_rags.get(partnership_id, []),
            actions=[(state, due) for _, state, _, _, _, due in mine],
            today=quarter_end,
        )
