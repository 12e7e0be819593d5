"""A partnership's minimum requirements without HTTP: the compliance tracker's row, drawn
from compliance_context. The tracker through real data, the evidence, the exports and who
sees which partnerships: tests/web/test_compliance.py."""

from django.template.loader import render_to_string
from django.urls import reverse

from goldenthread.core.compliance import compliance_context
from tests.conftest import at, meet_everything


def test_the_partnership_row_partial(world):
    meet_everything(world)
    with at(2026, 7, 1):
        html = render_to_string("web/compliance/_row.html", compliance_context(world.partnership))
    # The current financial year on 1 July 2026 is 2026/27.
    assert "Minimum requirements, 2026/27" in html
    assert reverse("compliance_evidence", args=[world.partnership.pk, 2026]) in html
    assert html.count("govuk-tag--") == 5
