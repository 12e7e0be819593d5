"""Judgement 8 on the indicator page: where a quarter has no result, the tables beside the
charts (results against targets, and the process chart's) say "No result" for it, and the
process chart says how its limits were worked out. The charts themselves:
tests/core/test_chart_gaps.py."""

import re
from decimal import Decimal

from django.urls import reverse

from goldenthread.core.models import Area, ComparatorGroup, ComparatorValue
from goldenthread.rules import Period
from tests.conftest import make_indicator, quarters


def _row(html: str, table_id: str, label: str) -> str:
    table = html[html.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    match = re.search(rf"<tr[^>]*>\s*<th[^>]*>{re.escape(label)}</th>(.*?)</tr>", table, re.S)
    assert match, f"no row for {label} in {table_id}"
    return match.group(1)


def test_the_tables_say_no_result_for_a_quarter_with_none(client, world):
    series = quarters("2022/23 Q1", [10, 12] * 7, target=None)
    del series["2023/24 Q3"]  # no target, no result: no row in the history at all
    indicator = make_indicator(world.partnership, "GAPS", series, polarity="higher")
    client.force_login(world.member)
    html = client.get(reverse("indicator", args=[indicator.pk])).content.decode()
    assert "No result" in _row(html, "history-table", "2023/24 Q3")
    assert "No result" in _row(html, "spc-table", "2023/24 Q3")
    assert "Common cause" not in _row(html, "spc-table", "2023/24 Q3")
    assert 'id="spc-screening"' in html
    assert "leaves out any change from one result to the next" in html


def test_the_benchmark_table_says_no_result_for_a_quarter_without_figures(client, world):
    indicator = make_indicator(
        world.partnership, "BGAP", quarters("2024/25 Q1", [10, 11, None, 12], target=None)
    )
    group = ComparatorGroup.objects.create(name="Neighbours")
    area = Area.objects.create(code="E0800TEST", name="Elsewhere")
    group.areas.add(area)
    for label in ("2024/25 Q1", "2024/25 Q2", "2024/25 Q4"):  # nothing for Q3
        ComparatorValue.objects.create(
            indicator=indicator, area=area, period=Period.parse(label), value=Decimal(9)
        )
    indicator.comparator_group = group
    indicator.save()
    client.force_login(world.member)
    html = client.get(reverse("indicator_benchmark", args=[indicator.pk])).content.decode()
    assert "No result" in _row(html, "benchmark-table", "2024/25 Q3")
