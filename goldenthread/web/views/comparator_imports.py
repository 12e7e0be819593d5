"""Importing comparator data: other areas' published figures for our indicators (upload →
map the columns and indicators → check every row → import all or nothing), and comparator
groups (lists of areas). The performance team imports for any indicator and imports groups;
a partnership's leads import for their own indicators (goldenthread.core.access).

Between the upload and the mapping page the file waits in a private temporary folder
(goldenthread.documents.comparators.keep_upload) under a random token, which is also kept
in the person's session: the mapping page opens only the files its own session uploaded,
and ``?upload=<token>`` keeps two uploads in two tabs apart.

The mapping page opens with the columns chosen when a file with the same headings was last
imported (core.models.ComparatorLayout), or else as guessed from the file's contents. Its
choices beyond the columns and indicators (``OptionsForm``): which rows of each breakdown
column to import, whether a figure for several periods is stored against the last period it
covers (on by default; the rule is stated beside it), and whether to import the rows we
understand and list the others (off unless ticked). Rows left out that way are listed, with
their row number and reason, on the page the import ends on (``comparator_imported``).
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
from goldenthread.core.models import (
    ComparatorGroup,
    ComparatorLayout,
    ComparatorValue,
    Indicator,
)
from goldenthread.core.models.fields import DECIMALS_RULE
from goldenthread.core.services.benchmarking import (
    ImportCounts,
    import_comparator_group,
    import_comparator_values,
)
from goldenthread.documents import comparators
from goldenthread.documents.comparators import (
    COLUMNS,
    Breakdown,
    CheckedFile,
    Columns,
    Refused,
    SourcePair,
)
from goldenthread.documents.return_sheets import TOO_BIG
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import text_field
from goldenthread.web.views.return_sheets import SizeLimit

SHOWN_PROBLEMS = 200
SESSION_KEY = "comparator_uploads"
IMPORTED_KEY = "comparator_imported"
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
    "period": "Such as 2023/24, Q1 2023, March 2023, 2023-06-30 or 2015 - 17.",
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


SPANS_LABEL = "Store a figure for several periods against the last period it covers"
SPANS_HINT = (
    "A figure for several years pooled, such as life expectancy for “2015 - 17”, is stored "
    "against its last year, read as that year alone would be: 2017, which is 2017/18 for an "
    "annual indicator; a figure for quarters added up, such as “2021/22 Q1 - 2022/23 Q2”, "
    "against its last quarter, 2022/23 Q2, for a quarterly indicator. It is still the "
    "figure for the whole span (a three-year average, a running total), so compare it only "
    "with figures for the same span. Without this, such rows are problems."
)
UNREAD_LABEL = "Import the rows we understand, and list the others"
UNREAD_HINT = (
    "Rows whose area code, period or value cannot be read are left out and listed, with "
    "their row number and reason, once the rest is imported. The rest is still imported all "
    "or nothing: two different figures for one area, period and indicator stop the import. "
    "Without this, any row that cannot be read stops the import."
)
RADIOS_UP_TO = 8


class OptionsForm(forms.Form):
    """Which rows of each breakdown to import, and how to treat periods and rows that
    cannot be read."""

    spans = forms.BooleanField(label=SPANS_LABEL, help_text=SPANS_HINT, required=False)
    skip_unreadable = forms.BooleanField(label=UNREAD_LABEL, help_text=UNREAD_HINT, required=False)

    def __init__(self, *args, breakdowns: Sequence[Breakdown], **kwargs):
        super().__init__(*args, **kwargs)
        self.breakdowns = {breakdown_field_name(b): b for b in breakdowns}
        for name, breakdown in self.breakdowns.items():
            shown = [value or "(blank)" for value, _rows in breakdown.values]
            refused = (
                f"Choose which rows of “{breakdown.heading}” to import: the file has a figure "
                f"for each of {', '.join(shown)}"
            )
            self.fields[name] = forms.TypedChoiceField(
                label=f"Which rows of the column “{breakdown.heading}” to import",
                help_text="The file gives a figure for each of these for the same area and "
                "period: only the rows chosen are imported.",
                choices=[
                    (str(i), f"{value or '(blank)'} ({rows:,} row{'s' if rows != 1 else ''})")
                    for i, (value, rows) in enumerate(breakdown.values)
                ],
                widget=forms.RadioSelect if len(shown) <= RADIOS_UP_TO else forms.Select,
                coerce=int,
                empty_value=None,
                error_messages={"required": refused, "invalid_choice": refused},
            )

    def keep(self) -> dict[int, str]:
        return {
            breakdown.column: breakdown.value_at(self.cleaned_data.get(name))
            for name, breakdown in self.breakdowns.items()
        }

    def chosen_values(self) -> dict[str, str]:
        """The rows kept, by heading, as remembered with the file's layout."""
        return {
            breakdown.heading: breakdown.value_at(self.cleaned_data.get(name))
            for name, breakdown in self.breakdowns.items()
        }

    def breakdown_fields(self):
        return [self[name] for name in self.breakdowns]


