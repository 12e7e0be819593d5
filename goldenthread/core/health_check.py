"""Reading the yearly partnership health check (issue 17): who may do what, the list of a
partnership's health checks, and the results, year on year. (Not to be confused with
goldenthread.core.health, which is the servers' /healthz.)

THE ANONYMITY RULE lives here, in the read, so every page, export and document gets it:
the figures, spreads and comments of a health check are given only once it has closed and
only when at least three people answered it (rules.health_check.MIN_ANSWERS). Otherwise
`results` gives the count and why nothing more is shown. Results wait for the close
because figures that change while it is open would let anyone who looked before and after
a colleague answered work out what that colleague said. Nothing here ever says who
answered, or who has not: for an anonymous health check only the count is known.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count

from goldenthread.rules import health_check as questionnaire
from goldenthread.rules import year_label

from .access import Need, allows
from .models import (
    HealthCheck,
    HealthCheckAction,
    HealthCheckAnswer,
    HealthCheckComment,
    HealthCheckResponse,
    Membership,
    Partnership,
    Role,
    User,
)
from .models.health_check import respondent_key_for

# Leads and members answer: they are the partnership working together. Viewers are its
# stakeholders and customers, whom the partnership asks in other ways (feedback).
ANSWERING_ROLES = (Role.LEAD, Role.MEMBER)


# --- who may do what ------------------------------------------------------------------------


def may_run(user: User, partnership: Partnership) -> bool:
    """Open and close a health check: the partnership's leads and the performance team."""
    return allows(user, partnership, Need.LEAD) or (
        user.is_authenticated
        and user.is_active
        and user.is_performance_team
        and not partnership.is_closed
    )


def may_answer(user: User, partnership: Partnership) -> bool:
    return allows(user, partnership, Need.CONTRIBUTE)


def may_raise_action(user: User, partnership: Partnership) -> bool:
    """The leads add an action to the plan from a weak theme: it is their plan."""
    return allows(user, partnership, Need.LEAD)


def eligible_count(partnership: Partnership) -> int:
    """How many may answer now: the partnership's leads and members."""
    return Membership.objects.filter(partnership=partnership, role__in=ANSWERING_ROLES).count()


def has_answered(health_check: HealthCheck, user: User) -> bool:
    """Whether this person has answered: asked only for the person themselves (to say they
    have, and not to offer the questionnaire again), never to list anyone."""
    return HealthCheckResponse.objects.filter(
        health_check=health_check, respondent_key=respondent_key_for(health_check.pk, user.pk)
    ).exists()


# --- the list -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRow:
    health_check: HealthCheck
    year_label: str
    answered: int
    status: str  # "Open until 31 March 2026", "Closed"


def health_check_rows(partnership: Partnership, today: datetime.date) -> list[ListRow]:
    """The partnership's health checks, newest year first, with how many answered each:
    one query for any number of years."""
    checks = (
        HealthCheck.objects.filter(partnership=partnership)
        .annotate(answered=Count("responses"))
        .order_by("-year")
    )
    return [
        ListRow(check, year_label(check.year), check.answered, status_text(check, today))
        for check in checks
    ]


def status_text(health_check: HealthCheck, today: datetime.date) -> str:
    if health_check.is_open(today):
        return f"Open until {health_check.closes_on:%-d %B %Y}"
    if health_check.is_closed(today):
        return "Closed"
    return f"Opens on {health_check.opens_on:%-d %B %Y}"


# --- the results ----------------------------------------------------------------------------


@dataclass
class StatementResult:
    statement: questionnaire.Statement
    summary: questionnaire.Summary


@dataclass
class ThemeResult:
    theme: questionnaire.Theme
    summary: questionnaire.Summary
    statements: list[StatementResult]
    comments: list[str]
    last_year_mean: float | None = None
    actions: list[HealthCheckAction] = field(default_factory=list)

    @property
    def mean(self) -> float | None:
        return self.summary.mean

    @property
    def change(self) -> float | None:
        return questionnaire.change(self.mean, self.last_year_mean)

    @property
    def weak(self) -> bool:
        return questionnaire.is_weak(self.mean)

    @property
    def change_text(self) -> str:
        """The change in words: +0.4 (better), −0.3 (worse), no change; "" for none."""
        change = self.change
        if change is None:
            return ""
        if change == 0:
            return "No change"
        if change > 0:
            return f"+{change:.1f} (better)"
        return f"\u2212{-change:.1f} (worse)"


