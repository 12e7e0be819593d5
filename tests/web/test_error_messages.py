"""Messages say which thing they are about (issue 12, judgement 9). On the quarterly
return "Enter a number, like 42 or 3.5" appeared twice and "Give a reason…" nine times in
the error summary, without saying which indicator, month or SMART gap. Every entry of an
error summary names its item and links to its box; Django's bare "This field is
required." appears nowhere."""

import datetime
from urllib.parse import urljoin

import pytest
import time_machine
from django import forms
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from goldenthread.core.models import Objective, Risk
from goldenthread.core.planning import smart_report
from goldenthread.rules import Period
from goldenthread.web.forms import DateField
from tests.conftest import make_indicator
from tests.web.error_summary import assert_error_summary
from tests.web.test_hostile_input import ADMIN_CASES, CASES, FormReader, form_on

Q3 = Period.parse("2025/26 Q3")
NUMBER = "Enter a number, like 42 or 3.5"
DJANGO_REQUIRED = "This field is required."


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


def page_form(client, url: str, has: str) -> tuple[str, dict]:
    """The form on the page that has the field `has`, as a browser would send it."""
    response = client.get(url)
    assert response.status_code == 200, url
    action, data = form_on(response.content.decode(), has, url)
    return urljoin(url, action), data


# --- the return ---------------------------------------------------------------------------


def test_the_return_summary_says_which_indicator_and_month_each_number_is_for(client, world):
    monthly = make_indicator(world.partnership, "SS03", frequency="monthly", title="Calls")
    second = make_indicator(world.partnership, "SS02", title="Repeat victims")
    Risk.objects.filter(pk=world.risk.pk).update(review_date=datetime.date(2026, 1, 10))
    client.force_login(world.lead)
    url = reverse("return_detail", args=[world.ret.pk])
    value = f"r_{world.indicator.pk}_{Q3.key}_value"
    action, data = page_form(client, url, value)
    october, november = Period.parse("Oct 2025"), Period.parse("Nov 2025")
    risk = f"k_{world.risk.pk}_"
    data |= {
        value: "lots",
        f"r_{second.pk}_{Q3.key}_value": "ninety",
        f"r_{monthly.pk}_{october.key}_value": "a few",
        f"r_{monthly.pk}_{november.key}_value": "many",
        f"a_{world.action.pk}_percent": "120",
        # Half a risk review: the two missing parts each get a message.
        risk + "likelihood": "2",
        risk + "impact": "",
        risk + "next": "",
    }
    response = client.post(action, data)
    assert response.status_code == 200
    texts = assert_error_summary(response.content.decode())
    assert f"SS01 Indicator SS01, 2025/26 Q3: {NUMBER}" in texts
    assert f"SS02 Repeat victims, 2025/26 Q3: {NUMBER}" in texts
    assert f"SS03 Calls, Oct 2025: {NUMBER}" in texts
    assert f"SS03 Calls, Nov 2025: {NUMBER}" in texts
    assert any(t.startswith("A1 Door-to-door visits") for t in texts), texts
    assert sum(t.startswith("R1 Police funding cut") for t in texts) == 2, texts


def test_the_return_summary_links_each_number_to_its_box(client, world):
    second = make_indicator(world.partnership, "SS02", title="Repeat victims")
    client.force_login(world.lead)
    url = reverse("return_detail", args=[world.ret.pk])
    first = f"r_{world.indicator.pk}_{Q3.key}_value"
    action, data = page_form(client, url, first)
    data |= {first: "lots", f"r_{second.pk}_{Q3.key}_value": "ninety"}
    page = client.post(action, data).content.decode()
    assert f'href="#id_{first}"' in page
    assert f'href="#id_r_{second.pk}_{Q3.key}_value"' in page
    assert_error_summary(page)


