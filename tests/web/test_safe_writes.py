"""Nothing lost, nothing broken (issue 10): each thing seen, as a test. A huge number, a
comma in the spend, very long text, an upload overwritten unseen, unconfirmed figures in
public, the admin as a way round the rules, and deletes that take the record with them."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from goldenthread.core.annual_report import AnnualReportContent
from goldenthread.core.models import (
    AnnualReport,
    Budget,
    Objective,
    Partnership,
    Plan,
    Result,
    Return,
    Spend,
    Target,
    User,
)
from goldenthread.core.services import annual_reports
from goldenthread.core.services.returns import ResultInput, record_results
from goldenthread.documents import return_sheets as sheets
from goldenthread.documents.annual_report import annual_report_files
from goldenthread.rules import Period
from tests.conftest import cell_texts, make_partnership
from tests.web.test_returns import page_data

Q3 = Period.parse("2025/26 Q3")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


def key(world) -> str:
    return f"r_{world.indicator.pk}_{Q3.key}_"


def error_next_to(page: str, field: str) -> str:
    """The error message the field's input points to (aria-describedby), or ""."""
    found = re.search(rf'<p[^>]*\bid="id_{re.escape(field)}_error"[^>]*>(.*?)</p>', page, re.S)
    if not found:
        return ""
    return re.sub(r"<[^>]+>", "", found.group(1)).replace("Error:", "").strip()


def pages_showing(world) -> list[str]:
    """Every page that shows a partnership's results, as issue 10 lists them."""
    return [
        reverse("home"),
        reverse("partnership", args=[world.partnership.pk]),
        reverse("indicator", args=[world.indicator.pk]),
        reverse("indicator_chart", args=[world.indicator.pk]),
        reverse("indicator_spc_chart", args=[world.indicator.pk]),
        reverse("return_detail", args=[world.ret.pk]),
        reverse("return_download_xlsx", args=[world.ret.pk]),
        reverse("return_download_csv", args=[world.ret.pk]),
        reverse("annual_report", args=[world.partnership.pk, 2025]),
        reverse("partnership_thread", args=[world.partnership.pk]),
        reverse("strategic_plan_thread", args=[world.strategy.pk]),
        reverse("plan_detail", args=[world.plan.pk]),
        reverse("council_view"),
    ]


def assert_pages_answer(world, *people) -> None:
    for person in people or (world.lead, world.member, world.performance):
        client = Client()
        client.force_login(person)
        for url in pages_showing(world):
            if url == reverse("council_view") and not person.is_performance_team:
                continue
            response = client.get(url)
            assert response.status_code == 200, (person, url, response.status_code)


# --- 1. one huge number ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1000000000000", "Enter a number smaller than 1,000,000,000,000"),
        ("1e999", "Enter a number, like 42 or 3.5"),
        ("-99999999999999999999999999999999999999", "smaller than 1,000,000,000,000"),
        ("NaN", "Enter a number, like 42 or 3.5"),
    ],
)
def test_a_huge_result_is_refused_next_to_the_box_and_breaks_nothing(client, world, typed, message):
    client.force_login(world.lead)
    data = page_data(client, world.ret)
    data[key(world) + "value"] = typed
    response = client.post(reverse("return_detail", args=[world.ret.pk]), data)
    assert response.status_code == 200
    assert message in error_next_to(response.content.decode(), key(world) + "value")
    assert Result.objects.get(indicator=world.indicator, period=Q3).value == Decimal("101")
    assert not Result.history.filter(value__gte=Decimal("1e11")).exists()
    assert_pages_answer(world)


def test_every_save_refuses_a_number_the_database_cannot_keep(world):
    result = Result.objects.get(indicator=world.indicator, period=Q3)
    result.value = Decimal("1e12")
    with pytest.raises(ValidationError) as refused:
        result.save()
    assert refused.value.message_dict == {
        "value": ["Enter a number smaller than 1,000,000,000,000"]
    }
    with pytest.raises(ValidationError):
        Target.objects.create(indicator=world.indicator, period=Q3.next(), value=Decimal("1e999"))
    with pytest.raises(ValidationError):
        record_results(
            ret=world.ret,
            by=world.lead,
            results=[ResultInput(world.indicator.pk, Q3, Decimal("1000000000000"))],
        )
    assert Result.objects.get(indicator=world.indicator, period=Q3).value == Decimal("101")


