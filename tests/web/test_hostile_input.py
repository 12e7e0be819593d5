"""The same hostile values thrown at every form, the spreadsheet and comparator imports and
the admin (issue 10, "Bad input, everywhere"): numbers too big for the database, NaN,
Infinity, 1e999, negative money, 100,000 characters of text, NUL bytes, right-to-left
override characters, and dates in year 1 and 9999.

Each must end in a clear message next to the field (or the row of a file) with nothing
saved, never a 500; and every page that shows the data still answers 200 afterwards.

Forms are filled in as a browser would: the page is fetched, its form read as it stands
(`FormReader`), the fields a valid post needs filled in, then one field at a time is given
each hostile value.
"""

import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import models
from django.test import Client
from django.urls import reverse

from goldenthread.core.models import (
    AnnualReport,
    ComparatorGroup,
    ComparatorValue,
    Job,
    JobKind,
    Membership,
    Result,
    Return,
)
from goldenthread.documents import comparators
from goldenthread.rules import Period
from tests.web.test_safe_writes import assert_pages_answer

Q3 = Period.parse("2025/26 Q3")

TEXT = ["x" * 100_000, "Safe\x00streets", "Safe \u202estreets"]
NUMBER = ["1000000000000", "9" * 40, "NaN", "Infinity", "-Infinity", "1e999"]
MONEY = [*NUMBER, "-5"]
DATE = ["0001-01-01", "9999-12-31"]
HOSTILE = {"text": TEXT, "number": NUMBER, "money": MONEY, "date": DATE}


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


# --- reading a page's form as a browser would --------------------------------------------


class FormReader(HTMLParser):
    """Every POST form of a page: its action and the values a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._chosen = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "data": {}, "radios": {}}
            self.forms.append(self._form)
        if self._form is None or ("name" not in a and tag != "option"):
            return
        data = self._form["data"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind == "radio":
                self._form["radios"].setdefault(a["name"], a.get("value", "on"))
                if "checked" in a:
                    data[a["name"]] = a.get("value", "on")
            elif kind == "checkbox":
                if "checked" in a:
                    data.setdefault(a["name"], []).append(a.get("value", "on"))
            else:
                data[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""
        elif tag == "select":
            self._select, self._first_option, self._chosen = a["name"], None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                data[self._select], self._chosen = value, True

    def handle_data(self, text):
        if self._textarea:
            self._text += text

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            for name, value in self._form["radios"].items():
                self._form["data"].setdefault(name, value)
            self._form = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            self._form["data"][self._textarea] = self._text.removeprefix("\n")
            self._textarea = None
        elif tag == "select" and self._select and self._form is not None:
            if not self._chosen and self._first_option is not None:
                self._form["data"][self._select] = self._first_option
            self._select = None


def form_on(page: str, has: str, url: str) -> tuple[str, dict]:
    reader = FormReader()
    reader.feed(page)
    for form in reader.forms:
        if has in form["data"] or any(k == has for k in form["radios"]):
            return form["action"] or url, dict(form["data"])
    raise AssertionError(f"no form with {has} on {url}")


def error_next_to(page: str, name: str) -> str:
    """The error message the field's input points to with aria-describedby (where a
    screen reader finds it), or ""."""
    box = re.search(rf'<(?:input|textarea|select)\b[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    if not box:
        return ""
    described = re.search(r'aria-describedby="([^"]*)"', box.group(0))
    for id_ in described.group(1).split() if described else []:
        found = re.search(
            rf'<p\b[^>]*\bid="{re.escape(id_)}"[^>]*class="govuk-error-message"[^>]*>(.*?)</p>'
            rf'|<p\b[^>]*class="govuk-error-message"[^>]*\bid="{re.escape(id_)}"[^>]*>(.*?)</p>',
            page,
            re.S,
        )
        if found:
            return re.sub(r"<[^>]+>|Error:", "", found.group(1) or found.group(2)).strip()
    return ""


def admin_error_next_to(page: str, name: str) -> str:
    found = re.search(
        rf'<div class="form-row errors field-{re.escape(name)}">\s*<ul class="errorlist"[^>]*>'
        r"(.*?)</ul>",
        page,
        re.S,
    )
    return re.sub(r"<[^>]+>", " ", found.group(1)).strip() if found else ""


# --- what "nothing saved" means ----------------------------------------------------------


def fingerprint(skip: tuple[type[models.Model], ...] = ()) -> dict:
    """Every row of the domain's tables (history included), leaving out what changes on
    any save by design: times set automatically, and a return's draft and version."""
    seen = {}
    for model in apps.get_app_config("core").get_models():
        if model in skip or getattr(model, "instance_type", None) in skip:
            continue
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if not getattr(f, "auto_now", False)
            and not getattr(f, "auto_now_add", False)
            and f.name not in ("draft", "version", "history_date")
        ]
        seen[model.__name__] = sorted(map(repr, model.objects.values_list(*names)))
    return seen


