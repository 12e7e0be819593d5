"""Benchmarking pages: the home page (comparator groups and the figures imported), and an
indicator against its comparator group period by period, as a chart and a table, where a
lead or the performance team chooses its usual group. Importing figures and groups is in
comparator_imports.py; who may do what is decided in goldenthread.core.access."""

from collections.abc import Sequence
from dataclasses import dataclass

from csp.decorators import csp_update
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from goldenthread.core.access import (
    get_indicator_for_user,
    may_import_comparators,
    may_import_groups,
    may_import_into,
)
from goldenthread.core.benchmarking import (
    BenchmarkRow,
    benchmark_rows,
    distance_text,
    group_lists_home,
    groups_with_counts,
    home_area_code,
    home_area_name,
    imported_series,
    robust_text,
    shown,
)
from goldenthread.core.charts import every_period
from goldenthread.core.charts.benchmark import benchmark_chart
from goldenthread.core.models import ComparatorGroup, Indicator
from goldenthread.core.services.benchmarking import set_comparator_group
from goldenthread.rules import Period, Polarity
from goldenthread.rules.benchmark import IMPLAUSIBLE_MADS, SIMILAR_WITHIN_MADS
from goldenthread.web.decorators import minimum_role

OUR_RESULT = "Our result"


# --- forms ---------------------------------------------------------------------------------


class GroupChoiceForm(forms.Form):
    group = forms.TypedChoiceField(
        label="Compare with",
        coerce=int,
        error_messages={
            "required": "Choose a comparator group",
            "invalid_choice": "Choose a comparator group from the list",
        },
    )

    def __init__(self, *args, groups: Sequence[ComparatorGroup], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [(str(g.pk), _group_label(g)) for g in groups]


class UsualGroupForm(forms.Form):
    comparator_group = forms.TypedChoiceField(
        label="Compare this indicator with",
        help_text="The group shown here unless another is chosen above, and on the "
        "indicator's page.",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a comparator group from the list"},
    )

    def __init__(self, *args, groups: Sequence[ComparatorGroup], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comparator_group"].choices = [("", "None")] + [
            (str(g.pk), _group_label(g)) for g in groups
        ]


def _group_label(group: ComparatorGroup) -> str:
    count = getattr(group, "area_count", None)
    if count is None:
        return group.name
    return f"{group.name} ({count} area{'s' if count != 1 else ''})"


# --- the benchmarking home page --------------------------------------------------------------


@minimum_role("viewer")
@login_required
@require_GET
def benchmarking_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/benchmarking/home.html",
        {
            "groups": groups_with_counts(),
            "series": imported_series(request.user),
            "may_import": may_import_comparators(request.user),
            "may_import_groups": may_import_groups(request.user),
        },
    )


# --- an indicator against its group ----------------------------------------------------------


def _chosen_group(
    request: HttpRequest, indicator: Indicator, groups: Sequence[ComparatorGroup]
) -> tuple[ComparatorGroup | None, GroupChoiceForm]:
    """The group asked for (?group=), else the indicator's usual group."""
    by_pk = {g.pk: g for g in groups}
    if "group" in request.GET:
        form = GroupChoiceForm(request.GET, groups=groups)
        if form.is_valid():
            return by_pk[form.cleaned_data["group"]], form
    else:
        form = GroupChoiceForm(initial={"group": indicator.comparator_group_id}, groups=groups)
    return by_pk.get(indicator.comparator_group_id), form