def test_a_40_digit_budget_gets_a_message_not_a_500(client, world):
    client.force_login(world.lead)
    response = client.post(
        reverse("finance_edit", args=[world.partnership.pk]) + "?year=2025",
        {"budget": "9" * 40},
    )
    assert response.status_code == 200
    assert "must be less than £1,000,000,000,000" in error_next_to(
        response.content.decode(), "budget"
    )
    assert not Budget.objects.exists()


# --- 2. spend written as people write it ------------------------------------------------


@pytest.mark.parametrize("typed", ["98,500", "£98,500", "98500.00", " 98500 ", "£ 98500"])
def test_spend_is_read_however_it_is_written(client, world, typed):
    client.force_login(world.lead)
    data = page_data(client, world.ret)
    data["spend"] = typed
    data[key(world) + "commentary"] = "Above target after the winter campaign."
    response = client.post(reverse("return_detail", args=[world.ret.pk]), data)
    assert response.status_code == 302
    assert Spend.objects.get(partnership=world.partnership, period=Q3).amount == Decimal(98500)
    assert (
        Result.objects.get(indicator=world.indicator, period=Q3).commentary
        == "Above target after the winter campaign."
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("lots", "Enter an amount in pounds, like 12,500 or 12,500.50"),
        ("-500", "Enter £0 or more"),
        ("£9,999,999,999,999", "Enter an amount less than £1,000,000,000,000"),
    ],
)
def test_spend_that_cannot_be_read_is_kept_with_a_message_and_loses_nothing(
    client, world, typed, message
):
    client.force_login(world.lead)
    data = page_data(client, world.ret)
    data["spend"] = typed
    data[key(world) + "value"] = "97"
    data[key(world) + "commentary"] = "Typed with the spend."
    data["highlights"] = "A good quarter."
    response = client.post(reverse("return_detail", args=[world.ret.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in error_next_to(page, "spend")
    assert f'value="{typed}"' in page  # kept as typed
    # Everything else typed on the return was saved.
    result = Result.objects.get(indicator=world.indicator, period=Q3)
    assert (result.value, result.commentary) == (Decimal("97"), "Typed with the spend.")
    assert Return.objects.get(pk=world.ret.pk).highlights == "A good quarter."
    assert not Spend.objects.exists()
    # And the draft keeps the spend as typed, for the next visit.
    assert Return.objects.get(pk=world.ret.pk).draft == {"spend": typed}
    again = client.get(reverse("return_detail", args=[world.ret.pk])).content.decode()
    assert message in error_next_to(again, "spend")


# --- 3. very long text ------------------------------------------------------------------


def test_long_text_is_refused_next_to_the_box_which_says_the_limit(client, world):
    client.force_login(world.member)
    url = reverse("objective_edit", args=[world.draft_objective.pk])
    page = client.get(url).content.decode()
    assert "You can enter up to 2,000 characters." in page
    response = client.post(
        url,
        {
            "title": "Fewer burglaries",
            "description": "x" * 2_001,
            "outcomes": [world.outcome.pk],
        },
    )
    assert response.status_code == 200
    assert error_next_to(response.content.decode(), "description") == (
        "Enter 2,000 characters or fewer. This has 2,001"
    )
    assert Objective.objects.get(pk=world.draft_objective.pk).description == ""


def test_every_save_refuses_text_over_its_limit_whichever_way_it_comes(world):
    world.objective.description = "x" * 2_400_000
    with pytest.raises(ValidationError) as refused:
        world.objective.save()
    assert "description" in refused.value.message_dict
    world.risk.cause = "Funding\x00cut"
    with pytest.raises(ValidationError, match="control characters"):
        world.risk.save()
    assert Objective.objects.get(pk=world.objective.pk).description == ""


def test_a_body_over_the_cap_is_refused_before_it_is_read(client, world):
    client.force_login(world.member)
    response = client.post(
        reverse("objective_edit", args=[world.draft_objective.pk]),
        {"title": "Fewer burglaries", "description": "x" * (3 * 1024 * 1024)},
    )
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert Objective.objects.get(pk=world.draft_objective.pk).description == ""


# --- 5. no write overwritten unseen ---------------------------------------------------


def sheet_with(client, world, value, commentary) -> bytes:
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("return_download_xlsx", args=[world.ret.pk])).content)
    )
    ws = book[sheets.SHEET]
    columns = {cell.value: cell.column for cell in ws[1]}
    for row in ws.iter_rows(min_row=2):
        if row[0].value == world.indicator.code:
            ws.cell(row=row[0].row, column=columns[sheets.RESULT], value=value)
            ws.cell(row=row[0].row, column=columns[sheets.COMMENTARY], value=commentary)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_upload_moves_the_version_so_an_older_page_cannot_undo_it(world):
    lead, member = Client(), Client()
    lead.force_login(world.lead)
    member.force_login(world.member)
    opened = page_data(lead, world.ret)  # the lead opens the return

    content = sheet_with(member, world, 88, "Uploaded by the member.")
    response = member.post(
        reverse("return_upload", args=[world.ret.pk]),
        {"sheet": SimpleUploadedFile("return.xlsx", content)},
    )
    assert response.status_code == 302
    uploaded = Return.objects.get(pk=world.ret.pk)
    assert uploaded.version != int(opened["version"])
    assert uploaded.history.first().history_change_reason == "Spreadsheet uploaded"
    assert uploaded.history.first().history_user == world.member

    opened["highlights"] = "Saved from the old page."
    response = lead.post(reverse("return_detail", args=[world.ret.pk]), opened)
    assert response.status_code == 409
    assert "Someone else saved this return" in response.content.decode()
    result = Result.objects.get(indicator=world.indicator, period=Q3)
    assert (result.value, result.commentary) == (Decimal(88), "Uploaded by the member.")
    assert Return.objects.get(pk=world.ret.pk).highlights == ""