@dataclass
class Results:
    health_check: HealthCheck
    answered: int
    eligible: int
    closed: bool
    themes: list[ThemeResult]  # empty unless `shown`
    last_year: HealthCheck | None = None  # given only when its own results may be shown
    actions: list[HealthCheckAction] = field(default_factory=list)

    @property
    def year_label(self) -> str:
        return year_label(self.health_check.year)

    @property
    def last_year_label(self) -> str:
        return year_label(self.last_year.year) if self.last_year else ""

    @property
    def shown(self) -> bool:
        return self.closed and questionnaire.enough(self.answered)

    @property
    def count_text(self) -> str:
        # Someone may have left the partnership since they answered.
        return f"{self.answered} of {max(self.eligible, self.answered)} answered"

    @property
    def withheld(self) -> str:
        """Why no figures are shown; "" when they are."""
        if self.shown:
            return ""
        if not self.closed:
            return (
                f"{self.count_text} so far. Results are shown when the health check closes "
                f"on {self.health_check.closes_on:%-d %B %Y}, and only if at least "
                f"{questionnaire.MIN_ANSWERS} have answered."
            )
        return (
            f"{self.count_text}; results are shown when at least {questionnaire.MIN_ANSWERS} "
            "have answered, so that nobody's answers can be told apart."
        )

    @property
    def weak_themes(self) -> list[ThemeResult]:
        return [t for t in self.themes if t.weak]


def _summaries(health_check: HealthCheck) -> dict[str, questionnaire.Summary]:
    """Per statement, the count of each answer: one query, counted in the database."""
    counts: dict[str, list[int | None]] = {}
    rows = (
        HealthCheckAnswer.objects.filter(response__health_check=health_check)
        .values_list("statement", "score")
        .annotate(n=Count("id"))
        .order_by()
    )
    for statement, score, n in rows:
        counts.setdefault(statement, []).extend([score] * n)
    return {key: questionnaire.summarise(scores) for key, scores in counts.items()}


def _theme_means(health_check: HealthCheck) -> dict[str, float | None]:
    summaries = _summaries(health_check)
    return {
        theme.key: questionnaire.combine(
            summaries.get(s.key, questionnaire.Summary()) for s in theme.statements
        ).mean
        for theme in questionnaire.THEMES
    }


def _shown(health_check: HealthCheck, today: datetime.date) -> tuple[int, bool]:
    answered = health_check.responses.count()
    closed = health_check.is_closed(today)
    return answered, closed and questionnaire.enough(answered)


def results(health_check: HealthCheck, today: datetime.date) -> Results:
    """The results of a health check, with last year's theme means beside this year's,
    under the anonymity rule (see the module's docstring). A fixed number of queries."""
    answered, shown = _shown(health_check, today)
    found = Results(
        health_check=health_check,
        answered=answered,
        eligible=eligible_count(health_check.partnership),
        closed=health_check.is_closed(today),
        themes=[],
    )
    if not shown:
        return found
    summaries = _summaries(health_check)
    comments: dict[str, list[str]] = {}
    for theme_key, text in HealthCheckComment.objects.filter(
        response__health_check=health_check
    ).values_list("theme", "text"):
        comments.setdefault(theme_key, []).append(text)
    actions = list(health_check.actions.select_related("action__owner", "action__objective__plan"))
    last_year = HealthCheck.objects.filter(
        partnership=health_check.partnership, year=health_check.year - 1
    ).first()
    last_means: dict[str, float | None] = {}
    if last_year is not None and _shown(last_year, today)[1]:
        last_means = _theme_means(last_year)
    else:
        last_year = None
    for theme in questionnaire.THEMES:
        statements = [
            StatementResult(s, summaries.get(s.key, questionnaire.Summary()))
            for s in theme.statements
        ]
        found.themes.append(
            ThemeResult(
                theme=theme,
                summary=questionnaire.combine(r.summary for r in statements),
                statements=statements,
                # In the order of the alphabet, never of answering.
                comments=sorted(comments.get(theme.key, [])),
                last_year_mean=last_means.get(theme.key),
                actions=[a for a in actions if a.theme == theme.key],
            )
        )
    found.last_year = last_year
    found.actions = actions
    return found


def year_results(partnership: Partnership, year: int, today: datetime.date) -> Results | None:
    """The health check of a financial year, for the annual update form; None if the
    partnership had none that year."""
    health_check = (
        HealthCheck.objects.filter(partnership=partnership, year=year)
        .select_related("partnership")
        .first()
    )
    return results(health_check, today) if health_check is not None else None
