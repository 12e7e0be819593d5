"""The process chart image of an indicator page: an SVG without scripts, special causes in
their own shapes, too few results still drawn, and a query count that does not grow with the
history. The read and the partial that shows it: tests/core/test_analysis.py."""

import xml.etree.ElementTree as ET

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goldenthread.rules import Signal
from tests.conftest import analyse, make_indicator, quarters

SVG = "{http://www.w3.org/2000/svg}"


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
    # The title says how the limits were worked out (large moving ranges screened out).
    assert "SPC1: process chart, limits with unusually large moving ranges left out" in titles


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