def test_a_save_without_the_version_is_refused_not_taken_as_no_lock(client, world):
    client.force_login(world.lead)
    data = page_data(client, world.ret)
    del data["version"]
    data[key(world) + "value"] = "55"
    response = client.post(reverse("return_detail", args=[world.ret.pk]), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert 'value="55"' in page  # what was typed is kept
    assert Result.objects.get(indicator=world.indicator, period=Q3).value == Decimal("101")
    # The page now carries the version, so saving again goes through.
    form = response.context["form"]
    data["version"] = str(form["version"].value())
    assert client.post(reverse("return_detail", args=[world.ret.pk]), data).status_code == 302
    assert Result.objects.get(indicator=world.indicator, period=Q3).value == Decimal("55")


# --- 6. only confirmed figures in public ------------------------------------------------


def public_cells(world) -> list[str]:
    response = Client().get(reverse("public_partnership", args=[world.partnership.pk]))
    assert response.status_code == 200
    return cell_texts(response.content.decode())


def test_results_of_a_return_not_signed_off_stay_out_of_public_pages(world):
    world.indicator.is_published = True
    world.indicator.save()
    world.partnership.is_public = True
    world.partnership.save()
    # 2025/26 Q3's return is open: its 101 is not shown; 2025/26 Q2's 103 is from before
    # the partnership reported through returns here, so it is.
    cells = public_cells(world)
    assert "103" in cells
    assert "101" not in cells
    assert "2025/26 Q3" not in cells
    for status in ("submitted", "returned"):
        Return.objects.filter(pk=world.ret.pk).update(status=status)
        assert "101" not in public_cells(world)
    Return.objects.filter(pk=world.ret.pk).update(status="signed_off")
    assert "101" in public_cells(world)
    page = Client().get(reverse("public_partnership", args=[world.partnership.pk]))
    assert "once the council's performance team has checked and signed off" in (
        page.content.decode()
    )


def test_a_published_annual_report_leaves_out_figures_not_signed_off(client, world):
    with time_machine.travel(datetime.datetime(2026, 5, 12, 10, 0), tick=False):
        annual_reports.save_commentary(
            partnership=world.partnership, year=2025, commentary="A steady year.", by=world.lead
        )
        client.force_login(world.lead)
        draft = client.get(reverse("annual_report", args=[world.partnership.pk, 2025]))
        assert "2025/26 Q3 return are shown in this draft" in draft.content.decode()
        report = annual_reports.publish_report(
            partnership=world.partnership, year=2025, by=world.lead, render=annual_report_files
        )
    content = AnnualReportContent.from_snapshot(report.snapshot)
    (ss01,) = [i for o in content.objectives for i in o.indicators if i.code == "SS01"]
    # The year's latest confirmed result is 2025/26 Q2's 103; Q3's 101 is not confirmed.
    assert (ss01.period, ss01.result) == ("2025/26 Q2", "103")
    assert AnnualReport.objects.get(pk=report.pk).status == "published"


# --- 7. the admin is no way round the rules ---------------------------------------------


@pytest.fixture
def staff(world) -> User:
    """The performance team's admin account: staff with every permission on the domain,
    not a superuser (as the demo gives it)."""
    from django.contrib.auth.models import Permission

    world.performance.is_staff = True
    world.performance.save()
    world.performance.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["core", "auth"])
    )
    return User.objects.get(pk=world.performance.pk)


