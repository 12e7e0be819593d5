"""A partnership's spend in each quarter of a financial year against a quarter of the
year's budget, drawn by pygal as bars. The finance page's table has the same numbers."""

from decimal import Decimal

import pygal

from goldenthread.core.finance import FinanceSummary, money

from . import gov_style, render

# GOV.UK palette: dark grey for the budget, blue for the spend (both at least 3:1 against
# white, as WCAG asks of the parts of a chart).
CHART_STYLE = gov_style("#505a5f", "#1d70b8")
CHART_STYLE.opacity = CHART_STYLE.opacity_hover = "1"  # pygal's see-through bars lose contrast


def spend_chart(summary: FinanceSummary) -> bytes:
    """Spend in each quarter of the year, beside a quarter of the year's budget."""
    total = summary.total
    chart = pygal.Bar(
        js=[],  # no tooltips script: the chart must work without JavaScript
        style=CHART_STYLE,
        width=800,
        height=360,
        legend_at_bottom=True,
        truncate_legend=-1,
        title=f"Spend by quarter against budget, {summary.year_label}",
        value_formatter=lambda v: money(Decimal(str(v))) if v is not None else "",
        margin=16,
    )
    chart.x_labels = [q.label for q in summary.quarters]
    if total.quarter_budget is not None:
        chart.add(
            "Budget for the quarter (a quarter of the year's)",
            [float(total.quarter_budget)] * len(summary.quarters),
        )
    chart.add(
        "Spend",
        [
            float(total.spend_by_quarter[q]) if q in total.spend_by_quarter else None
            for q in summary.quarters
        ],
    )
    return render(chart)
