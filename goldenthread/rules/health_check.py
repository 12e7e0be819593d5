"""The yearly partnership health check: the questionnaire and the arithmetic of its results.

The questionnaire is based on the Partnership Assessment Tool (Hardy B, Hudson B and
Waddington E, "Assessing strategic partnership: the Partnership Assessment Tool", Nuffield
Institute for Health, University of Leeds, for the Office of the Deputy Prime Minister,
2003). The tool asks partners to score statements under six principles of partnership
working. We keep its principles and ask two short statements for each of the seven themes
the partnership's own review asks about (shared purpose, trust, clarity of roles, decision
making, use of resources, learning, involving residents), each theme placed under the
tool's principle it belongs to. Involving residents is not one of the tool's six: it is
asked because the Review stage asks partnerships to involve customers and stakeholders;
it sits with the tool's principle 3 (commitment and ownership), which is about whom the
partnership answers to.

Each statement is answered on the five-point agree scale, or "don't know". A questionnaire
changes only by a new VERSION, so each year's health check is read with the statements it
was asked with and years are compared theme by theme.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

VERSION = 1

SOURCE = (
    "Hardy, B., Hudson, B. and Waddington, E. (2003) Assessing strategic partnership: "
    "the Partnership Assessment Tool. Nuffield Institute for Health, University of Leeds, "
    "for the Office of the Deputy Prime Minister."
)

# The tool's six principles, numbered as it numbers them.
PRINCIPLES = {
    1: "Recognise and accept the need for partnership",
    2: "Develop clarity and realism of purpose",
    3: "Ensure commitment and ownership",
    4: "Develop and maintain trust",
    5: "Create clear and robust partnership arrangements",
    6: "Monitor, measure and learn",
}

# The agree scale: the score is what is stored; None is "don't know".
SCALE = {
    5: "Strongly agree",
    4: "Agree",
    3: "Neither agree nor disagree",
    2: "Disagree",
    1: "Strongly disagree",
}
DONT_KNOW = "Don't know"

# Fewer people than this answering and nothing but the count is shown: with one or two
# answers, everyone who knows who answered could tell what each said.
MIN_ANSWERS = 3
# A theme whose mean is below the middle of the scale ("neither agree nor disagree"):
# more disagree than agree, on average. Such a theme is shown as weak and the lead is
# offered to add an action to the plan from it.
WEAK_BELOW = 3.0


@dataclass(frozen=True)
class Statement:
    key: str
    text: str


@dataclass(frozen=True)
class Theme:
    key: str
    title: str
    principles: tuple[int, ...]
    statements: tuple[Statement, ...]
    # What an action from a weak theme would start from, for the lead to change.
    action_title: str

    @property
    def principle_text(self) -> str:
        return "; ".join(f"principle {n}: {PRINCIPLES[n]}" for n in self.principles)


THEMES: tuple[Theme, ...] = (
    Theme(
        "purpose",
        "Shared purpose",
        (1, 2),
        (
            Statement(
                "purpose_need",
                "The partners agree that they achieve more together than each could alone.",
            ),
            Statement(
                "purpose_clear",
                "The partnership's aims are clear, shared by every partner and realistic.",
            ),
        ),
        "Agree again the partnership's shared purpose and what it can realistically achieve",
    ),
    Theme(
        "trust",
        "Trust",
        (4,),
        (
            Statement(
                "trust_open",
                "Partners are open with each other, including about problems and mistakes.",
            ),
            Statement(
                "trust_fair",
                "Every partner's contribution is valued, whatever the size of their organisation.",
            ),
        ),
        "Revise the cultural aspects of the partnership: build trust between partners",
    ),
    Theme(
        "roles",
        "Clarity of roles",
        (3,),
        (
            Statement(
                "roles_clear",
                "Each partner knows what is expected of them and of the others.",
            ),
            Statement(
                "roles_owned",
                "Partners' senior leaders are committed to the partnership and it has a "
                "champion in each organisation.",
            ),
        ),
        "Set out again who does what in the partnership, and agree it with each partner",
    ),
    Theme(
        "decisions",
        "Decision making",
        (5,),
        (
            Statement(
                "decisions_clear",
                "It is clear how the partnership makes decisions and who is accountable for them.",
            ),
            Statement(
                "decisions_timely",
                "Decisions are made in good time and are carried out.",
            ),
        ),
        "Review the partnership's terms of reference and how it makes decisions",
    ),
    Theme(
        "resources",
        "Use of resources",
        (5,),
        (
            Statement(
                "resources_shared",
                "Partners commit the money, people and time the plan needs.",
            ),
            Statement(
                "resources_value",
                "The partnership's resources are used well and their use is reported openly.",
            ),
        ),
        "Agree each partner's contribution of money, people and time to the plan",
    ),
    Theme(
        "learning",
        "Learning",
        (6,),
        (
            Statement(
                "learning_review",
                "The partnership reviews its progress regularly and acts on what it finds.",
            ),
            Statement(
                "learning_change",
                "The partnership learns from its own experience and from others, and changes "
                "how it works.",
            ),
        ),
        "Make reviewing and learning part of every partnership meeting",
    ),
    Theme(
        "residents",
        "Involving residents",
        (3,),
        (
            Statement(
                "residents_involved",
                "Residents and service users help shape the partnership's priorities.",
            ),
            Statement(
                "residents_told",
                "The partnership tells residents what it has done and what changed as a result.",
            ),
        ),
        "Involve residents and service users in setting and reviewing the priorities",
    ),
)

THEME_KEYS = tuple(theme.key for theme in THEMES)
STATEMENTS: dict[str, Statement] = {s.key: s for theme in THEMES for s in theme.statements}
THEME_OF: dict[str, Theme] = {s.key: theme for theme in THEMES for s in theme.statements}


def theme(key: str) -> Theme | None:
    return next((t for t in THEMES if t.key == key), None)


@dataclass(frozen=True)
class Summary:
    """The answers to one statement, or to all a theme's statements together."""

    counts: dict[int, int] = field(default_factory=dict)  # score → how many gave it
    dont_know: int = 0

    @property
    def scored(self) -> int:
        return sum(self.counts.values())

    @property
    def answers(self) -> int:
        return self.scored + self.dont_know

    @property
    def mean(self) -> float | None:
        """The mean score of those who gave one ("don't know" is no score); None if none."""
        if not self.scored:
            return None
        return sum(score * n for score, n in self.counts.items()) / self.scored

    @property
    def spread(self) -> list[tuple[str, int]]:
        """(label, count) from strongly agree down to don't know: the bars of the chart."""
        return [(label, self.counts.get(score, 0)) for score, label in SCALE.items()] + [
            (DONT_KNOW, self.dont_know)
        ]

    @property
    def agree(self) -> int:
        return self.counts.get(4, 0) + self.counts.get(5, 0)

    @property
    def disagree(self) -> int:
        return self.counts.get(1, 0) + self.counts.get(2, 0)


def summarise(scores: Iterable[int | None]) -> Summary:
    counts: dict[int, int] = {}
    dont_know = 0
    for score in scores:
        if score is None:
            dont_know += 1
        elif score in SCALE:
            counts[score] = counts.get(score, 0) + 1
        else:
            raise ValueError(f"{score!r} is not on the agree scale")
    return Summary(counts, dont_know)


def combine(summaries: Iterable[Summary]) -> Summary:
    """A theme's summary: every answer to each of its statements, pooled."""
    counts: dict[int, int] = {}
    dont_know = 0
    for summary in summaries:
        for score, n in summary.counts.items():
            counts[score] = counts.get(score, 0) + n
        dont_know += summary.dont_know
    return Summary(counts, dont_know)


def is_weak(mean: float | None) -> bool:
    return mean is not None and mean < WEAK_BELOW


def change(this_year: float | None, last_year: float | None) -> float | None:
    """This year's mean less last year's, to one decimal place; None if either is missing."""
    if this_year is None or last_year is None:
        return None
    return round(round(this_year, 1) - round(last_year, 1), 1)


def enough(answered: int) -> bool:
    """Whether this many answers are enough for any figure to be shown."""
    return answered >= MIN_ANSWERS
