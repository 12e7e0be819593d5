"""A health check's theme means, this year beside last year's, as horizontal bars drawn by
pygal. The results page's table has the same numbers. Given withheld results (fewer than
three answers, or still open) it draws no bars at all."""

import pygal

from goldenthread.core.health_check import Results

from . import gov_style, render

# GOV.UK palette: dark grey for last year, blue for this year (both at least 3:1 on white).
CHART_STYLE = gov_style("#505a5f", "#1d70b8")
CHART_STYLE.opacity = CHART_STYLE.opacity_hover = "1"
CHART_HEIGHT = 480


def theme_chart(results: Results) -> bytes:
    chart = pygal.HorizontalBar(
        js=[],  # no tooltips script: the chart must work without JavaScript
        style=CHART_STYLE,
        width=800,
        height=CHART_HEIGHT,
        legend_at_bottom=True,
        truncate_legend=-1,
        title=f"Mean score by theme, {results.year_label} (5 is strongly agree)",
        range=(0, 5),
        xrange=(0, 5),
        value_formatter=lambda v: f"{v:.1f}" if v is not None else "",
        print_values=True,
        margin=16,
        no_data_text="No results shown",
    )
    if not results.shown:
        return render(chart)
    # pygal draws the first label at the bottom: reversed, the chart reads as the table.
    themes = list(reversed(results.themes))
    chart.x_labels = [t.theme.title for t in themes]
    if results.last_year is not None:
        chart.add(results.last_year_label, [t.last_year_mean for t in themes])
    chart.add(results.year_label, [t.mean for t in themes])
    return render(chart)
