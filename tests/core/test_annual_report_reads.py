"""The annual report's reads without HTTP: the years the partnership page lists, each with
its published editions, and the partial that offers them to a lead or a viewer. Who may do
what through the pages: tests/web/test_annual_report.py."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import published


@pytest.fixture(autouse=True)
def after_the_year():
    with time_machine.travel(datetime.datetime(2026, 5, 12, 10, 0), tick=False):
        yield


def test_the_partnership_page_partial_lists_each_years_report(world):
    """web/annual_reports/_partnership_reports.html, for the lead to include on the
    partnership page with report_years(partnership, today)."""
    from django.template.loader import render_to_string
    from django.utils import timezone

    from goldenthread.core.annual_report import report_years
    from goldenthread.core.models import Role

    published(world)
    years = report_years(world.partnership, timezone.localdate())
    assert [y.label for y in years] == ["2026/27", "2025/26", "2024/25"]
    html = render_to_string(
        "web/annual_reports/_partnership_reports.html",
        {"partnership": world.partnership, "role": Role.LEAD, "report_years": years},
    )
    assert reverse("annual_report", args=[world.partnership.pk, 2025]) in html
    assert "Edition 1, 12 May 2026" in html
    assert reverse("publishing_settings", args=[world.partnership.pk]) in html
    viewer = render_to_string(
        "web/annual_reports/_partnership_reports.html",
        {"partnership": world.partnership, "role": Role.VIEWER, "report_years": years},
    )
    assert reverse("publishing_settings", args=[world.partnership.pk]) not in viewer