def changed(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


# --- the forms ----------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    who: str
    url: Callable
    fields: dict[str, str]  # field name (or a function of the world) → kind of value
    fill: Callable = lambda w: {}
    setup: Callable = lambda w: None
    # A page that saves what is valid and keeps the rest as typed (the return) may write
    # these; nothing else may change.
    may_write: tuple = field(default_factory=tuple)


def r(w, name: str) -> str:
    return f"r_{w.indicator.pk}_{Q3.key}_{name}"


def a(w, name: str) -> str:
    return f"a_{w.action.pk}_{name}"


def submitted(w) -> None:
    Return.objects.filter(pk=w.ret.pk).update(status="submitted")


def signed_off(w) -> None:
    Return.objects.filter(pk=w.ret.pk).update(status="signed_off")


def membership(w, person) -> str:
    return str(Membership.objects.get(partnership=w.partnership, person=person).pk)


CASES = [
    Case(
        "the return",
        "lead",
        lambda w: reverse("return_detail", args=[w.ret.pk]),
        {
            "value": "number",
            "reason": "text",
            "note": "text",
            "commentary": "text",
            "ca_description": "text",
            "ca_due": "date",
            "spend": "money",
            "highlights": "text",
            "exceptions": "text",
            "a_commentary": "text",
        },
        may_write=(Return,),
    ),
    Case(
        "the budget and spend",
        "lead",
        lambda w: reverse("finance_edit", args=[w.partnership.pk]) + "?year=2025",
        {"budget": "money", "spend_2025-Q1": "money"},
    ),
    Case(
        "a new objective",
        "member",
        lambda w: reverse("objective_create", args=[w.draft_plan.pk]),
        {"title": "text", "description": "text", "deadline": "date"},
        fill=lambda w: {"title": "Fewer repeat victims", "outcomes": [str(w.outcome.pk)]},
    ),
    Case(
        "a new action",
        "member",
        lambda w: reverse("action_create", args=[w.draft_objective.pk]),
        {
            "title": "text",
            "description": "text",
            "start_date": "date",
            "due_date": "date",
            "milestones-0-title": "text",
            "milestones-0-due_date": "date",
        },
        fill=lambda w: {
            "title": "Target-hardening",
            "start_date": "2026-04-01",
            "due_date": "2026-09-30",
            "milestones-0-title": "Homes chosen",
            "milestones-0-due_date": "2026-05-31",
        },
    ),
    Case(
        "an indicator",
        "lead",
        lambda w: reverse("indicator_edit", args=[w.indicator.pk]),
        {
            "code": "text",
            "title": "text",
            "definition": "text",
            "unit": "text",
            "data_source": "text",
            "baseline": "number",
            "tolerance": "number",
            "baseline_period": "text",
        },
    ),
    Case(
        "targets",
        "member",
        lambda w: reverse("plan_targets", args=[w.draft_plan.pk, w.indicator.pk]),
        {"targets-0-value": "number"},
    ),
    Case(
        "a plan",
        "lead",
        lambda w: reverse("plan_edit", args=[w.draft_plan.pk]),
        {"title": "text", "vision": "text", "key_issues": "text"},
    ),
    Case(
        "a risk",
        "member",
        lambda w: reverse("risk_create", args=[w.partnership.pk]),
        {
            "title": "text",
            "cause": "text",
            "consequence": "text",
            "mitigation": "text",
            "review_date": "date",
        },
        fill=lambda w: {
            "title": "Volunteers leave",
            "inherent_likelihood": "3",
            "inherent_impact": "4",
            "residual_likelihood": "2",
            "residual_impact": "3",
            "review_date": "2026-04-30",
        },
    ),
    Case(
        "closing a risk",
        "lead",
        lambda w: reverse("risk_close", args=[w.risk.pk]),
        {"reason": "text"},
        fill=lambda w: {"reason": "No longer a risk"},
    ),
    Case(
        "a review meeting",
        "member",
        lambda w: reverse("review_create", args=[w.partnership.pk]),
        {
            "period": "text",
            "held_on": "date",
            "went_well": "text",
            "challenges": "text",
            "decisions": "text",
            "guests-0-name": "text",
            "guests-0-organisation": "text",
            "followups-0-title": "text",
            "followups-0-due_date": "date",
        },
        fill=lambda w: {
            "period": "2025/26 Q3",
            "held_on": "2026-01-14",
            "members": [membership(w, w.member)],
            "guests-0-name": "Pat Jones",
            "followups-0-title": "Recruit volunteers",
            "followups-0-objective": str(w.objective.pk),
            "followups-0-owner": str(w.member.pk),
            "followups-0-due_date": "2026-03-31",
        },
    ),
    Case(
        "a comment",
        "member",
        lambda w: reverse("indicator", args=[w.indicator.pk]),
        {"body": "text"},
    ),
    Case(
        "feedback",
        "viewer",
        lambda w: reverse("feedback_create", args=[w.partnership.pk]),
        {"about": "text", "body": "text"},
        fill=lambda w: {"body": "Could results be sooner?"},
    ),
    Case(
        "an answer to feedback",
        "lead",
        lambda w: reverse("feedback_answer", args=[w.feedback.pk]),
        {"answer": "text"},
        fill=lambda w: {"answer": "Thank you."},
    ),
    Case(
        "a lesson",
        "member",
        lambda w: reverse("lesson_create", args=[w.partnership.pk]),
        {"title": "text", "what_happened": "text", "source_detail": "text", "tags": "text"},
        fill=lambda w: {
            "title": "Joint visits",
            "what_happened": "More homes opened up.",
            "outcome": "worked",
            "source": "this_partnership",
        },
    ),
    Case(
        "a success story",
        "member",
        lambda w: reverse("story_create", args=[w.partnership.pk]),
        {"title": "text", "story": "text"},
        fill=lambda w: {"title": "Safer homes", "year": "2025", "story": "400 homes visited."},
    ),
    Case(
        "an improvement plan",
        "lead",
        lambda w: reverse("improvement_close", args=[w.improvement.pk]),
        {"reason": "text"},
        fill=lambda w: {"reason": "Green again"},
    ),
    Case(
        "the annual report's commentary",
        "lead",
        lambda w: reverse("annual_report_commentary", args=[w.partnership.pk, 2025]),
        {"commentary": "text"},
    ),
    Case(
        "the annual update form",
        "lead",
        lambda w: reverse("update_form", args=[w.partnership.pk, 2025]),
        {
            "membership_changes": "text",
            "achievements": "text",
            "priorities": "text",
            "sa_plan_comment": "text",
        },
    ),
    Case(
        "returning a return",
        "performance",
        lambda w: reverse("return_decide", args=[w.ret.pk]),
        {"reason": "text"},
        fill=lambda w: {"decision": "return", "reason": "Check Q3"},
        setup=submitted,
    ),
    Case(
        "reopening a return",
        "performance",
        lambda w: reverse("return_reopen", args=[w.ret.pk]),
        {"reason": "text"},
        fill=lambda w: {"reason": "Corrected"},
        setup=signed_off,
    ),
    Case(
        "opening a quarter",
        "performance",
        lambda w: reverse("quarter_open"),
        {"period": "text", "deadline": "date"},
        fill=lambda w: {"period": "2025/26 Q4"},
    ),
    Case(
        "closing the partnership",
        "performance",
        lambda w: reverse("partnership_closing", args=[w.partnership.pk]),
        {"reason": "text", "on": "date"},
        fill=lambda w: {"reason": "Merged"},
    ),
    Case(
        "marking a process change",
        "member",
        lambda w: reverse("process_change_mark", args=[w.indicator.pk]),
        {"process_change-reason": "text", "process_change-period": "text"},
        fill=lambda w: {"process_change-period": "2025-Q2", "process_change-reason": "New"},
    ),
    Case(
        "a comparator group",
        "performance",
        lambda w: reverse("group_upload"),
        {"name": "text", "description": "text"},
    ),
]

# Field names that depend on the world's objects.
PREFIXED = {
    "the return": lambda w, name: (
        a(w, "commentary")
        if name == "a_commentary"
        else name
        if name in ("spend", "highlights", "exceptions")
        else r(w, name)
    )
}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_values_get_a_message_next_to_the_field_and_save_nothing(world, case):
    case.setup(world)
    client = Client()
    client.force_login(world.person(case.who))
    url = case.url(world)
    rename = PREFIXED.get(case.name, lambda w, name: name)
    first = rename(world, next(iter(case.fields)))
    response = client.get(url)
    assert response.status_code == 200, url
    action, data = form_on(response.content.decode(), first, url)
    action = urljoin(url, action)
    data.update(case.fill(world))
    if case.name == "the return":  # saved once as it stands, so only the hostile value differs
        assert client.post(action, data).status_code == 302
        _, data = form_on(client.get(url).content.decode(), first, url)
    before = fingerprint(skip=case.may_write)
    failures = []
    for short, kind in case.fields.items():
        name = rename(world, short)
        assert name in data, f"{name} is not on the page"
        for value in HOSTILE[kind]:
            posted = {**data, name: value}
            if case.name == "a comparator group":
                posted["file"] = io.BytesIO(b"area_code,area_name\nE08000002,Bury\n")
                posted["file"].name = "group.csv"
            response = client.post(action, posted)
            shown = repr(value[:20])
            # A page that saves what it can moves its version on: post the next one with it.
            if version := re.search(r'name="version" value="(\d+)"', response.content.decode()):
                data["version"] = version.group(1)
            if response.status_code != 200:
                failures.append(f"{name}={shown}: {response.status_code}")
                continue
            if not error_next_to(response.content.decode(), name):
                failures.append(f"{name}={shown}: no message next to the field")
            if differs := changed(before, fingerprint(skip=case.may_write)):
                failures.append(f"{name}={shown}: saved {differs}")
                before = fingerprint(skip=case.may_write)
    assert not failures, "\n".join(failures)
    assert_pages_answer(world)


# --- the spreadsheet and comparator imports -------------------------------------------


def return_csv(world, **cells) -> bytes:
    row = {
        "Indicator code": world.indicator.code,
        "Period": Q3.label,
        "Result": "101",
        "Not available": "",
        "Why not available": "",
        "Note": "",
        "Commentary": "",
        **cells,
    }
    headings = ",".join(f'"{h}"' for h in row)
    values = ",".join('"' + str(v).replace('"', '""') + '"' for v in row.values())
    return f"{headings}\r\n{values}\r\n".encode()


NOT_AVAILABLE = {"Result": "", "Not available": "yes"}


@pytest.mark.parametrize(
    ("column", "value", "rest"),
    [("Result", v, {}) for v in NUMBER]
    + [("Commentary", v, {}) for v in TEXT if "\x00" not in v]
    + [("Note", TEXT[0], {}), ("Why not available", TEXT[2], NOT_AVAILABLE)],
)
def test_a_return_spreadsheet_with_hostile_cells_names_the_row_and_saves_nothing(
    client, world, column, value, rest
):
    client.force_login(world.lead)
    before = fingerprint(skip=(Return, Job))
    upload = io.BytesIO(return_csv(world, **rest, **{column: value}))
    upload.name = "return.csv"
    response = client.post(reverse("return_upload", args=[world.ret.pk]), {"sheet": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The file has 1 problem" in page
    assert re.search(rf"<td[^>]*>\s*2\s*</td>\s*<td[^>]*>\s*{re.escape(column)}", page), page[
        -3000:
    ]
    # Nothing of the return's changed; the import's job (kept, with its problems, so the
    # person can see why) is the one new record.
    assert not changed(before, fingerprint(skip=(Return, Job)))
    assert Result.objects.get(indicator=world.indicator, period=Q3).value == 101
    (job,) = Job.objects.all()
    assert (job.kind, job.status) == (JobKind.RETURN_SHEET, Job.Status.FAILED)


def test_a_return_spreadsheet_with_a_nul_byte_is_refused_whole(client, world):
    client.force_login(world.lead)
    upload = io.BytesIO(return_csv(world, Commentary="a\x00b"))
    upload.name = "return.csv"
    response = client.post(reverse("return_upload", args=[world.ret.pk]), {"sheet": upload})
    assert response.status_code == 200
    assert error_next_to(response.content.decode(), "sheet")


@pytest.mark.parametrize(
    ("column", "value"),
    [("value", v) for v in NUMBER] + [("area_name", TEXT[0]), ("area_name", TEXT[2])],
)
def test_comparator_figures_with_hostile_cells_name_the_row_and_import_nothing(
    client, world, column, value
):
    from goldenthread.web.views.comparator_imports import pair_field_name

    client.force_login(world.performance)
    row = {"area_code": "E08000002", "area_name": "Bury", "period": "2025/26 Q1"}
    row |= {"indicator": "Rate", "measure": "Percentage", "value": "10", column: value}
    data = ",".join(row) + "\n" + ",".join(f'"{v}"' for v in row.values()) + "\n"
    upload = io.BytesIO(data.encode())
    upload.name = "figures.csv"
    response = client.post(reverse("comparator_upload"), {"file": upload})
    assert response.status_code == 302
    pair = comparators.SourcePair("Rate", "Percentage", 0)
    response = client.post(
        response.url,
        {
            **{key: str(n) for n, key in enumerate(row)},
            pair_field_name(pair): str(world.indicator.pk),
            "action": "import",
        },
    )
    assert response.status_code == 200
    assert "The file has 1 problem" in response.content.decode()
    assert not ComparatorValue.objects.exists()


def test_a_comparator_group_with_a_hostile_area_name_imports_nothing(client, world):
    client.force_login(world.performance)
    upload = io.BytesIO(("area_code,area_name\nE08000002," + "x" * 100_000 + "\n").encode())
    upload.name = "group.csv"
    response = client.post(reverse("group_upload"), {"name": "Neighbours", "file": upload})
    assert response.status_code == 200
    assert "The file has 1 problem" in response.content.decode()
    assert not ComparatorGroup.objects.exists()


# --- the admin -----------------------------------------------------------------------------


ADMIN_CASES = [
    ("organisation", lambda w: w.council.pk, {"name": "text"}),
    ("partnership", lambda w: w.partnership.pk, {"name": "text", "short_name": "text"}),
    (
        "strategicplan",
        lambda w: w.strategy.pk,
        {"title": "text", "description": "text", "first_year": "year"},
    ),
    ("outcome", lambda w: w.outcome.pk, {"code": "text", "title": "text"}),
    ("user", lambda w: w.member.pk, {"job_title": "text"}),
]


@pytest.mark.parametrize(("model", "pk", "fields"), ADMIN_CASES, ids=[c[0] for c in ADMIN_CASES])
def test_the_admin_refuses_hostile_values_next_to_the_field(client, world, model, pk, fields):
    world.performance.is_staff = True
    world.performance.save()
    world.performance.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["core", "auth"])
    )
    client.force_login(world.performance)
    url = reverse(f"admin:core_{model}_change", args=[pk(world)])
    response = client.get(url)
    assert response.status_code == 200
    _, data = form_on(response.content.decode(), next(iter(fields)), url)
    before = fingerprint()
    failures = []
    for name, kind in fields.items():
        values = ["9999", "1", "-5"] if kind == "year" else HOSTILE[kind]
        for value in values:
            response = client.post(url, {**data, name: value})
            if response.status_code != 200:
                failures.append(f"{name}={value[:20]!r}: {response.status_code}")
            elif not admin_error_next_to(response.content.decode(), name):
                failures.append(f"{name}={value[:20]!r}: no message next to the field")
    assert not failures, "\n".join(failures)
    assert not changed(before, fingerprint())
    assert_pages_answer(world)


def test_a_year_out_of_range_in_an_address_is_not_found(client, world):
    client.force_login(world.lead)
    for url in (
        reverse("annual_report", args=[world.partnership.pk, 9999]),
        reverse("update_form", args=[world.partnership.pk, 9999]),
        reverse("update_form", args=[world.partnership.pk, 2500]),
        reverse("finance", args=[world.partnership.pk]) + "?year=9999",
    ):
        assert client.get(url).status_code in (200, 404), url
    response = client.post(
        reverse("update_form", args=[world.partnership.pk, 2500]), {"achievements": "x"}
    )
    assert response.status_code in (200, 404)
    assert not AnnualReport.objects.exists()
