"""What an indicator's numbers say: its process chart, served as an image. The sections
around it are a partial of the indicator page (web/analysis/indicator_sections.html)."""

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from goldenthread.core.access import get_indicator_for_user
from goldenthread.core.analysis import indicator_spc
from goldenthread.core.charts.spc import spc_chart
from goldenthread.core.performance import indicator_history
from goldenthread.web.decorators import minimum_role


# pygal writes its styling as a <style> element inside the SVG; the SVG is only ever
# loaded as an image, where nothing in it can run.
@csp_update({"style-src": ["'unsafe-inline'"]})
@login_required
@minimum_role("viewer")
@require_GET
def indicator_spc_chart(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = get_indicator_for_user(request.user, indicator_id)
    rows = indicator_history(indicator)
    spc, _ = indicator_spc(indicator, rows)
    svg = spc_chart(indicator, spc, rows)
    return HttpResponse(svg, content_type="image/svg+xml")


urlpatterns = [
    path("indicators/<int:indicator_id>/spc.svg", indicator_spc_chart, name="indicator_spc_chart"),
]
