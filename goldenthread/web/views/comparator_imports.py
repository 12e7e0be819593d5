"""Importing comparator data: other areas' published figures for our indicators (upload →
map the columns and indicators → check every row → import all or nothing), and comparator
groups (lists of areas). The performance team imports for any indicator and imports groups;
a partnership's leads import for their own indicators (goldenthread.core.access).

Between the upload and the mapping page the file waits in a private temporary folder
(goldenthread.documents.comparators.keep_upload) under a random token, which is also kept
in the person's session: the mapping page opens only the files its own session uploaded,
and ``?upload=<token>`` keeps two uploads in two tabs apart.
"""

import hashlib
from collections.abc import Sequence

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from goldenthread.core.access import may_import_comparators, may_import_groups
from goldenthread.core.benchmarking import (
    home_area_code,
    importable_indicators,
    remembered_mappings,
)
from goldenthread.core.models import ComparatorGroup, ComparatorValue, Indicator
from goldenthread.core.services.benchmarking import (
    ImportCounts,
    import_comparator_group,
    import_comparator_values,
)
from goldenthread.documents import comparators
from goldenthread.documents.comparators import COLUMNS, CheckedFile, Columns, Refused, SourcePair
from goldenthread.documents.return_sheets import TOO_BIG
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import text_field
from goldenthread.web.views.return_sheets import SizeLimit

SHOWN_PROBLEMS = 200
SESSION_KEY = "comparator_uploads"
KEPT_PER_SESSION = 5


# --- forms ---------------------------------------------------------------------------------


def _file_field(label: str, help_text: str) -> forms.FileField:
    return forms.FileField(
        label=label,
        help_text=help_text,
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={
            "required": "Select a CSV or Excel file",
            "empty": "The selected file is empty",
            "invalid": "Select a CSV or Excel file",
        },
    )


class UploadForm(forms.Form):
    file = _file_field(
        "Upload the file",
        "A CSV or Excel (.xlsx) file of 5 MB or less, with a row of headings, then one row "
        "for each area, period and indicator.",
    )
    source = text_field(
        ComparatorValue,
        "source",
        label="Where the figures come from (optional)",
        help_text="For example “Fingertips, OHID, March 2025”. Left blank, the file name is used.",
        required=False,
        error_messages={"max_length": "Keep the source to 300 characters or fewer"},
    )


COLUMN_HINTS = {
    "area_code": "ONS codes like E08000009.",
    "period": "Such as 2023/24, Q1 2023, March 2023 or 2023-06-30.",
    "indicator": "The name of the published indicator.",
    "measure": "Where a file has several measures of one indicator, such as a count and a rate.",
    "value": "The figures.",
}


class ColumnsForm(forms.Form):
    """Which column of the file holds what (COLUMNS)."""

    def __init__(self, *args, headings: Sequence[str], **kwargs):
        super().__init__(*args, **kwargs)
        for key, label, required in COLUMNS:
            empty = "Choose a column" if required else "Not in this file"
            self.fields[key] = forms.TypedChoiceField(
                label=f"{label} column",
                help_text=COLUMN_HINTS.get(key, ""),
                choices=[("", empty)] + [(str(i), h) for i, h in enumerate(headings)],
                required=required,
                coerce=int,
                empty_value=None,
                error_messages={
                    "required": f"Choose the column that holds the {label.lower()}",
                    "invalid_choice": f"Choose the column that holds the {label.lower()}",
                },
            )

    def clean(self):
        cleaned = super().clean()
        taken: dict[int, str] = {}
        for key, label, _required in COLUMNS:
            column = cleaned.get(key)
            if column is None:
                continue
            if column in taken:
                self.add_error(
                    key, f"The {label.lower()} cannot be in the same column as the {taken[column]}"
                )
            else:
                taken[column] = label.lower()
        return cleaned

    def columns(self) -> Columns:
        return Columns(**{key: self.cleaned_data[key] for key, _label, _required in COLUMNS})


def pair_field_name(pair: SourcePair) -> str:
    digest = hashlib.sha256(f"{pair.indicator}\x1f{pair.measure}".encode()).hexdigest()
    return f"map_{digest[:16]}"


def indicator_choices(indicators: Sequence[Indicator]) -> list:
    groups: dict[str, list[tuple[str, str]]] = {}
    for indicator in indicators:
        groups.setdefault(indicator.partnership.name, []).append(
            (str(indicator.pk), f"{indicator.code} {indicator.title}")
        )
    return [("", "Don't import"), *groups.items()]


class IndicatorsForm(forms.Form):
    """For each published indicator (and measure) in the file: which of ours, if any."""

    def __init__(
        self, *args, pairs: Sequence[SourcePair], indicators: Sequence[Indicator], **kwargs
    ):
        super().__init__(*args, **kwargs)
        choices = indicator_choices(indicators)
        self.pairs = {pair_field_name(pair): pair for pair in pairs}
        for name, pair in self.pairs.items():
            rows = f"{pair.rows:,} row{'s' if pair.rows != 1 else ''}"
            self.fields[name] = forms.TypedChoiceField(
                label=str(pair) or "(no indicator name)",
                help_text=f"{rows} in the file.",
                choices=choices,
                required=False,
                coerce=int,
                empty_value=None,
                error_messages={"invalid_choice": "Choose one of your indicators from the list"},
            )

    def mapping(self, by_pk: dict[int, Indicator]) -> dict[tuple[str, str], Indicator | None]:
        return {
            pair.key: by_pk.get(self.cleaned_data.get(name)) for name, pair in self.pairs.items()
        }


