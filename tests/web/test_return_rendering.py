"""The return page draws its boxes in Python (return_forms.ReturnRenderer) and reads the
partnership's people once (OwnerChoiceField), because a large partnership's return has
hundreds of boxes: the boxes must read exactly as Django's widget templates write them,
and the page's queries must not grow with the indicators."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goldenthread.core.models import CorrectiveAction, Result, Return
from goldenthread.rules import Period
from goldenthread.web.forms import GovukRenderer
from tests.conftest import make_indicator

Q3 = Period.parse("2025/26 Q3")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


def key(indicator) -> str:
    return f"r_{indicator.pk}_{Q3.key}_"


def assert_boxes_read_as_the_templates_write_them(form) -> None:
    fast = {name: (str(form[name]), form[name].as_field_group()) for name in form.fields}
    form.renderer = GovukRenderer()
    slow = {name: (str(form[name]), form[name].as_field_group()) for name in form.fields}
    assert fast == slow
    kinds = {type(form.fields[name].widget).__name__ for name in form.fields}
    assert {"TextInput", "Textarea", "Select", "CheckboxInput", "DateInput"} <= kinds


def test_it_draws_every_box_as_the_templates_do(client, world):
    client.force_login(world.lead)
    form = client.get(reverse("return_detail", args=[world.ret.pk])).context["form"]
    assert_boxes_read_as_the_templates_write_them(form)


def test_it_draws_typed_text_and_errors_as_the_templates_do(client, world):
    """Markup in what was typed is escaped alike, and boxes in error are marked alike."""
    client.force_login(world.lead)
    k = key(world.indicator)
    page = client.get(reverse("return_detail", args=[world.ret.pk])).context["form"]
    data = {name: str(page[name].value() or "") for name in page.fields}
    data |= {
        k + "value": "not a number <b>",
        k + "na": "on",
        k + "commentary": 'Quotes " and <script>alert(1)</script> & ampersands',
        k + "ca_owner": str(world.member.pk),
        k + "ca_due": "31/02/2026",
    }
    response = client.post(reverse("return_detail", args=[world.ret.pk]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[k + "value"] and form.errors[k + "ca_due"]
    html = str(form[k + "commentary"])
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert f'<option value="{world.member.pk}" selected>' in str(form[k + "ca_owner"])
    assert "checked" in str(form[k + "na"])
    assert_boxes_read_as_the_templates_write_them(form)


def test_a_corrective_action_owner_must_be_a_member(client, world):
    client.force_login(world.lead)
    k = key(world.indicator)
    form = client.get(reverse("return_detail", args=[world.ret.pk])).context["form"]
    data = {name: str(form[name].value() or "") for name in form.fields}
    data |= {
        k + "value": "80",
        k + "commentary": "A burglary series in two wards.",
        k + "ca_description": "Extra patrols in both wards.",
        k + "ca_owner": str(world.outsider.pk),
        k + "ca_due": "2026-03-31",
    }
    response = client.post(reverse("return_detail", args=[world.ret.pk]), data)
    assert response.status_code == 200
    assert "Select a valid choice" in str(response.context["form"].errors[k + "ca_owner"])
    assert not CorrectiveAction.objects.filter(ret=world.ret).exists()

    # The rest was saved, so the return moved on a version.
    data |= {
        k + "ca_owner": str(world.member.pk),
        "version": str(Return.objects.get(pk=world.ret.pk).version),
    }
    response = client.post(reverse("return_detail", args=[world.ret.pk]), data)
    assert response.status_code == 302
    assert CorrectiveAction.objects.get(ret=world.ret).owner == world.member
    assert Result.objects.get(indicator=world.indicator, period=Q3).value == 80


def test_the_return_page_reads_the_same_queries_for_5_or_25_indicators(
    client, world, django_assert_num_queries
):
    client.force_login(world.lead)
    url = reverse("return_detail", args=[world.ret.pk])

    def grow(n: int, tag: str) -> None:
        for i in range(n):
            make_indicator(
                world.partnership, f"{tag}{i}", {"2025/26 Q3": ("10", "9")}, owner=world.member
            )

    grow(4, "A")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    grow(20, "B")
    with django_assert_num_queries(len(queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["contents"].results) >= 25
    assert Return.objects.get(pk=world.ret.pk).status == "open"