def breakdown_field_name(breakdown: Breakdown) -> str:
    return f"breakdown_{breakdown.column}"


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
    guessed = comparators.guess_columns(table.headings, table.rows)
    layout = ComparatorLayout.remembered(table.headings)
    remembered_columns = _remembered_columns(layout, len(table.headings))
    if posted:
        columns_form = ColumnsForm(request.POST, headings=table.headings)
    else:
        columns_form = ColumnsForm(
            initial={
                k: "" if v is None else str(v) for k, v in (remembered_columns or guessed).items()
            },
            headings=table.headings,
        )

    # The published indicators depend on two columns only, so they are listed whenever those
    # two are known, whatever is wrong with the others.
    if posted:
        columns_form.is_valid()
        chosen = columns_form.cleaned_data
    else:
        chosen = remembered_columns or guessed
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

    # Breakdown columns depend on the columns chosen, so, like the published indicators, a
    # choice not on the page the person saw is filled in and shown before importing.
    found = (
        comparators.breakdowns(table, chosen)
        if all(chosen.get(k) is not None for k in ("area_code", "period", "indicator"))
        else []
    )
    kept_before = layout.get("breakdowns")
    if not isinstance(kept_before, dict):
        kept_before = {}
    option_initial = {"spans": True, "skip_unreadable": False}
    for breakdown in found:
        remembered_value = kept_before.get(breakdown.heading)
        index = breakdown.index_of(remembered_value if isinstance(remembered_value, str) else None)
        if index is None:
            index = breakdown.index_of(breakdown.default)
        option_initial[breakdown_field_name(breakdown)] = "" if index is None else str(index)
    # A radio button left unchosen is not posted, so the page lists the choices it showed.
    shown = set(request.POST.get("shown_breakdowns", "").split(","))
    new_breakdowns = posted and any(breakdown_field_name(b) not in shown for b in found)
    if posted:
        options_in = request.POST.copy()
        for breakdown in found:
            name = breakdown_field_name(breakdown)
            options_in.setdefault(name, option_initial[name])
        options_form = OptionsForm(options_in, breakdowns=found)
    else:
        options_form = OptionsForm(initial=option_initial, breakdowns=found)

    checked: CheckedFile | None = None
    importing = posted and request.POST.get("action") == "import"
    forms_valid = columns_form.is_valid() and indicators_form.is_valid() and options_form.is_valid()
    if importing and not new_pairs and not new_breakdowns and forms_valid:
        mapping = indicators_form.mapping(by_pk)
        if not any(mapping.values()):
            indicators_form.add_error(
                next(iter(indicators_form.pairs)),
                "Choose one of your indicators for at least one of the published indicators",
            )
        else:
            columns = columns_form.columns()
            options = options_form.cleaned_data
            checked = comparators.check_rows(
                table,
                columns,
                mapping,
                home_area_code(),
                keep=options_form.keep(),
                spans=options["spans"],
                skip_unreadable=options["skip_unreadable"],
            )
            if checked.ok and not checked.values:
                columns_form.add_error(
                    None,
                    "There is nothing to import: every row is skipped (see below). Check the "
                    "columns, indicators and rows chosen.",
                )
            elif checked.ok:
                try:
                    counts = import_comparator_values(
                        values=checked.values,
                        by=request.user,
                        source=upload["source"],
                        mappings=mapping,
                        headings=table.headings,
                        layout={
                            "columns": {k: columns_form.cleaned_data[k] for k, _l, _r in COLUMNS},
                            "breakdowns": options_form.chosen_values(),
                        },
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
                    message = _imported_message(counts, checked, mapping)
                    if checked.unread:
                        request.session[IMPORTED_KEY] = {
                            "name": upload["name"],
                            "message": message,
                            "rows": checked.unread_rows,
                            "unread": [
                                [p.row, p.column, p.message]
                                for p in checked.unread[:SHOWN_PROBLEMS]
                            ],
                            "more": max(len(checked.unread) - SHOWN_PROBLEMS, 0),
                        }
                        return redirect("comparator_imported")
                    messages.success(request, message)
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
            "options_form": options_form,
            "remembered_layout": bool(remembered_columns),
            "has_spans": comparators.has_spans(table, chosen.get("period")),
            "new_pairs": new_pairs and importing,
            "new_breakdowns": new_breakdowns and importing,
            "checked": checked,
            "problems": problems[:SHOWN_PROBLEMS],
            "problem_count": len(problems),
            "more_problems": max(len(problems) - SHOWN_PROBLEMS, 0),
            "has_errors": bool(
                columns_form.errors
                or indicators_form.errors
                or options_form.errors
                or problems
                or ((new_pairs or new_breakdowns) and importing)
            ),
            "home_area_code": home_area_code(),
            "decimals_rule": DECIMALS_RULE,
            "no_indicators": not indicators,
        },
    )


