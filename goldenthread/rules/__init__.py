"""Pure-Python rules: periods, RAG, direction of travel, status roll-up and the SMART check.

Nothing here imports Django or the rest of the project, so every interface can call the same
rule and the rules can be tested in milliseconds.

The function ``rag`` re-exported here hides the module ``rag`` as an attribute of this package:
``from goldenthread.rules.rag import Rag`` works, but ``import goldenthread.rules.rag as m`` and
``mock.patch("goldenthread.rules.rag.…")`` reach the function, not the module.
"""

from goldenthread.rules.benchmark import Benchmark, Spread, Verdict, benchmark, spread
from goldenthread.rules.compliance import Compliance, Requirement
from goldenthread.rules.forecast import Forecast, trend_forecast, year_end_period
from goldenthread.rules.periods import (
    Frequency,
    Period,
    PeriodError,
    financial_year_of,
    latest_ended,
    long_date,
    parse_published_period,
    parse_published_span,
    periods_in_years,
    year_label,
)
from goldenthread.rules.rag import (
    Direction,
    Polarity,
    Rag,
    RagRule,
    ToleranceKind,
    direction,
    quick_rag_rule,
    rag,
    rag_rule,
    tolerance_amount,
)
from goldenthread.rules.smart import (
    Criterion,
    Failure,
    ObjectiveFacts,
    TargetFacts,
    annual_changes,
    check_objective,
    check_target,
    summary,
)
from goldenthread.rules.spc import Assurance, Signal, SpcResult, Variation, xmr
from goldenthread.rules.status import (
    ActionState,
    ObjectiveStatus,
    is_overdue,
    objective_status,
    status_rag,
)

__all__ = [
    "ActionState",
    "Assurance",
    "Benchmark",
    "Compliance",
    "Criterion",
    "Direction",
    "Failure",
    "Forecast",
    "Frequency",
    "ObjectiveFacts",
    "ObjectiveStatus",
    "Period",
    "PeriodError",
    "Polarity",
    "Rag",
    "RagRule",
    "Requirement",
    "Signal",
    "SpcResult",
    "Spread",
    "TargetFacts",
    "ToleranceKind",
    "Variation",
    "Verdict",
    "annual_changes",
    "benchmark",
    "check_objective",
    "check_target",
    "direction",
    "financial_year_of",
    "is_overdue",
    "latest_ended",
    "long_date",
    "objective_status",
    "parse_published_period",
    "parse_published_span",
    "periods_in_years",
    "quick_rag_rule",
    "rag",
    "rag_rule",
    "spread",
    "status_rag",
    "summary",
    "tolerance_amount",
    "trend_forecast",
    "xmr",
    "year_end_period",
    "year_label",
]
