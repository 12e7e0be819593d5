from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from goldenthread.core import corrective_actions
from goldenthread.core.access import get_indicator_for_user, get_partnership_for_user, role_in
from goldenthread.core.analysis import indicator_analysis
from goldenthread.core.annual_report import report_years
from goldenthread.core.benchmarking import benchmark_summary
from goldenthread.core.charts import every_period, history
from goldenthread.core.compliance import compliance_context
from goldenthread.core.improvement import highlights, improvement_banner
from goldenthread.core.monitoring import what_i_owe
from goldenthread.core.performance import (
    current_plan,
    indicator_history,
    partnership_summaries,
    plan_objectives,
)
from goldenthread.core.reviews import comment_thread, feedback_waiting
from goldenthread.web.views.finance import summary_for
from goldenthread.web.views.process_changes import process_change_context


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    summaries = partnership_summaries(request.user, today)
    owed = what_i_owe(request.user)
    return render(
        request,
        "web/home.html",
        {
            "summaries": summaries,
            "has_demo": any(s.partnership.is_demo for s in summaries),
            "owed": owed,
            "feedback_waiting": feedback_waiting(request.user),
            "corrective_owned": corrective_actions.owned_by(request.user, today),
            "today": today,
        },
    )


@login_required
@require_GET
def partnership(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = get_partnership_for_user(request.user, partnership_id)
    today = timezone.localdate()
    plan = current_plan(partnership)
    return render(
        request,
        "web/partnership.html",
        {
            "partnership": partnership,
            "role": role_in(request.user, partnership),
            "plan": plan,
            "objectives": plan_objectives(plan, today) if plan else [],
            "finance": summary_for(partnership, today),
            "improvement_banner": improvement_banner(request.user, partnership, today=today),
            "highlights": highlights(partnership, today=today),
            **compliance_context(partnership),
            "report_years": report_years(partnership, today),
            "today": today,
        },
    )


@login_required
@require_GET
def indicator(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = get_indicator_for_user(request.user, indicator_id)
    rows = indicator_history(indicator)
    return render(
        request,
        "web/indicator.html",
        {
            "indicator": indicator,
            "partnership": indicator.partnership,
            "rows": rows,
            # The table beside the chart: every period the chart shows, gaps too.
            "table_rows": every_period(rows),
            "analysis": indicator_analysis(indicator, rows, timezone.localdate()),
            "improvement_banner": improvement_banner(
                request.user, indicator.partnership, today=timezone.localdate(), indicator=indicator
            ),
            "comment_thread": comment_thread(request.user, indicator),
            "benchmark_summary": benchmark_summary(indicator),
            "objectives": indicator.objectives.select_related("plan").order_by("-plan__version"),
            "corrective_lines": corrective_actions.of_indicator(indicator, timezone.localdate()),
            **process_change_context(request.user, indicator, rows),
        },
    )


# pygal writes its styling as a <style> element inside the SVG; the SVG is only ever
# loaded as an image, where nothing in it can run.
@csp_update({"style-src": ["'unsafe-inline'"]})
@login_required
@require_GET
def indicator_chart(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = get_indicator_for_user(request.user, indicator_id)
    svg = history.history_chart(indicator, indicator_history(indicator))
    return HttpResponse(svg, content_type="image/svg+xml")


urlpatterns = [
    path("", home, name="home"),
    path("partnerships/<int:partnership_id>/", partnership, name="partnership"),
    path("indicators/<int:indicator_id>/", indicator, name="indicator"),
    path("indicators/<int:indicator_id>/chart.svg", indicator_chart, name="indicator_chart"),
]
