"""The annual report page and its files as at the year end (issue 12, judgement 1): the
performance team previews the draft, which shows the year-end figures with the changes
made since beside them. The rules themselves: tests/core/test_annual_report_as_at_year_end.py."""

import io
from decimal import Decimal

import docx
import pytest
from django.urls import reverse

from goldenthread.core.models import Target
from goldenthread.core.services import save_audited
from goldenthread.rules import Period
from tests.conftest import at, cell_texts

YEAR = 2025


@pytest.fixture(autouse=True)
def during_the_year():
    with at(2026, 2, 10):
        yield


def test_the_preview_shows_the_year_end_target_with_its_later_change(client, world):
    target = Target.objects.get(indicator=world.indicator, period=Period.parse("2025/26 Q3"))
    with at(2026, 12, 3):
        target.value = Decimal("110")
        save_audited(target, by=world.lead, reason="Raised")
        client.force_login(world.performance)
        page = client.get(reverse("annual_report", args=[world.partnership.pk, YEAR]))
        word = client.get(reverse("annual_report_docx", args=[world.partnership.pk, YEAR]))
    assert page.status_code == 200 and page.context["choice"].is_preview
    cells = cell_texts(page.content.decode())
    row = next(c for c in cells if c.startswith("SS01 "))
    assert "Since: Target changed on 3 December 2026 to 110." in row
    assert "100" in cells and "110" not in cells  # the target column: the year end's
    assert '<dt class="govuk-summary-list__key">Figures as at</dt>' in page.content.decode()
    assert "The end of the year, 31 March 2026: the plan, measures" in page.content.decode()
    document = docx.Document(io.BytesIO(word.content))
    texts = [cell.text for table in document.tables for r in table.rows for cell in r.cells]
    assert any("Since: Target changed on 3 December 2026 to 110." in t for t in texts)
