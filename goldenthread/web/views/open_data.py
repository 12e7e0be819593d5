"""Open data (issue 15): what the public pages show, as files anyone may take without
signing in — CSV with its CSV on the Web metadata, and JSON — for the whole council and
for each partnership with a public page; and the performance team's page for the licence
they are published under."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from goldenthread.core.access import require_performance_team
from goldenthread.core.models import OpenDataLicence
from goldenthread.core.models.api import OGL_V3, OGL_V3_URL
from goldenthread.core.open_data import (
    OpenDataSet,
    council_open_data,
    partnership_open_data,
)
from goldenthread.core.open_data import (
    open_data_licence as current_licence,
)
from goldenthread.core.services.open_data import set_open_data_licence
from goldenthread.documents.open_data import (
    CSV_TYPE,
    JSON_TYPE,
    METADATA_TYPE,
    open_data_csv,
    open_data_json,
    open_data_metadata,
)
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import apply_errors, posted

# Figures change only when a return is signed off: a few minutes' caching spares the
# database when a dashboard polls, and a change still shows the same hour.
CACHE_CONTROL = "public, max-age=300"


def _basename(data: OpenDataSet) -> str:
    if data.partnership_id is None:
        return f"{slugify(data.area_code)}-partnership-performance"
    return f"{slugify(data.publisher)[:80]}-performance"


def _file(
    request: HttpRequest, data: OpenDataSet, kind: str, csv_url_name: str, *args: int
) -> HttpResponse:
    if kind == "csv":
        body, content_type, filename = open_data_csv(data), CSV_TYPE, f"{_basename(data)}.csv"
    elif kind == "metadata":
        csv_url = request.build_absolute_uri(reverse(csv_url_name, args=args))
        body, content_type = open_data_metadata(data, csv_url=csv_url), METADATA_TYPE
        filename = f"{_basename(data)}.csv-metadata.json"
    else:
        body, content_type, filename = open_data_json(data), JSON_TYPE, f"{_basename(data)}.json"
    response = HttpResponse(body, content_type=content_type)
    # The CSV downloads; the JSON files open in the browser, to be read.
    response["Content-Disposition"] = content_disposition_header(kind == "csv", filename)
    response["Cache-Control"] = CACHE_CONTROL
    # Anyone's scripts may read open data, from any site.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _council_file(kind: str) -> Callable[[HttpRequest], HttpResponse]:
    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        """No sign-in: every public partnership's published, signed-off figures."""
        return _file(request, council_open_data(), kind, "open_data_csv")

    return view


def _partnership_file(kind: str) -> Callable[..., HttpResponse]:
    @require_GET
    def view(request: HttpRequest, partnership_id: int) -> HttpResponse:
        """No sign-in: one public partnership's published, signed-off figures; 404 for
        a partnership without a public page."""
        data = partnership_open_data(partnership_id)
        return _file(request, data, kind, "public_open_data_csv", partnership_id)

    return view


class LicenceForm(forms.Form):
    name = forms.CharField(
        label="Licence",
        max_length=OpenDataLicence._meta.get_field("name").max_length,
        error_messages={"required": "Enter the licence's name"},
    )
    url = forms.CharField(
        label="Web address of the licence",
        max_length=OpenDataLicence._meta.get_field("url").max_length,
        error_messages={"required": "Enter the licence's web address"},
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
    )
    attribution = forms.CharField(
        label="Attribution (optional)",
        required=False,
        max_length=OpenDataLicence._meta.get_field("attribution").max_length,
        help_text="How people who reuse the data should credit the council, for example "
        "“Contains Trafford Council data”.",
    )


@login_required
@minimum_role("performance")
@require_http_methods(["GET", "POST"])
def open_data_licence(request: HttpRequest) -> HttpResponse:
    require_performance_team(request.user)
    licence = current_licence()
    form = LicenceForm(
        posted(request),
        initial={"name": licence.name, "url": licence.url, "attribution": licence.attribution},
    )
    if form.is_bound and form.is_valid():
        try:
            set_open_data_licence(by=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Open data licence saved")
            return redirect("open_data_licence")
    return render(
        request,
        "web/open_data/licence.html",
        {"form": form, "licence": licence, "ogl_name": OGL_V3, "ogl_url": OGL_V3_URL},
    )


urlpatterns = [
    path("public/open-data/performance.csv", _council_file("csv"), name="open_data_csv"),
    path(
        "public/open-data/performance.csv-metadata.json",
        _council_file("metadata"),
        name="open_data_csv_metadata",
    ),
    path("public/open-data/performance.json", _council_file("json"), name="open_data_json"),
    path(
        "public/<int:partnership_id>/open-data/performance.csv",
        _partnership_file("csv"),
        name="public_open_data_csv",
    ),
    path(
        "public/<int:partnership_id>/open-data/performance.csv-metadata.json",
        _partnership_file("metadata"),
        name="public_open_data_csv_metadata",
    ),
    path(
        "public/<int:partnership_id>/open-data/performance.json",
        _partnership_file("json"),
        name="public_open_data_json",
    ),
    path("council/open-data-licence/", open_data_licence, name="open_data_licence"),
]
