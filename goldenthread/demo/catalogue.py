"""The demo's catalogue: what the demo world is made of, read from the TOML files in
``data/catalogue/`` (``world.toml`` for organisations, people, sign-ins and strategic plans;
a file per partnership for its members, plan, risks, indicators and budget; ``lessons.toml``).
The files are the data; this module only reads them into the frozen records below, with
the names the rest of the demo (and the tests) use.

Everything here is illustrative and made up, except where each indicator's results come
from: a real published series for Trafford (``data/``, see its README).
"""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from goldenthread.rules import ActionState, Frequency, Polarity

from .published import DATA_DIR, Series

CATALOGUE_DIR = DATA_DIR / "catalogue"
OGL = (
    " Compiled by Trafford Data Lab. Contains public sector information licensed under the "
    "Open Government Licence v3.0."
)


@dataclass(frozen=True)
class Org:
    key: str  # how the catalogue names it
    name: str
    kind: str


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    org: str  # Org.key
    job_title: str
    is_performance_team: bool = False


@dataclass(frozen=True)
class OutcomeSpec:
    code: str
    title: str
    children: tuple[OutcomeSpec, ...] = ()


@dataclass(frozen=True)
class StrategicPlanSpec:
    title: str
    kind: str
    first_year: int
    last_year: int
    description: str
    outcomes: tuple[OutcomeSpec, ...]


@dataclass(frozen=True)
class ActionSpec:
    ref: str
    title: str
    state: ActionState
    percent: int
    start: int  # days from the day of loading
    due: int | None = None  # days from the day of loading; None: no date yet
    completed: int | None = None  # days from the day of loading
    owner: str | None = None  # None: to be agreed
    org: str | None = None
    closed_reason: str = ""
    description: str = ""