def test_what_stops_a_submission_links_to_the_box_that_puts_it_right(client, world):
    missing = make_indicator(world.partnership, "SS02", {"2025/26 Q3": ("100", None)})
    red = make_indicator(world.partnership, "SS04", {"2025/26 Q3": ("100", "50")})
    client.force_login(world.lead)
    url = reverse("return_detail", args=[world.ret.pk])
    action, data = page_form(client, url, f"r_{world.indicator.pk}_{Q3.key}_value")
    response = client.post(action, {**data, "submit": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The return cannot be submitted yet" in page
    texts = assert_error_summary(page)
    assert len(texts) == 3, texts
    assert f'href="#id_r_{missing.pk}_{Q3.key}_value"' in page
    assert f'href="#id_r_{red.pk}_{Q3.key}_commentary"' in page
    assert f'href="#id_r_{red.pk}_{Q3.key}_ca_description"' in page


# --- plans --------------------------------------------------------------------------------


def test_approving_a_plan_names_each_smart_gap_without_a_reason(client, world):
    # More gaps: objectives with no deadline, indicators with no targets.
    for n in range(2, 5):
        objective = Objective.objects.create(plan=world.draft_plan, ref=f"O{n}", title="Better")
        objective.indicators.add(make_indicator(world.partnership, f"SS{n + 10}"))
    failures = smart_report(world.draft_plan, datetime.date(2026, 1, 15)).failures
    assert len(failures) >= 9
    client.force_login(world.lead)
    response = client.post(reverse("plan_approve", args=[world.draft_plan.pk]), {})
    assert response.status_code == 200
    texts = assert_error_summary(response.content.decode())
    assert len(texts) == len(failures)
    for item, text in zip(failures, texts, strict=True):
        assert item.subject in text and item.message in text, text
        assert "Give a reason" in text


def test_an_action_with_two_bad_dates_says_which_is_which(client, world):
    client.force_login(world.member)
    url = reverse("action_create", args=[world.draft_objective.pk])
    action, data = page_form(client, url, "title")
    data |= {"title": "Target-hardening", "start_date": "soon", "due_date": "later"}
    texts = assert_error_summary(client.post(action, data).content.decode())
    assert len(texts) == 2


def test_an_indicator_with_two_bad_numbers_says_which_is_which(client, world):
    client.force_login(world.lead)
    url = reverse("indicator_edit", args=[world.indicator.pk])
    action, data = page_form(client, url, "baseline")
    data |= {"baseline": "lots", "tolerance": "some"}
    texts = assert_error_summary(client.post(action, data).content.decode())
    assert f"Baseline: {NUMBER}" in texts
    assert f"Amber tolerance: {NUMBER}" in texts


# --- the other forms ----------------------------------------------------------------------


def test_the_update_form_links_each_missing_view_to_its_first_choice(client, world):
    client.force_login(world.lead)
    url = reverse("update_form", args=[world.partnership.pk, 2025])
    action, data = page_form(client, url, "achievements")
    data = {name: value for name, value in data.items() if not name.endswith("_view")}
    response = client.post(action, {**data, "submit": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    texts = assert_error_summary(page)
    views = [t for t in texts if t.startswith("Give your view on")]
    assert len(views) > 2
    assert 'href="#id_sa_plan_view_0"' in page


def test_the_budget_form_names_each_bad_amount(client, world):
    client.force_login(world.lead)
    url = reverse("finance_edit", args=[world.partnership.pk]) + "?year=2025"
    action, data = page_form(client, url, "budget")
    data |= {"budget": "lots", "spend_2025-Q1": "some", "spend_2025-Q2": "more"}
    texts = assert_error_summary(client.post(action, data).content.decode())
    assert len(texts) == 3


def test_the_risk_form_names_each_long_text(client, world):
    client.force_login(world.member)
    url = reverse("risk_create", args=[world.partnership.pk])
    action, data = page_form(client, url, "title")
    data |= {"title": "", "cause": "x" * 3000, "consequence": "y" * 3000, "review_date": "soon"}
    texts = assert_error_summary(client.post(action, data).content.decode())
    assert any(t.startswith("Cause") for t in texts), texts
    assert any(t.startswith("Consequence") for t in texts), texts


def test_the_lesson_form_links_its_choices_to_the_first_option(client, world):
    client.force_login(world.member)
    url = reverse("lesson_create", args=[world.partnership.pk])
    action, data = page_form(client, url, "title")
    data = {k: v for k, v in data.items() if k not in ("outcome", "source")}
    data |= {"title": "", "what_happened": "", "tags": "t" * 400}
    page = client.post(action, data).content.decode()
    texts = assert_error_summary(page)
    assert 'href="#id_outcome_0"' in page
    assert len(texts) == 5


def test_a_comment_without_words_links_to_its_box(client, world):
    client.force_login(world.member)
    url = reverse("indicator", args=[world.indicator.pk])
    action, data = page_form(client, url, "body")
    response = client.post(action, {**data, "body": ""}, follow=True)
    assert "Enter your comment" in assert_error_summary(response.content.decode())


def test_a_review_meeting_names_each_follow_up(client, world):
    client.force_login(world.member)
    url = reverse("review_create", args=[world.partnership.pk])
    action, data = page_form(client, url, "period")
    data |= {
        "period": "2025/26 Q3",
        "held_on": "2026-01-14",
        "followups-0-title": "Recruit volunteers",
        "followups-1-title": "Train them",
    }
    texts = assert_error_summary(client.post(action, data).content.decode())
    assert len(texts) == 6


def test_a_review_meeting_names_each_long_text(client, world):
    client.force_login(world.member)
    url = reverse("review_create", args=[world.partnership.pk])
    action, data = page_form(client, url, "period")
    data |= {"period": "2025/26 Q3", "held_on": "2026-01-14"}
    data |= {"went_well": "x" * 7000, "challenges": "y" * 7000, "decisions": "z" * 7000}
    texts = assert_error_summary(client.post(action, data).content.decode())
    assert [t.split(":")[0] for t in texts] == ["What went well", "Challenges", "Decisions"]


# --- "This field is required." nowhere ---------------------------------------------------


# Forms not in the hostile-input walk: (who, address, a field of the form).
MORE_FORMS = [
    ("lead", lambda w: reverse("plan_create", args=[w.partnership.pk]), "title"),
    ("lead", lambda w: reverse("plan_approve", args=[w.draft_plan.pk]), None),
    ("lead", lambda w: reverse("plan_revise", args=[w.plan.pk]), "reason"),
    ("member", lambda w: reverse("indicator_create", args=[w.draft_objective.pk]), "code"),
    ("lead", lambda w: reverse("objective_edit", args=[w.draft_objective.pk]), "title"),
    ("lead", lambda w: reverse("risk_edit", args=[w.risk.pk]), "title"),
    ("lead", lambda w: reverse("lesson_edit", args=[w.lesson.pk]), "title"),
    ("lead", lambda w: reverse("improvement_create", args=[w.indicator.pk]), None),
    ("lead", lambda w: reverse("publishing_settings", args=[w.partnership.pk]), None),
    ("lead", lambda w: reverse("annual_report_publish", args=[w.partnership.pk, 2025]), None),
    ("performance", lambda w: reverse("comparator_upload"), None),
    ("lead", lambda w: reverse("return_upload", args=[w.ret.pk]), None),
]


def blank(data: dict, keep=("csrfmiddlewaretoken",)) -> dict:
    """Every field of a form emptied (a formset's counts kept), as a hostile post."""
    return {
        name: value
        for name, value in data.items()
        if name in keep or name.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "NUM_FORMS"))
    } | {name: "" for name, value in data.items() if isinstance(value, str) and name not in keep}


def posts_without_djangos_message(client: Client, url: str) -> list[str]:
    """Posts every form of the page emptied, then with nothing at all; what shows
    Django's bare message (or fails)."""
    response = client.get(url)
    if response.status_code != 200:
        return [f"{url}: {response.status_code} on GET"]
    reader = FormReader()
    reader.feed(response.content.decode())
    failures = []
    for form in reader.forms:
        action = urljoin(url, form["action"] or url)
        if action.endswith(reverse("logout")):
            continue
        for data in (blank(form["data"]), {}):
            response = client.post(action, data, follow=True)
            page = response.content.decode()
            if response.status_code >= 500:
                failures.append(f"{action}: {response.status_code}")
            elif reverse("login") in response.request["PATH_INFO"]:
                failures.append(f"{action}: signed out")
            elif DJANGO_REQUIRED in page:
                failures.append(f"{action} (posted {sorted(data)[:6]}…): {DJANGO_REQUIRED}")
    return failures


def test_djangos_bare_required_message_appears_on_no_form(world):
    failures = []
    cases = [(c.who, c.url, c.setup) for c in CASES]
    for who, url, setup in cases + [(who, url, lambda w: None) for who, url, _ in MORE_FORMS]:
        setup(world)
        client = Client()
        client.force_login(world.person(who))
        failures += posts_without_djangos_message(client, url(world))
    client = Client()
    assert DJANGO_REQUIRED not in client.post(reverse("login"), {}).content.decode()
    assert not failures, "\n".join(failures)


def test_the_admin_does_not_say_djangos_bare_required_message_either(world):
    world.performance.is_staff = True
    world.performance.save()
    world.performance.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["core", "auth"])
    )
    client = Client()
    client.force_login(world.performance)
    for model, pk, _ in ADMIN_CASES:
        url = reverse(f"admin:core_{model}_change", args=[pk(world)])
        page = client.post(url, {}).content.decode()
        assert DJANGO_REQUIRED not in page, model


class Plain(forms.Form):
    """A form that words none of its own messages."""

    title = forms.CharField()
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    worked = forms.ChoiceField(label="Did it work?", choices=[("y", "Yes")])
    agree = forms.BooleanField(label="I agree")
    version = forms.IntegerField(widget=forms.HiddenInput)
    start = DateField(label="Start date")
    end = DateField(label="End date")


def test_a_form_that_words_no_messages_still_names_each_box():
    form = Plain({"start": "soon", "end": "later"})
    assert not form.is_valid()
    assert form.errors["title"] == ["Enter the title"]
    assert form.errors["kind"] == ["Choose the kind"]
    assert form.errors["worked"] == ["Answer the question “Did it work?”"]
    assert form.errors["agree"] == ["Tick the box: I agree"]
    assert "reload the page" in form.errors["version"][0]
    summary = [entry for field in form for entry in field.summary_errors]
    assert ("id_kind_0", "Choose the kind") in summary  # the first option, not the group
    assert ("id_title", "Start date: Enter a valid date.") not in summary
    assert ("id_start", "Start date: Enter a valid date.") in summary
    assert ("id_end", "End date: Enter a valid date.") in summary
    assert ("id_title", "Part of the form was missing: reload the page and try again") in summary
