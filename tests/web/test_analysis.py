"""What the numbers say on an indicator page: the read, the process chart image and the
partial that shows them."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goldenthread.core.analysis import indicator_analysis
from goldenthread.core.models import Result
from goldenthread.core.performance import indicator_history
from goldenthread.rules import Assurance, Period, Rag, Signal, Variation
from tests.conftest import make_indicator

TODAY = datetime.date(2026, 1, 15)  # 2025/26 Q4 is running
SVG = "{http://www.w3.org/2000/svg}"


def quarters(first: str, values, target: str | None = "20"):
    periods = Period.parse(first).periods_until(Period.parse("2030/31 Q4"))
    return {
        p.label: (target, None if v is None else str(v))
        for p, v in zip(periods, values, strict=False)
    }


@pytest.fixture
def steady(world):
    """Twelve quarters alternating 10 and 12 (mean 11, limits 5.68 to 16.32) against a
    target of 20, and a target for the year end."""
    series = quarters("2022/23 Q4", [10, 12] * 6)
    series["2025/26 Q4"] = ("20", None)
    indicator = make_indicator(world.partnership, "SPC1", series, polarity="higher")
    Result.objects.filter(indicator=indicator, period=Period.parse("2025/26 Q2")).update(
        note="Two weeks of data missing"
    )
    Result.objects.filter(indicator=indicator, period=Period.parse("2025/26 Q3")).update(
        commentary="Patrols were moved to the town centre."
    )
    return indicator


def analyse(indicator):
    return indicator_analysis(indicator, indicator_history(indicator), TODAY)


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


# The chart image


def test_it_serves_the_process_chart_as_an_image(client, world, steady):
    client.force_login(world.viewer)
    response = client.get(reverse("indicator_spc_chart", args=[steady.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<script" not in response.content
    assert "'unsafe-inline'" in response["Content-Security-Policy"]
    root = ET.fromstring(response.content)
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "SPC1: process chart" in titles


def test_special_cause_results_have_their_own_shapes(client, world):
    # Lower is better: the spike to 25 is a concern (a diamond), the drop to -3 an
    # improvement (a circle).
    indicator = make_indicator(
        world.partnership, "SHAPES", quarters("2022/23 Q1", [*[10, 12] * 6, 25, 11, -3])
    )
    indicator.polarity = "lower"
    indicator.save()
    analysis = analyse(indicator)
    assert [p.signal for p in analysis.spc.flagged] == [Signal.CONCERN, Signal.IMPROVEMENT]
    client.force_login(world.member)
    root = ET.fromstring(client.get(reverse("indicator_spc_chart", args=[indicator.pk])).content)
    dots = [e for e in root.iter() if "dot" in e.get("class", "").split()]
    outlined = [e for e in dots if e.get("style")]
    assert sorted(e.tag.removeprefix(SVG) for e in outlined) == ["circle", "path"]
    diamond = next(e for e in outlined if e.tag == f"{SVG}path")
    assert diamond.get("d").startswith("M") and diamond.get("d").endswith("Z")
    assert diamond.get("cx") is None


def test_the_chart_of_too_few_results_still_draws_them(client, world):
    client.force_login(world.member)
    response = client.get(reverse("indicator_spc_chart", args=[world.indicator.pk]))
    assert response.status_code == 200
    assert b"too few results for process limits: 3 of 12" in response.content


def test_the_chart_query_count_does_not_grow_with_history(client, world, django_assert_num_queries):
    client.force_login(world.member)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("indicator_spc_chart", args=[world.indicator.pk])).status_code
    long = make_indicator(
        world.partnership, "LONG", quarters("2015/16 Q1", [10, 12, 11, 15, 9] * 8)
    )
    with django_assert_num_queries(len(queries)):
        assert client.get(reverse("indicator_spc_chart", args=[long.pk])).status_code == 200


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