def admin_form(client, url) -> dict:
    """The admin change form's fields as they stand, ready to post back."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = "on" if value is True else str(value)
    return data


def test_the_performance_team_cannot_make_itself_superuser_in_the_admin(client, staff):
    client.force_login(staff)
    url = reverse("admin:core_user_change", args=[staff.pk])
    data = admin_form(client, url)
    data.update(is_superuser="on", is_staff="on", job_title="Performance officer")
    response = client.post(url, data)
    assert response.status_code == 302
    staff.refresh_from_db()
    assert not staff.is_superuser  # the box is not even on the form
    assert staff.job_title == "Performance officer"  # what they may change, changed


def test_only_a_superuser_grants_staff_or_changes_a_superuser(client, world, staff):
    root = User.objects.create_superuser("root", password="root-password-1")
    client.force_login(staff)
    # A superuser's account can be read, not changed: its password least of all.
    url = reverse("admin:core_user_change", args=[root.pk])
    assert 'name="username"' not in client.get(url).content.decode()
    client.post(url, {"username": "root", "first_name": "Taken over"})
    password = reverse("admin:auth_user_password_change", args=[root.pk])
    assert client.post(password, {"password1": "x-new-9", "password2": "x-new-9"}).status_code in (
        403,
        404,
    )
    root.refresh_from_db()
    assert root.first_name == "" and root.check_password("root-password-1")
    client.force_login(root)
    url = reverse("admin:core_user_change", args=[world.member.pk])
    data = admin_form(client, url)
    data["is_staff"] = "on"
    assert client.post(url, data).status_code == 302
    assert User.objects.get(pk=world.member.pk).is_staff


def test_plans_results_and_targets_are_read_only_in_the_admin(client, world, staff):
    client.force_login(staff)
    url = reverse("admin:core_plan_change", args=[world.draft_plan.pk])
    response = client.get(url)
    assert response.status_code == 200  # shown, with its history
    assert 'name="status"' not in response.content.decode()
    client.post(url, {"status": "approved", "title": "Sneaked in"})
    world.draft_plan.refresh_from_db()
    assert (world.draft_plan.status, world.draft_plan.title) == ("draft", world.plan.title)
    result = Result.objects.get(indicator=world.indicator, period=Q3)
    assert client.get(reverse("admin:core_result_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:core_result_delete", args=[result.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Result.objects.filter(pk=result.pk).exists()
    assert client.get(reverse("admin:core_plan_history", args=[world.plan.pk])).status_code == 200


def test_partners_sign_ups_contributions_and_health_checks_are_read_only_in_the_admin(
    client, world, staff
):
    """Kept on the partnership's pages (services.partners, services.health_checks), shown
    in the admin with their history; a health check's answers are not shown there."""
    from goldenthread.core.models import HealthCheckAnswer, PlanSignUp
    from goldenthread.core.services import partners
    from tests.core.test_health_check import DURING, answered_by, opened, scores
    from tests.core.test_partners import _profile, contribution

    sign_up = partners.sign_up_to_plan(
        plan=world.plan, organisation=world.police, state="agreed", by=world.member
    )
    profile = _profile(world, world.police, max_actions=3)
    partners.add_decision_date(
        profile=profile, by=world.lead, date=datetime.date(2026, 3, 1), what="Budget set"
    )
    given = contribution(world)
    check = opened(world)
    answered_by(world, check, [(world.member, scores(4))], today=DURING)
    client.force_login(staff)
    for name, obj in [
        ("plansignup", sign_up),
        ("partnerprofile", profile),
        ("outsidecontribution", given),
        ("healthcheck", check),
    ]:
        assert client.get(reverse(f"admin:core_{name}_changelist")).status_code == 200
        page = client.get(reverse(f"admin:core_{name}_change", args=[obj.pk]))
        assert page.status_code == 200
        assert client.get(reverse(f"admin:core_{name}_add")).status_code == 403
        delete = reverse(f"admin:core_{name}_delete", args=[obj.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert client.get(reverse(f"admin:core_{name}_history", args=[obj.pk])).status_code == 200
    assert (
        "Budget set"
        in client.get(
            reverse("admin:core_partnerprofile_change", args=[profile.pk])
        ).content.decode()
    )
    url = reverse("admin:core_plansignup_change", args=[sign_up.pk])
    client.post(url, {"state": "concern", "comment": "Sneaked in"})
    assert PlanSignUp.objects.get(pk=sign_up.pk).state == "agreed"
    assert HealthCheckAnswer.objects.exists()
    assert not admin.site.is_registered(HealthCheckAnswer)
    body = client.get(reverse("admin:core_healthcheck_change", args=[check.pk])).content
    assert b"respondent" not in body.lower()


# --- 8. deleting never takes the record -------------------------------------------------


def test_a_partnership_with_a_record_cannot_be_deleted_and_can_be_closed(client, world, staff):
    Return.objects.filter(pk=world.ret.pk).update(status="signed_off")
    with pytest.raises(ProtectedError):
        world.partnership.delete()
    client.force_login(staff)
    url = reverse("admin:core_partnership_delete", args=[world.partnership.pk])
    page = client.get(url).content.decode()
    assert "Close the partnership instead" in page
    client.post(url, {"post": "yes"})
    assert Return.objects.filter(pk=world.ret.pk).exists()
    assert Partnership.objects.filter(pk=world.partnership.pk).exists()

    # Closing it instead: kept, read only for everyone, still in the compliance tracker.
    response = client.post(
        reverse("partnership_closing", args=[world.partnership.pk]),
        {"reason": "Merged into the Community Safety Partnership", "on": ""},
    )
    assert response.status_code == 302
    world.partnership.refresh_from_db()
    assert world.partnership.closed_on == datetime.date(2026, 1, 15)
    assert world.partnership.history.first().history_change_reason == (
        "Closed: Merged into the Community Safety Partnership"
    )
    lead = Client()
    lead.force_login(world.lead)
    assert lead.get(reverse("partnership", args=[world.partnership.pk])).status_code == 200
    assert (
        "Closed on 15 January 2026"
        in lead.get(reverse("partnership", args=[world.partnership.pk])).content.decode()
    )
    assert lead.get(reverse("objective_edit", args=[world.draft_objective.pk])).status_code == 403
    assert lead.post(reverse("return_detail", args=[world.ret.pk]), {}).status_code in (302, 403)
    tracker = client.get(reverse("compliance_tracker") + "?year=2025").content.decode()
    assert world.partnership.name in tracker
    tracker = client.get(reverse("compliance_tracker") + "?year=2026").content.decode()
    assert world.partnership.name not in tracker


def test_a_partnership_with_nothing_to_keep_can_still_be_deleted(world):
    empty = make_partnership("Started by mistake", world.council)
    empty.delete()
    assert not Partnership.objects.filter(name="Started by mistake").exists()


def test_a_submitted_update_form_and_a_published_report_are_kept_too(world):
    with time_machine.travel(datetime.datetime(2026, 5, 12, 10, 0), tick=False):
        annual_reports.save_commentary(
            partnership=world.partnership, year=2025, commentary="A steady year.", by=world.lead
        )
        annual_reports.publish_report(
            partnership=world.partnership, year=2025, by=world.lead, render=annual_report_files
        )
    world.ret.delete()  # an open return is not yet part of the record
    with pytest.raises(ProtectedError, match=r"AnnualReport\.partnership"):
        world.partnership.delete()
    assert Plan.objects.filter(partnership=world.partnership).exists()