def _remembered_columns(layout: dict, width: int) -> dict[str, int | None] | None:
    """The columns remembered for this layout, if they still fit the file."""
    columns = layout.get("columns") if isinstance(layout, dict) else None
    if not isinstance(columns, dict):
        return None
    chosen: dict[str, int | None] = {}
    for key, _label, required in COLUMNS:
        column = columns.get(key)
        if column is None and not required:
            chosen[key] = None
        elif isinstance(column, int) and not isinstance(column, bool) and 0 <= column < width:
            chosen[key] = column
        else:
            return None
    return chosen


@minimum_role("lead_or_performance")
@login_required
@require_http_methods(["GET"])
def comparator_imported(request: HttpRequest) -> HttpResponse:
    """What the last import with "import the rows we understand" did, and the rows it left
    out, with their row numbers and reasons."""
    _require_importer(request)
    # Without a recent import (a bookmark, another browser) it says so, as the mapping
    # page does for an upload it no longer has.
    imported = request.session.get(IMPORTED_KEY)
    return render(request, "web/benchmarking/imported.html", {"imported": imported})


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
        (checked.breakdowns, "of breakdowns not chosen"),
        (checked.not_mapped, "for published indicators not imported"),
        (checked.unread_rows, "that could not be read, listed below"),
    ]
    parts = [f"{n:,} {why}" for n, why in skipped if n]
    if parts:
        message += " Rows skipped: " + "; ".join(parts) + "."
    if checked.spans:
        message += (
            f" {checked.spans:,} figure{'s' if checked.spans != 1 else ''} for several "
            "periods stored against the last period covered."
        )
    if checked.rounded:
        message += (
            f" {checked.rounded:,} figure{'s' if checked.rounded != 1 else ''} with more than "
            "6 decimal places rounded half up to 6."
        )
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
    path("benchmarking/import/imported/", comparator_imported, name="comparator_imported"),
    path("benchmarking/groups/import/", group_upload, name="group_upload"),
]