@minimum_role("viewer")
@login_required
@require_http_methods(["GET", "POST"])
def indicator_benchmark(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = get_indicator_for_user(request.user, indicator_id)
    groups = list(groups_with_counts())
    may_set = may_import_into(request.user, indicator)
    usual_form = None
    if may_set:
        usual_form = UsualGroupForm(
            initial={"comparator_group": indicator.comparator_group_id}, groups=groups
        )
    if request.method == "POST":
        if not may_set:
            raise PermissionDenied(
                "Only the council performance team or the partnership's leads can choose the "
                "comparator group."
            )
        usual_form = UsualGroupForm(request.POST, groups=groups)
        if usual_form.is_valid():
            group = {g.pk: g for g in groups}.get(usual_form.cleaned_data["comparator_group"])
            set_comparator_group(indicator=indicator, group=group, by=request.user)
            messages.success(
                request,
                f"{indicator.code} is now usually compared with {group.name}."
                if group
                else f"{indicator.code} has no usual comparator group now.",
            )
            return redirect("indicator_benchmark", indicator.pk)

    group, choice_form = _chosen_group(request, indicator, groups)
    rows = benchmark_rows(indicator, group) if group else []
    latest = next((r for r in reversed(rows) if r.result.group is not None), None)
    return render(
        request,
        "web/benchmarking/indicator.html",
        {
            "indicator": indicator,
            "partnership": indicator.partnership,
            "groups": groups,
            "group": group,
            "choice_form": choice_form,
            "usual_form": usual_form,
            "rows": rows,
            # Every period the chart shows, latest first; a period with no figures at all
            # is the chart's gap, and its row says so.
            "table_rows": [
                _table_row(indicator, period, row) for period, row in reversed(every_period(rows))
            ],
            "latest": latest,
            "lists_home": group_lists_home(group) if group else False,
            "home_name": home_area_name() if group else "",
            "neither": indicator.polarity == Polarity.NEITHER,
            "band": indicator.polarity == Polarity.BAND,
            "implausible_mads": IMPLAUSIBLE_MADS,
            "similar_within_mads": SIMILAR_WITHIN_MADS,
            "chart_query": f"?group={group.pk}" if group else "",
            "our_name": OUR_RESULT,
            "home_area_code": home_area_code(),
            "has_errors": choice_form.errors or (usual_form is not None and usual_form.errors),
        },
    )


@dataclass(frozen=True)
class TableRow:
    """One period of the benchmark table (the chart's numbers), its figures as shown:
    rounded half up."""

    period: Period
    row: BenchmarkRow | None
    ours: str = ""
    median: str = ""
    mad: str = ""
    spread: str = ""
    distance: str = ""
    robust: str = ""
    doubtful: str = ""  # other areas' figures to check, like "Bury 0.0"


def _table_row(indicator: Indicator, period: Period, row: BenchmarkRow | None) -> TableRow:
    if row is None:
        return TableRow(period, None)
    result, group = row.result, row.result.group
    return TableRow(
        period,
        row,
        ours=shown(indicator, result.ours),
        median=shown(indicator, group.median) if group else "–",
        mad=shown(indicator, group.mad) if group else "–",
        spread=f"{shown(indicator, group.lowest)} to {shown(indicator, group.highest)}"
        if group
        else "–",
        distance=distance_text(indicator, result),
        robust=robust_text(result),
        doubtful=", ".join(f"{name} {shown(indicator, value)}" for name, value in row.doubtful),
    )


# pygal writes its styling as a <style> element inside the SVG; the SVG is only ever
# loaded as an image, where nothing in it can run (as indicator_chart in pages.py).
@csp_update({"style-src": ["'unsafe-inline'"]})
@minimum_role("viewer")
@login_required
@require_GET
def indicator_benchmark_chart(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = get_indicator_for_user(request.user, indicator_id)
    groups = list(groups_with_counts())
    group, _form = _chosen_group(request, indicator, groups)
    if group is None:
        group = ComparatorGroup(name="no comparator group")
        rows = []
    else:
        rows = benchmark_rows(indicator, group)
    svg = benchmark_chart(indicator, group, rows, OUR_RESULT)
    return HttpResponse(svg, content_type="image/svg+xml")


urlpatterns = [
    path("benchmarking/", benchmarking_home, name="benchmarking_home"),
    path(
        "indicators/<int:indicator_id>/benchmark/",
        indicator_benchmark,
        name="indicator_benchmark",
    ),
    path(
        "indicators/<int:indicator_id>/benchmark.svg",
        indicator_benchmark_chart,
        name="indicator_benchmark_chart",
    ),
]
