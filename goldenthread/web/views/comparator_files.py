"""From a published data file to our own records (issue 16): a partnership's lead creates
indicators, with their history, from the published indicators of a file, and the
performance team makes a comparator group of a file's areas. The upload is read and checked
as the comparator importer's is (goldenthread.documents.comparators: read_table,
keep_upload); the writes are goldenthread.core.services.comparator_files'.

Creating indicators: upload → choose which published indicators (and measures) to create,
with each one's code, title, unit, polarity, decimals and frequency → every row of those
indicators is checked as the importer checks it (periods read for the frequency chosen) →
created all or nothing, or nothing at all and every problem listed.
"""

import hashlib
from collections import defaultdict
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
from django.views.decorators.http import require_GET, require_http_methods

from goldenthread.core.access import Need, get_plan_for_user, may_import_groups
from goldenthread.core.benchmarking import home_area_code
from goldenthread.core.models import ComparatorGroup, ComparatorValue, Indicator, Plan
from goldenthread.core.services.comparator_files import (
    FileArea,
    FileFigure,
    NewIndicator,
    area_type,
    areas_of_type,
    create_group_from_areas,
    create_indicators_from_file,
    imported_reason,
)
from goldenthread.core.services.plans import next_ref
from goldenthread.documents import comparators
from goldenthread.documents.comparators import Refused, SourcePair
from goldenthread.documents.return_sheets import TOO_BIG
from goldenthread.rules import Frequency, PeriodError, Polarity, parse_published_period
from goldenthread.web.decorators import minimum_role
from goldenthread.web.forms import text_field
from goldenthread.web.views.comparator_imports import ColumnsForm
from goldenthread.web.views.plans import locked
from goldenthread.web.views.return_sheets import SizeLimit

SESSION_KEY = "comparator_file_uploads"
KEPT_PER_SESSION = 5
SHOWN_PROBLEMS = 200
PERCENT_MEASURES = {"percentage", "percent", "%", "proportion (%)"}


# --- keeping the upload ---------------------------------------------------------------------


class FileForm(forms.Form):
    file = forms.FileField(
        label="Upload the file",
        help_text="A CSV or Excel (.xlsx) file of 5 MB or less, with a row of headings, then "
        "one row for each area, period and indicator.",
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={
            "required": "Select a CSV or Excel file",
            "empty": "The selected file is empty",
            "invalid": "Select a CSV or Excel file",
        },
    )


class SourcedFileForm(FileForm):
    source = text_field(
        ComparatorValue,
        "source",
        label="Where the figures come from (optional)",
        help_text="For example “Fingertips, OHID, March 2025”. Left blank, the file name is used.",
        required=False,
        error_messages={"max_length": "Keep the source to 300 characters or fewer"},
    )


def _read_posted_file(request: HttpRequest, form: FileForm, limit: SizeLimit) -> str | None:
    """Keep the posted file and return its token, or put what is wrong on the form."""
    if limit.exceeded:
        form.add_error("file", TOO_BIG)
        return None
    if not form.is_valid():
        return None
    upload = form.cleaned_data["file"]
    try:
        data = comparators.read_upload(upload)
        comparators.read_table(data, upload.name)
    except Refused as refusal:
        form.add_error("file", str(refusal))
        return None
    token = comparators.keep_upload(data)
    kept = dict(request.session.get(SESSION_KEY, {}))
    source = form.cleaned_data.get("source") or upload.name
    kept[token] = {"name": upload.name[:200], "source": source[:300]}
    while len(kept) > KEPT_PER_SESSION:
        oldest = next(iter(kept))
        comparators.discard_upload(oldest)
        del kept[oldest]
    request.session[SESSION_KEY] = kept
    return token


def _kept(request: HttpRequest) -> tuple[str, dict | None, comparators.Table | None]:
    """The token asked for, what the session knows of it, and its table (None when this
    session did not upload it, it has gone, or it cannot be read)."""
    token = request.GET.get("upload", "")
    upload = request.session.get(SESSION_KEY, {}).get(token)
    data = comparators.kept_upload(token) if upload else None
    try:
        table = comparators.read_table(data, upload["name"]) if data else None
    except Refused:
        table = None
    return token, upload, table


