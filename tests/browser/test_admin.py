"""The Django admin, which the council's system administrators use to set up
organisations, people and partnerships: its pages pass axe-core like every other page,
and it can be worked with the keyboard."""

import pytest
from django.contrib import admin
from playwright.sync_api import Page

from goldenthread.core.admin import ReadOnlyAdmin
from goldenthread.core.models import Partnership, User
from tests.browser.axe import assert_no_axe_violations, format_violations, run_axe

PASSWORD = "admin-password-1"


@pytest.fixture
def administrator(world):
    return User.objects.create_superuser("administrator", password=PASSWORD)


def test_the_admin_passes_axe_and_signs_in_by_keyboard(
    page: Page, live_server, world, administrator
):
    base = live_server.url
    # The admin signs in through Golden Thread's own sign-in pages (same limits on
    # guessing, same second factor), and comes back to the admin.
    page.goto(f"{base}/admin/login/")
    page.wait_for_url(f"{base}/accounts/login/?next=%2Fadmin%2F")
    page.get_by_label("Email address or username").focus()
    page.keyboard.type("administrator")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/accounts/login/password/**")
    page.get_by_label("Password").focus()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/admin/")
    assert_no_axe_violations(page)

    # Every registered model's list, its add form and one change form.
    found = {}
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        listing = f"{base}/admin/{meta.app_label}/{meta.model_name}/"
        # The plan tree and results are read only here (core/admin.py): no add page.
        read_only = isinstance(model_admin, ReadOnlyAdmin)
        urls = [listing] if read_only else [listing, listing + "add/"]
        first = model.objects.first()
        if first is not None:
            urls.append(f"{listing}{first.pk}/change/")
        if model is Partnership:  # the refusal, with "close the partnership instead"
            urls.append(f"{listing}{first.pk}/delete/")
        for url in urls:
            page.goto(url)
            violations = run_axe(page)["violations"]
            if violations:
                found[url] = format_violations(violations)
    assert not found, "\n".join(f"{url}:\n{text}" for url, text in found.items())
