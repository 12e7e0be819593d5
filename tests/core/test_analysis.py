"""What the numbers say about an indicator, without HTTP: the read (the process chart and
its limits, the year-end forecast and the RAG it implies, the commentary by period) and the
partial of the indicator page that shows it. The chart image: tests/web/test_analysis.py."""

from decimal import Decimal

from django.template.loader import render_to_string
from django.urls import reverse

from goldenthread.core.models import Result
from goldenthread.rules import Assurance, Period, Rag, Variation
from tests.conftest import analyse, make_indicator, quarters


def test_it_reads_the_process_chart(steady):
    analysis = analyse(steady)
    spc = analysis.spc
    assert not spc.too_few
    assert spc.mean == 11
    assert spc.lower_limit == Decimal("5.68")
    assert spc.upper_limit == Decimal("16.32")
    assert spc.variation is Variation.COMMON_CAUSE
    assert spc.assurance is Assurance.MISSED
    assert analysis.spc_target_period == Period.parse("2025/26 Q3")
    row = analysis.spc_rows[0]
    assert (row.period.label, row.value, row.mean, row.lower_limit, row.upper_limit) == (
        "2022/23 Q4",
        "10",
        "11.0",
        "5.7",
        "16.3",
    )
    assert "The target of 20.0 lies beyond the process limits on the wrong side" in spc.summary[-1]


def test_it_forecasts_the_year_end_and_the_rag_it_implies(steady):
    # The last eight quarters alternate 10, 12: the line rises 4/42 a quarter from 11
    # at its middle, so 2025/26 Q4 is 11 + 4.5 × 4/42 = 11.43, shown as 11: red against 20.
    analysis = analyse(steady)
    assert analysis.forecast.period == Period.parse("2025/26 Q4")
    assert round(analysis.forecast.value, 2) == Decimal("11.43")
    assert analysis.forecast.points_used == 8
    assert analysis.forecast_value == 11
    assert analysis.year_end_target.value == 20
    assert analysis.forecast_rag is Rag.RED
    assert analysis.forecast_rag_note == ""


def test_without_a_year_end_target_the_forecast_has_no_rag(world):
    indicator = make_indicator(world.partnership, "NOYE", quarters("2024/25 Q4", [1, 2, 3, 4]))
    analysis = analyse(indicator)
    assert analysis.forecast_value == 5
    assert analysis.forecast_rag is None
    assert analysis.forecast_rag_note == (
        "No target is set for 2025/26 Q4, so the forecast has no RAG."
    )


def test_the_commentary_is_listed_latest_first(steady):
    commentary = analyse(steady).commentary
    assert [(c.period.label, c.note, c.commentary) for c in commentary] == [
        ("2025/26 Q3", "", "Patrols were moved to the town centre."),
        ("2025/26 Q2", "Two weeks of data missing", ""),
    ]


def test_results_not_available_are_left_out(world):
    series = quarters("2022/23 Q1", [10, 12] * 7)
    indicator = make_indicator(world.partnership, "GAPS", series)
    Result.objects.filter(indicator=indicator, period=Period.parse("2023/24 Q1")).update(
        value=None, not_available=True
    )
    analysis = analyse(indicator)
    assert len(analysis.spc.points) == 13
    assert Period.parse("2023/24 Q1") not in [p.period for p in analysis.spc.points]


def test_with_too_few_results_it_says_so(world):
    analysis = analyse(world.indicator)  # three results
    assert analysis.spc.too_few
    assert analysis.spc.needed == 9
    assert analysis.spc_rows[0].mean == "–"


# The partial


def render(indicator):
    return render_to_string(
        "web/analysis/indicator_sections.html",
        {"indicator": indicator, "analysis": analyse(indicator)},
    )


def test_the_partial_shows_the_chart_table_forecast_and_commentary(steady):
    html = render(steady)
    assert '<h2 class="govuk-heading-m" id="spc-heading">What the numbers say</h2>' in html
    assert reverse("indicator_spc_chart", args=[steady.pk]) in html
    assert 'alt="Process chart of the results for SPC1' in html
    assert "Common cause</strong> in the latest result (2025/26 Q3)" in " ".join(html.split())
    assert "Consistently missed</strong>" in html
    assert "against the 2025/26 Q3 target" in html
    assert html.count('<th scope="row" class="govuk-table__header">2022/23 Q4</th>') == 1
    assert ">16.3</td>" in html
    assert "Forecast for 2025/26 Q4" in html
    assert '<strong class="govuk-tag govuk-tag--red gt-rag">Red</strong>' in html
    assert "A straight line fitted by least squares to the 8 results" in html
    assert "Patrols were moved to the town centre." in html
    assert "Two weeks of data missing" in html


def test_the_partial_with_too_few_results(world):
    html = render(world.indicator)
    assert "Too few points to draw a process chart: 3 of the 12 needed." in html
    assert "indicator_spc_chart" not in html and "spc.svg" not in html
    assert 'id="spc-table"' not in html
    assert "No notes or commentary have been recorded with the results yet." in html


def test_the_partial_without_a_forecast(world):
    indicator = make_indicator(world.partnership, "ONE", quarters("2025/26 Q3", [5]))
    html = render(indicator)
    assert "There is no forecast for 2025/26 Q4. There is 1 result in the last 8 quarters" in html


def test_the_partial_marks_special_causes_in_words(world):
    indicator = make_indicator(
        world.partnership, "WORDS", quarters("2022/23 Q1", [*[10, 12] * 6, 25])
    )
    html = render(indicator)
    assert "Improvement (circle)</td>" in html
    assert "Above the upper process limit</td>" in html
    assert 'govuk-tag--blue">Special cause: improvement</strong>' in html