def _forget(request: HttpRequest, token: str) -> None:
    comparators.discard_upload(token)
    kept = dict(request.session.get(SESSION_KEY, {}))
    kept.pop(token, None)
    request.session[SESSION_KEY] = kept


# --- creating indicators ------------------------------------------------------------------------


class NewIndicatorForm(forms.Form):
    """One published indicator and measure: whether to create an indicator of it, and what
    is asked once for it. Only a ticked one's boxes must be filled in."""

    create = forms.BooleanField(label="Create an indicator from this", required=False)
    code = text_field(
        Indicator,
        "code",
        label="Code",
        help_text="Unique in the partnership, like CS06.",
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    title = text_field(Indicator, "title", label="Title", required=False)
    unit = text_field(
        Indicator,
        "unit",
        label="Unit (optional)",
        help_text="For example %, rate per 10,000, count.",
        required=False,
    )
    polarity = forms.ChoiceField(
        label="Which way is better",
        choices=Polarity.choices(),
        widget=forms.RadioSelect,
        required=False,
    )
    decimals = forms.TypedChoiceField(
        label="Decimal places shown",
        choices=[(str(n), str(n)) for n in range(7)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    frequency = forms.ChoiceField(
        label="How often it is measured",
        choices=Frequency.choices(),
        widget=forms.RadioSelect,
        required=False,
    )

    MISSING = {
        "code": "Enter a code for the indicator, like CS06",
        "title": "Enter the indicator's title",
        "polarity": "Choose which way is better",
        "decimals": "Choose how many decimal places to show",
        "frequency": "Choose how often the indicator is measured",
    }

    def __init__(self, *args, pair: SourcePair, **kwargs):
        super().__init__(*args, **kwargs)
        self.pair = pair
        for bound_field in self.fields.values():
            bound_field.item = str(pair) or "(no indicator name)"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("create"):
            for name, message in self.MISSING.items():
                if name not in self.errors and cleaned.get(name) in (None, ""):
                    self.add_error(name, message)
        return cleaned


def pair_prefix(pair: SourcePair) -> str:
    return "p" + hashlib.sha256(f"{pair.indicator}\x1f{pair.measure}".encode()).hexdigest()[:12]


def _defaults(
    table: comparators.Table, columns: dict, pairs: Sequence[SourcePair], codes: list[str]
) -> dict[tuple[str, str], dict]:
    """What each pair's boxes start with: the published name as the title, the measure as
    the unit, the most decimal places published, and the frequency of its periods when they
    are all of one."""
    labels: dict[tuple[str, str], set[str]] = defaultdict(set)
    places: dict[tuple[str, str], int] = defaultdict(int)
    for _number, row in table.rows:
        key = (_cell(row, columns["indicator"]), _cell(row, columns.get("measure")))
        labels[key].add(_cell(row, columns["period"]))
        value = _cell(row, columns["value"])
        if "." in value:
            decimals = len(value.split(".", 1)[1].strip().rstrip("%"))
            places[key] = min(max(places[key], decimals), 6)
    names = defaultdict(int)
    for pair in pairs:
        names[pair.indicator] += 1
    prefix = _code_prefix(codes)
    width = max((len(c) - len(prefix) for c in codes if c.startswith(prefix)), default=2)
    defaults = {}
    for pair in pairs:
        code = next_ref(codes, prefix)
        code = prefix + code[len(prefix) :].rjust(width, "0")
        codes = [*codes, code]
        measure = pair.measure.strip()
        title = pair.indicator if names[pair.indicator] == 1 or not measure else str(pair)
        defaults[pair.key] = {
            "code": code,
            "title": title[:300],
            "unit": "%" if measure.casefold() in PERCENT_MEASURES else measure.lower()[:60],
            "decimals": str(places[pair.key]),
            "frequency": _frequency(labels[pair.key]),
        }
    return defaults


def _cell(row: tuple, column: int | None) -> str:
    if column is None or column >= len(row) or row[column] is None:
        return ""
    return str(row[column]).strip()


def _frequency(labels: set[str]) -> str:
    found = set()
    for label in labels:
        try:
            found.add(parse_published_period(label).frequency)
        except PeriodError:
            continue
    return Frequency(found.pop()).value if len(found) == 1 else ""


def _code_prefix(codes: Sequence[str]) -> str:
    """The letters the partnership's codes start with (SS of SS01), or IND."""
    for code in codes:
        letters = code.rstrip("0123456789")
        if letters and letters != code:
            return letters
    return "IND"


class ObjectiveForm(forms.Form):
    objective = forms.TypedChoiceField(
        label="Objective the new indicators measure (optional)",
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.objectives = {o.pk: o for o in plan.objectives.order_by("ref")}
        self.fields["objective"].choices = [("", "None for now")] + [
            (str(o.pk), f"{o.ref} {o.title}") for o in self.objectives.values()
        ]


class OptionsForm(forms.Form):
    """How rows for several periods, and rows that cannot be read, are treated: as on the
    importer's page (goldenthread.documents.comparators.check_rows)."""

    spans = forms.BooleanField(
        label="Store a figure for several periods against the last period it covers",
        help_text="A figure for several years pooled, such as “2015 - 17”, is stored against "
        "its last year, as that year alone would be (2017/18 for an annual indicator). It is "
        "still the figure for the whole span. Without this, such rows are problems.",
        required=False,
        initial=True,
    )
    skip_unreadable = forms.BooleanField(
        label="Create from the rows we understand, and leave out the others",
        help_text="Rows whose area code, period or value cannot be read are left out and "
        "counted. The rest is still created all or nothing. Without this, any row that "
        "cannot be read stops everything.",
        required=False,
    )


# The upload handler must be in place before anything reads the request body, and the CSRF
# middleware reads it: so CSRF is checked inside, once the handler is in (as in
# web/views/return_sheets.py).
@minimum_role("lead")
@login_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def indicators_from_file(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id, Need.LEAD)
    limit = SizeLimit(request)
    request.upload_handlers.insert(0, limit)
    return _indicators_upload(request, plan, limit)


@csrf_protect
def _indicators_upload(request: HttpRequest, plan: Plan, limit: SizeLimit) -> HttpResponse:
    if not plan.is_draft:
        return locked(request, plan)
    form = SourcedFileForm()
    if request.method == "POST":
        form = SourcedFileForm(request.POST, request.FILES)
        if token := _read_posted_file(request, form, limit):
            url = reverse("indicators_from_file_choose", args=[plan.pk])
            return redirect(f"{url}?upload={token}")
    return render(
        request,
        "web/comparator_files/indicators_upload.html",
        {"form": form, "plan": plan, "partnership": plan.partnership},
    )


@minimum_role("lead")
@login_required
@require_http_methods(["GET", "POST"])
def indicators_from_file_choose(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id, Need.LEAD)
    if not plan.is_draft:
        return locked(request, plan)
    partnership = plan.partnership
    token, upload, table = _kept(request)
    if table is None:
        return render(
            request,
            "web/comparator_files/missing.html",
            {
                "asked": bool(token),
                "again": reverse("indicators_from_file", args=[plan.pk]),
                "plan": plan,
                "partnership": partnership,
            },
        )
    posted = request.method == "POST"
    guessed = comparators.guess_columns(table.headings, table.rows)
    columns_form = ColumnsForm(
        request.POST if posted else None,
        initial={k: "" if v is None else str(v) for k, v in guessed.items()},
        headings=table.headings,
    )
    chosen = columns_form.cleaned_data if posted and columns_form.is_valid() else guessed
    if posted and not columns_form.is_valid():
        chosen = {**guessed, **columns_form.cleaned_data}
    pairs: list[SourcePair] = []
    if all(chosen.get(k) is not None for k in ("indicator", "period", "value")):
        pairs = comparators.source_pairs(table, chosen["indicator"], chosen.get("measure"))
    if len(pairs) > comparators.MAX_SOURCE_INDICATORS:
        columns_form.add_error(
            "indicator",
            f"The column chosen for the indicator name has {len(pairs):,} different entries: "
            "choose the column that names the indicator",
        )
        pairs = []
    codes = list(partnership.indicators.values_list("code", flat=True))
    defaults = _defaults(table, chosen, pairs, codes) if pairs else {}
    data_in = None
    if posted:
        # A published indicator first listed after the columns changed starts with the
        # file's defaults, not chosen.
        data_in = request.POST.copy()
        for pair in pairs:
            if f"{pair_prefix(pair)}-code" not in data_in:
                for name, value in defaults[pair.key].items():
                    data_in[f"{pair_prefix(pair)}-{name}"] = value
    pair_forms = [
        NewIndicatorForm(data_in, prefix=pair_prefix(pair), pair=pair, initial=defaults[pair.key])
        for pair in pairs
    ]
    objective_form = ObjectiveForm(request.POST if posted else None, plan=plan)
    options_form = OptionsForm(request.POST if posted else None)
    page_errors: list[str] = []
    problems: list[comparators.RowProblem] = []
    creating = posted and request.POST.get("action") == "create"
    if creating:
        valid = columns_form.is_valid() & objective_form.is_valid() & options_form.is_valid()
        valid &= all([f.is_valid() for f in pair_forms])
        ticked = [f for f in pair_forms if f.is_valid() and f.cleaned_data["create"]]
        if valid and not ticked and pair_forms:
            pair_forms[0].add_error("create", "Choose at least one published indicator to create")
        elif valid and ticked:
            columns = columns_form.columns()
            created, problems = _create(
                request,
                plan,
                objective_form,
                columns,
                table,
                ticked,
                upload["source"],
                options_form.cleaned_data,
            )
            if created is not None:
                _forget(request, token)
                message = _created_message(*created)
                if unread := created[2]:
                    # The rows left out are listed on a page of their own, as the
                    # importer's are (the plan page would only count them).
                    request.session[CREATED_KEY] = {
                        "plan": plan.pk,
                        "name": upload["name"],
                        "message": message,
                        "rows": created[1],
                        "unread": [[p.row, p.column, p.message] for p in unread[:SHOWN_PROBLEMS]],
                        "more": max(len(unread) - SHOWN_PROBLEMS, 0),
                    }
                    return redirect("indicators_from_file_created", plan.pk)
                messages.success(request, message)
                return redirect(plan)
            if not problems and not any(f.errors for f in ticked):
                page_errors.append("Nothing has been created: see the problem below.")

    summary = [(columns_form["area_code"].anchor, e) for e in columns_form.non_field_errors()]
    summary += [item for field in columns_form for item in field.summary_errors]
    summary += [item for field in objective_form for item in field.summary_errors]
    summary += [item for field in options_form for item in field.summary_errors]
    for form in pair_forms:
        summary += [(form["create"].anchor, e) for e in form.non_field_errors()]
        summary += [item for field in form for item in field.summary_errors]
    if problems:
        summary.append(
            (
                "problems",
                f"The file has {len(problems):,} problem{'s' if len(problems) != 1 else ''} "
                "in the rows of the indicators chosen, listed below, so nothing has been "
                "created: correct the file and upload it again, or change what is chosen",
            )
        )
    return render(
        request,
        "web/comparator_files/indicators_choose.html",
        {
            "plan": plan,
            "partnership": partnership,
            "upload": upload,
            "token": token,
            "table": table,
            "preview": table.rows[:5],
            "columns_form": columns_form,
            "objective_form": objective_form,
            "options_form": options_form,
            "pair_forms": pair_forms,
            "summary": summary,
            "page_errors": page_errors,
            "problems": problems[:SHOWN_PROBLEMS],
            "more_problems": max(len(problems) - SHOWN_PROBLEMS, 0),
            "home_area_code": home_area_code(),
            "reason": imported_reason(upload["source"]),
        },
    )


def _create(request, plan, objective_form, columns, table, ticked, source, options):
    """Check every row of the chosen indicators and create them, or say why not: ((what was
    created, how many rows could not be read) or None, the file's row problems)."""
    # Stand-ins for the indicators to be, so the rows are read as the importer reads them:
    # periods for the frequency chosen, values for the unit.
    stand_ins = {}
    for position, form in enumerate(ticked):
        data = form.cleaned_data
        stand_ins[form.pair.key] = Indicator(
            pk=-(position + 1),
            partnership=plan.partnership,
            code=data["code"],
            unit=data["unit"],
            decimals=data["decimals"],
            frequency=data["frequency"],
        )
    # Our own area's rows are wanted too (they become results), so no home area is given.
    checked = comparators.check_rows(
        table,
        columns,
        stand_ins,
        "",
        spans=options["spans"],
        skip_unreadable=options["skip_unreadable"],
    )
    if checked.problems:
        return None, checked.problems
    figures: dict[int, list[FileFigure]] = defaultdict(list)
    for value in checked.values:
        figures[value.indicator.pk].append(
            FileFigure(value.area_code, value.area_name, value.period, value.value)
        )
    new = [
        NewIndicator(
            source_indicator=form.pair.indicator,
            source_measure=form.pair.measure,
            figures=figures[-(position + 1)],
            **{name: form.cleaned_data[name] for name in NEW_FIELDS},
        )
        for position, form in enumerate(ticked)
    ]
    try:
        created = create_indicators_from_file(
            plan=plan,
            objective=objective_form.objectives.get(objective_form.cleaned_data["objective"]),
            indicators=new,
            by=request.user,
            source=source,
        )
    except ValidationError as error:
        _show(error, ticked, objective_form)
        return None, []
    except IntegrityError:
        objective_form.add_error(
            None,
            "Someone else changed the partnership's indicators just now, so nothing has been "
            "created: check and try again.",
        )
        return None, []
    return (created, checked.unread_rows, checked.unread), []


NEW_FIELDS = ("code", "title", "unit", "polarity", "decimals", "frequency")


def _show(error: ValidationError, ticked: list[NewIndicatorForm], objective_form) -> None:
    """Put the service's refusal next to the box or indicator it is about."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            objective_form.add_error(None, message)
        return
    for key, messages_ in error.message_dict.items():
        position, _, name = key.partition("-")
        form = ticked[int(position)] if position.isdigit() and int(position) < len(ticked) else None
        for message in messages_:
            if form is None:
                objective_form.add_error(None, message)
            else:
                form.add_error(name if name in form.fields else "create", message)


CREATED_KEY = "gt_indicators_created_from_file"


@minimum_role("lead")
@login_required
@require_GET
def indicators_from_file_created(request: HttpRequest, plan_id: int) -> HttpResponse:
    """What the last "create indicators from a file" made, and the rows it left out (with
    "import the rows we understand"), with their row numbers and reasons."""
    plan = get_plan_for_user(request.user, plan_id, Need.LEAD)
    created = request.session.get(CREATED_KEY)
    if created and created["plan"] != plan.pk:
        created = None
    return render(
        request,
        "web/comparator_files/indicators_created.html",
        {"plan": plan, "partnership": plan.partnership, "created": created},
    )


def _created_message(created, unread: int, *_) -> str:
    codes = ", ".join(i.code for i in created.indicators)
    message = (
        f"Created {codes} with {created.results:,} result{'s' if created.results != 1 else ''} "
        f"for our area and {created.comparator_values:,} comparator figure"
        f"{'s' if created.comparator_values != 1 else ''}."
    )
    if created.left_for_returns:
        message += (
            f" {created.left_for_returns:,} of our figures are for periods a quarterly return "
            "reports, or that have not ended: enter them in the return."
        )
    if unread:
        message += f" {unread:,} row{'s' if unread != 1 else ''} that could not be read left out."
    return message + " Their targets are not set yet."


# --- comparator groups ----------------------------------------------------------------------------


class GroupForm(forms.Form):
    areas = forms.ChoiceField(
        label="Which areas of the file",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose which areas of the file make the group",
            "invalid_choice": "Choose which areas of the file make the group",
        },
    )
    name = text_field(
        ComparatorGroup,
        "name",
        label="Name of the group",
        help_text="For example “English metropolitan districts”. A group with the name of one "
        "that exists replaces its list of areas.",
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

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].choices = choices


def _file_areas(table: comparators.Table) -> tuple[list[FileArea], int, str | None]:
    """The file's areas (rows with an ONS code), how many rows have none, and the heading
    of its area code column (None when there is none)."""
    guessed = comparators.guess_columns(table.headings, table.rows)
    code_column = guessed["area_code"]
    if code_column is None:
        return [], 0, None
    name_column = guessed["area_name"]
    keys = table.heading_keys()
    type_column = keys.index("area_type") if "area_type" in keys else None
    areas, without = [], 0
    for _number, row in table.rows:
        code = _cell(row, code_column).upper()
        if not comparators.AREA_CODE.fullmatch(code):
            without += 1
            continue
        areas.append(FileArea(code, _cell(row, name_column)[:200], _cell(row, type_column)))
    return areas, without, table.headings[code_column]


def _group_choices(areas: list[FileArea]) -> list[tuple[str, str]]:
    every = len(areas_of_type(areas))
    choices = [("all", f"Every area in this file ({every:,}), without England and the regions")]
    prefixes = sorted({a.code[:3] for a in areas})
    for prefix in prefixes:
        n = len(areas_of_type(areas, prefix=prefix))
        label = f"{area_type(prefix + '000000')}, coded {prefix} ({n:,})"
        choices.append((f"code:{prefix}", label))
    for file_type in sorted({a.file_type for a in areas if a.file_type}):
        n = len(areas_of_type(areas, file_type=file_type))
        choices.append((f"type:{file_type}", f"Area type “{file_type}” in the file ({n:,})"))
    return choices


@minimum_role("performance")
@login_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def group_from_file(request: HttpRequest) -> HttpResponse:
    _require_groups(request)
    limit = SizeLimit(request)
    request.upload_handlers.insert(0, limit)
    return _group_upload(request, limit)


def _require_groups(request: HttpRequest) -> None:
    if not may_import_groups(request.user):
        raise PermissionDenied("Only the council performance team makes comparator groups.")


@csrf_protect
def _group_upload(request: HttpRequest, limit: SizeLimit) -> HttpResponse:
    form = FileForm()
    if request.method == "POST":
        form = FileForm(request.POST, request.FILES)
        if token := _read_posted_file(request, form, limit):
            return redirect(f"{reverse('group_from_file_choose')}?upload={token}")
    return render(request, "web/comparator_files/group_upload.html", {"form": form})


@minimum_role("performance")
@login_required
@require_http_methods(["GET", "POST"])
def group_from_file_choose(request: HttpRequest) -> HttpResponse:
    _require_groups(request)
    token, upload, table = _kept(request)
    if table is None:
        return render(
            request,
            "web/comparator_files/missing.html",
            {"asked": bool(token), "again": reverse("group_from_file")},
        )
    areas, without, code_heading = _file_areas(table)
    posted = request.POST if request.method == "POST" else None
    form = GroupForm(posted, choices=_group_choices(areas))
    if code_heading is not None and request.method == "POST" and form.is_valid():
        kind, _, value = form.cleaned_data["areas"].partition(":")
        try:
            group, count = create_group_from_areas(
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                areas=areas,
                prefix=value if kind == "code" else "",
                file_type=value if kind == "type" else "",
                by=request.user,
            )
        except ValidationError as error:
            for key, messages_ in error.message_dict.items():
                for message in messages_:
                    form.add_error(key if key in form.fields else None, message)
        else:
            _forget(request, token)
            messages.success(
                request,
                f"Comparator group “{group.name}” saved: {count:,} "
                f"area{'s' if count != 1 else ''}.",
            )
            return redirect("benchmarking_home")
    return render(
        request,
        "web/comparator_files/group_choose.html",
        {
            "form": form,
            "upload": upload,
            "token": token,
            "without": without,
            "code_heading": code_heading,
            "home_area_code": home_area_code(),
        },
    )


urlpatterns = [
    path(
        "plans/<int:plan_id>/indicators/from-file/",
        indicators_from_file,
        name="indicators_from_file",
    ),
    path(
        "plans/<int:plan_id>/indicators/from-file/created/",
        indicators_from_file_created,
        name="indicators_from_file_created",
    ),
    path(
        "plans/<int:plan_id>/indicators/from-file/choose/",
        indicators_from_file_choose,
        name="indicators_from_file_choose",
    ),
    path("benchmarking/groups/from-file/", group_from_file, name="group_from_file"),
    path(
        "benchmarking/groups/from-file/choose/",
        group_from_file_choose,
        name="group_from_file_choose",
    ),
]