class GroupUploadForm(forms.Form):
    name = text_field(
        ComparatorGroup,
        "name",
        label="Name of the group",
        help_text="For example “CIPFA nearest neighbours 2021”. Importing a group with the "
        "name of one that exists replaces its list of areas.",
        error_messages={
            "required": "Enter a name for the group",
            "max_length": "Keep the name to 200 characters or fewer",
        },
    )
    description = text_field(
        ComparatorGroup,
        "description",
        label="Description (optional)",
        help_text="Where the list comes from and when it was made.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    file = _file_field(
        "Upload the list of areas",
        "A CSV or Excel (.xlsx) file with a column “area_code” of ONS codes (like E08000009) "
        "and, optionally, a column “area_name”.",
    )


# --- upload, map, import ---------------------------------------------------------------------


def _require_importer(request: HttpRequest) -> None:
    if not may_import_comparators(request.user):
        raise PermissionDenied(
            "Only the council performance team and partnership leads import comparator data."
        )


# The upload handler must be in place before anything reads the request body, and the CSRF
# middleware reads it: so CSRF is checked inside, once the handler is in (as in
# web/views/return_sheets.py).
@minimum_role("lead_or_performance")
@login_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def comparator_upload(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    limit = SizeLimit(request)
    request.upload_handlers.insert(0, limit)
    return _comparator_upload(request, limit)


@csrf_protect
def _comparator_upload(request: HttpRequest, limit: SizeLimit) -> HttpResponse:
    form = UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if limit.exceeded:
            form.add_error("file", TOO_BIG)
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                data = comparators.read_upload(upload)
                comparators.read_table(data, upload.name)
            except Refused as refusal:
                form.add_error("file", str(refusal))
            else:
                token = _keep(request, data, upload.name, form.cleaned_data["source"])
                return redirect(f"{reverse('comparator_map')}?upload={token}")
    return render(request, "web/benchmarking/upload.html", {"form": form})


def _keep(request: HttpRequest, data: bytes, name: str, source: str) -> str:
    token = comparators.keep_upload(data)
    kept = dict(request.session.get(SESSION_KEY, {}))
    kept[token] = {"name": name[:200], "source": (source or name)[:300]}
    while len(kept) > KEPT_PER_SESSION:
        oldest = next(iter(kept))
        comparators.discard_upload(oldest)
        del kept[oldest]
    request.session[SESSION_KEY] = kept
    return token


def _forget(request: HttpRequest, token: str) -> None:
    comparators.discard_upload(token)
    kept = dict(request.session.get(SESSION_KEY, {}))
    kept.pop(token, None)
    request.session[SESSION_KEY] = kept


@minimum_role("lead_or_performance")
@login_required
@require_http_methods(["GET", "POST"])
def comparator_map(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    token = request.GET.get("upload", "")
    upload = request.session.get(SESSION_KEY, {}).get(token)
    data = comparators.kept_upload(token) if upload else None
    try:
        table = comparators.read_table(data, upload["name"]) if data else None
    except Refused:
        table = None
    if table is None:
        return render(request, "web/benchmarking/map_missing.html", {"asked": bool(token)})

    indicators = list(importable_indicators(request.user))
    by_pk = {i.pk: i for i in indicators}
    posted = request.method == "POST"
    guessed = comparators.guess_columns(table.headings)
    if posted:
        columns_form = ColumnsForm(request.POST, headings=table.headings)
    else:
        columns_form = ColumnsForm(
            initial={k: "" if v is None else str(v) for k, v in guessed.items()},
            headings=table.headings,
        )

    # The published indicators depend on two columns only, so they are listed whenever those
    # two are known, whatever is wrong with the others.
    if posted:
        columns_form.is_valid()
        chosen = columns_form.cleaned_data
    else:
        chosen = guessed
    pairs = []
    if chosen.get("indicator") is not None and "measure" in chosen:
        pairs = comparators.source_pairs(table, chosen["indicator"], chosen["measure"])
    if len(pairs) > comparators.MAX_SOURCE_INDICATORS:
        columns_form.add_error(
            "indicator",
            f"The column chosen for the indicator name has {len(pairs):,} different entries: "
            "choose the column that names the indicator",
        )
        pairs = []

    remembered = remembered_mappings([p.key for p in pairs], indicators)
    initial = {
        pair_field_name(p): str(remembered[p.key]) if p.key in remembered else "" for p in pairs
    }
    new_pairs = posted and any(name not in request.POST for name in initial)
    if posted:
        data_in = request.POST.copy()
        for name, value in initial.items():
            data_in.setdefault(name, value)
        indicators_form = IndicatorsForm(data_in, pairs=pairs, indicators=indicators)
    else:
        indicators_form = IndicatorsForm(initial=initial, pairs=pairs, indicators=indicators)

    checked: CheckedFile | None = None
    importing = posted and request.POST.get("action") == "import"
    if importing and not new_pairs and columns_form.is_valid() and indicators_form.is_valid():
        mapping = indicators_form.mapping(by_pk)
        if not any(mapping.values()):
            indicators_form.add_error(
                next(iter(indicators_form.pairs)),
                "Choose one of your indicators for at least one of the published indicators",
            )
        else:
            columns = columns_form.columns()
            checked = comparators.check_rows(table, columns, mapping, home_area_code())
            if checked.ok and not checked.values:
                columns_form.add_error(
                    None,
                    "There is nothing to import: every row is skipped (see below). Check the "
                    "columns and indicators chosen.",
                )
            elif checked.ok:
                try:
                    counts = import_comparator_values(
                        values=checked.values,
                        by=request.user,
                        source=upload["source"],
                        mappings=mapping,
                    )
                except ValidationError as error:
                    columns_form.add_error(None, error.messages[0])
                except IntegrityError:
                    # Someone imported the same figures at the same moment.
                    columns_form.add_error(
                        None,
                        "Someone else imported figures for the same indicators just now, so "
                        "nothing has been imported: check and import again.",
                    )
                else:
                    _forget(request, token)
                    messages.success(request, _imported_message(counts, checked, mapping))
                    return redirect("benchmarking_home")

    problems = checked.problems if checked else []
    return render(
        request,
        "web/benchmarking/map.html",
        {
            "upload": upload,
            "token": token,
            "table": table,
            "preview": table.rows[:5],
            "columns_form": columns_form,
            "indicators_form": indicators_form,
            "new_pairs": new_pairs and importing,
            "checked": checked,
            "problems": problems[:SHOWN_PROBLEMS],
            "problem_count": len(problems),
            "more_problems": max(len(problems) - SHOWN_PROBLEMS, 0),
            "has_errors": bool(
                columns_form.errors
                or indicators_form.errors
                or problems
                or (new_pairs and importing)
            ),
            "home_area_code": home_area_code(),
            "no_indicators": not indicators,
        },
    )


def _imported_message(counts: ImportCounts, checked: CheckedFile, mapping: dict) -> str:
    codes = sorted({i.code for i in mapping.values() if i is not None})
    figures = "figure" if counts.total == 1 else "figures"
    message = (
        f"Imported {counts.total:,} {figures} for {', '.join(codes)}: {counts.created:,} new, "
        f"{counts.updated:,} changed and {counts.unchanged:,} unchanged."
    )
    skipped = [
        (checked.not_available, "published as not available"),
        (checked.home_area, "for our own area"),
        (checked.breakdowns, "breakdowns such as deprivation quintiles"),
        (checked.not_mapped, "for published indicators not imported"),
    ]
    parts = [f"{n:,} {why}" for n, why in skipped if n]
    if parts:
        message += " Rows skipped: " + "; ".join(parts) + "."
    return message


# --- comparator groups -----------------------------------------------------------------------


@minimum_role("performance")
@login_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def group_upload(request: HttpRequest) -> HttpResponse:
    if not may_import_groups(request.user):
        raise PermissionDenied("Only the council performance team imports comparator groups.")
    limit = SizeLimit(request)
    request.upload_handlers.insert(0, limit)
    return _group_upload(request, limit)


@csrf_protect
def _group_upload(request: HttpRequest, limit: SizeLimit) -> HttpResponse:
    form = GroupUploadForm()
    problems: list[comparators.RowProblem] = []
    if request.method == "POST":
        form = GroupUploadForm(request.POST, request.FILES)
        if limit.exceeded:
            form.add_error("file", TOO_BIG)
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                data = comparators.read_upload(upload)
                areas, problems = comparators.read_group(data, upload.name)
            except Refused as refusal:
                form.add_error("file", str(refusal))
            else:
                if problems:
                    noun = "problem" if len(problems) == 1 else "problems"
                    form.add_error(
                        "file",
                        f"The file has {len(problems):,} {noun}, listed below: correct them and "
                        "upload it again. Nothing has been saved.",
                    )
                else:
                    group, created = import_comparator_group(
                        name=form.cleaned_data["name"],
                        description=form.cleaned_data["description"],
                        areas=areas,
                        by=request.user,
                    )
                    verb = "added" if created else "updated"
                    messages.success(
                        request,
                        f"Comparator group “{group.name}” {verb}: {len(areas)} "
                        f"area{'s' if len(areas) != 1 else ''}.",
                    )
                    return redirect("benchmarking_home")
    return render(
        request,
        "web/benchmarking/group_upload.html",
        {
            "form": form,
            "problems": problems[:SHOWN_PROBLEMS],
            "more_problems": max(len(problems) - SHOWN_PROBLEMS, 0),
        },
    )


urlpatterns = [
    path("benchmarking/import/", comparator_upload, name="comparator_upload"),
    path("benchmarking/import/map/", comparator_map, name="comparator_map"),
    path("benchmarking/groups/import/", group_upload, name="group_upload"),
]