@dataclass(frozen=True)
class ObjectiveSpec:
    ref: str
    title: str
    owner: str
    org: str
    deadline: datetime.date
    outcomes: tuple[str, ...]  # outcome codes, across both strategic plans
    indicators: tuple[str, ...]  # indicator codes
    actions: tuple[ActionSpec, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class RiskSpec:
    ref: str
    title: str
    cause: str
    consequence: str
    inherent: tuple[int, int]  # likelihood, impact
    residual: tuple[int, int]
    mitigation: str
    owner: str
    review: int  # days from the day of loading
    objective: str | None = None


@dataclass(frozen=True)
class PartnershipSpec:
    key: str  # the name of its file in data/catalogue/
    name: str
    short_name: str
    purpose: str
    lead_org: str
    lead: str
    members: tuple[tuple[str, str, str], ...]  # username, role, organisation key
    plan_title: str
    vision: str
    key_issues: str
    objectives: tuple[ObjectiveSpec, ...]
    risks: tuple[RiskSpec, ...]
    first_budget: int  # pounds, in the plan's first year
    lean: Decimal  # how its spend leans against its budget (finance.py)


@dataclass(frozen=True)
class IndicatorSpec:
    partnership: str  # PartnershipSpec.key
    code: str
    title: str
    definition: str
    unit: str
    decimals: int
    polarity: Polarity
    roll_up: str
    series: Series
    source: str
    owner: str
    owner_org: str
    ambition: Decimal  # yearly improvement the targets ask for, % of the last value
    tolerance: Decimal = Decimal(5)
    commentary: str = ""  # stored on the latest result when it is amber or red

    @property
    def data_source(self) -> str:
        return self.source.rstrip(".") + "." + OGL

    @property
    def is_percentage(self) -> bool:
        return self.unit == "%"


@dataclass(frozen=True)
class LessonSpec:
    partnership: str  # its name
    title: str
    what_happened: str
    outcome: str  # Lesson.Outcome
    source: str  # Lesson.Source
    source_detail: str
    tags: str  # already normalised: lower case, ", " between tags
    objectives: tuple[str, ...]  # refs in the partnership's plan
    author: str
    shared: bool = False  # with every partnership in the council


def _read(name: str) -> dict[str, Any]:
    with (CATALOGUE_DIR / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)


def _outcome(table: dict[str, Any]) -> OutcomeSpec:
    children = tuple(_outcome(child) for child in table.get("children", ()))
    return OutcomeSpec(code=table["code"], title=table["title"], children=children)


def _action(table: dict[str, Any]) -> ActionSpec:
    return ActionSpec(**table | {"state": ActionState(table["state"])})


def _objective(table: dict[str, Any]) -> ObjectiveSpec:
    return ObjectiveSpec(
        **table
        | {
            "outcomes": tuple(table["outcomes"]),
            "indicators": tuple(table["indicators"]),
            "actions": tuple(_action(a) for a in table.get("actions", ())),
        }
    )


def _risk(table: dict[str, Any]) -> RiskSpec:
    def score(pair: dict[str, int]) -> tuple[int, int]:
        return pair["likelihood"], pair["impact"]

    return RiskSpec(
        **table | {"inherent": score(table["inherent"]), "residual": score(table["residual"])}
    )


def _indicator(
    partnership: str, table: dict[str, Any], published_as: dict[str, str]
) -> IndicatorSpec:
    series = table["series"]
    return IndicatorSpec(
        partnership=partnership,
        code=table["code"],
        title=table["title"],
        definition=f"{table['definition']} {published_as[table['published_as']]}",
        unit=table["unit"],
        decimals=table["decimals"],
        polarity=Polarity(table["polarity"]),
        roll_up=table["roll_up"],
        series=Series(**series | {"frequency": Frequency(series["frequency"])}),
        source=table["source"],
        owner=table["owner"],
        owner_org=table["owner_org"],
        ambition=Decimal(table["ambition"]),
        tolerance=Decimal(table["tolerance"]),
        commentary=table.get("commentary", ""),
    )


def _partnership(key: str, table: dict[str, Any]) -> PartnershipSpec:
    plan, finance = table["plan"], table["finance"]
    return PartnershipSpec(
        key=key,
        name=table["name"],
        short_name=table["short_name"],
        purpose=table["purpose"],
        lead_org=table["lead_org"],
        lead=table["lead"],
        members=tuple((m["person"], m["role"], m["org"]) for m in table["members"]),
        plan_title=plan["title"],
        vision=plan["vision"],
        key_issues=plan["key_issues"],
        objectives=tuple(_objective(o) for o in table["objectives"]),
        risks=tuple(_risk(r) for r in table.get("risks", ())),
        first_budget=finance["first_budget"],
        lean=Decimal(finance["lean"]),
    )


_world = _read("world")
PASSWORD: str = _world["password"]
PERFORMANCE_GROUP: str = _world["performance_group"]
PLAN_FIRST_YEAR: int = _world["plan_first_year"]
PLAN_LAST_YEAR: int = _world["plan_last_year"]
PLAN_APPROVED_ON: datetime.date = _world["plan_approved_on"]
STRETCH_TARGET_REASON: str = _world["gap_reasons"]["stretch_target"]
OTHER_GAP_REASON: str = _world["gap_reasons"]["other"]
ORGANISATIONS = [Org(**o) for o in _world["organisations"]]
PEOPLE = [Person(**p) for p in _world["people"]]
# The sign-ins printed after loading: username and what that person sees, one per role.
SIGN_INS = [(s["username"], s["sees"]) for s in _world["sign_ins"]]
STRATEGIC_PLANS = [
    StrategicPlanSpec(**p | {"outcomes": tuple(_outcome(o) for o in p["outcomes"])})
    for p in _world["strategic_plans"]
]
CORPORATE_PLAN = next(p.title for p in STRATEGIC_PLANS if p.kind == "corporate_plan")


def _partnerships() -> tuple[list[PartnershipSpec], list[IndicatorSpec]]:
    partnerships, indicators = [], []
    for key in _world["partnerships"]:
        table = _read(key)
        partnerships.append(_partnership(key, table))
        indicators += [_indicator(key, i, _world["published_as"]) for i in table["indicators"]]
    return partnerships, indicators


PARTNERSHIPS, INDICATORS = _partnerships()
LESSONS = [
    LessonSpec(
        **lesson
        | {
            "source_detail": lesson.get("source_detail", ""),
            "objectives": tuple(lesson["objectives"]),
        }
    )
    for lesson in _read("lessons")["lessons"]
]


@dataclass(frozen=True)
class StorySpec:
    partnership: str  # its name
    title: str
    story: str
    indicators: tuple[str, ...]  # codes of the partnership's indicators
    author: str
    published: bool


STORIES = [
    StorySpec(**story | {"indicators": tuple(story["indicators"])})
    for story in _read("stories")["stories"]
]
