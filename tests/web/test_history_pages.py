"""The record is visible: each history page is seen by exactly who may see the object
(members and viewers of its partnership, the performance team), outsiders get a 404, and
a return's reasons stay on its history after it is signed off."""

import pytest
from django.urls import reverse

from goldenthread.core.models import AnnualUpdateForm
from goldenthread.core.services import save_audited
from goldenthread.core.services.returns import (
    reopen_return,
    return_for_changes,
    sign_off_return,
    submit_return,
)

PAGES = {
    "return": lambda w: reverse("return_history", args=[w.ret.pk]),
    "update form": lambda w: reverse("update_form_history", args=[w.partnership.pk, 2025]),
    "plan": lambda w: reverse("plan_history", args=[w.plan.pk]),
    "indicator": lambda w: reverse("indicator_history", args=[w.indicator.pk]),
    "action": lambda w: reverse("action_history", args=[w.action.pk]),
}


@pytest.mark.parametrize("page", PAGES)
def test_it_shows_each_history_to_who_may_see_the_object(client, world, page):
    url = PAGES[page](world)
    for role in ("lead", "member", "viewer", "performance"):
        client.force_login(world.person(role))
        assert client.get(url).status_code == 200, role
    for role in ("outsider", "nobody"):
        client.force_login(world.person(role))
        assert client.get(url).status_code == 404, role
    client.logout()
    assert client.get(url).status_code == 302


def test_it_keeps_return_and_reopen_reasons_visible_after_sign_off(client, world):
    ret = world.ret
    submit_return(ret=ret, by=world.lead)
    return_for_changes(ret=ret, by=world.performance, reason="Explain the Q3 dip")
    submit_return(ret=ret, by=world.lead)
    sign_off_return(ret=ret, by=world.performance)
    reopen_return(ret=ret, by=world.performance, reason="Police figures revised")
    submit_return(ret=ret, by=world.lead)
    sign_off_return(ret=ret, by=world.performance)

    client.force_login(world.viewer)
    page = client.get(reverse("return_history", args=[ret.pk])).content.decode()
    assert "Returned: Explain the Q3 dip" in page
    assert "Reopened: Police figures revised" in page
    assert "Returned for changes" in page  # the status change, in words
    assert "Resubmitted" in page
    assert page.count("Signed off") >= 2
    assert str(world.performance) in page and str(world.lead) in page
    # The return's own page links to it.
    detail = client.get(reverse("return_detail", args=[ret.pk])).content.decode()
    assert reverse("return_history", args=[ret.pk]) in detail


def test_it_links_each_object_page_to_its_history(client, world):
    form = AnnualUpdateForm(partnership=world.partnership, year=2025)
    save_audited(form, by=world.lead, reason="Started")
    client.force_login(world.member)
    pages = {
        reverse("plan_detail", args=[world.plan.pk]): [
            reverse("plan_history", args=[world.plan.pk]),
            reverse("action_history", args=[world.action.pk]),
        ],
        reverse("indicator", args=[world.indicator.pk]): [
            reverse("indicator_history", args=[world.indicator.pk])
        ],
        reverse("update_form", args=[world.partnership.pk, 2025]): [
            reverse("update_form_history", args=[world.partnership.pk, 2025])
        ],
    }
    for page, links in pages.items():
        content = client.get(page).content.decode()
        for link in links:
            assert link in content, (page, link)


def test_it_shows_who_changed_an_action_from_what_to_what(client, world):
    action = world.action
    action.state = "completed"
    save_audited(action, by=world.member, reason="Visits finished")
    client.force_login(world.viewer)
    page = client.get(reverse("action_history", args=[action.pk])).content.decode()
    assert "Visits finished" in page
    assert "On track" in page and "Completed" in page
    assert str(world.member) in page


def test_history_page_queries_do_not_grow_with_rows(client, world, django_assert_max_num_queries):
    action = world.action
    client.force_login(world.member)
    url = reverse("action_history", args=[action.pk])
    client.get(url)
    for n in range(5):
        action.percent_complete = n * 10
        save_audited(action, by=world.lead if n % 2 else world.member, reason=f"Step {n}")
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
