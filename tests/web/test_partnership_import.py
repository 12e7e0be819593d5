"""The partnership import's pages: download, upload, check, create (issue 16)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from goldenthread.core.models import Indicator, Plan, Result
from goldenthread.documents.partnership_import import Example, template_workbook
from goldenthread.rules import financial_year_of
from tests.conftest import cell_texts


def workbook(**cells) -> bytes:
    book = load_workbook(
        io.BytesIO(template_workbook(Example("lead@example.org", "Test Council", "T1")))
    )
    for where, value in cells.items():
        sheet, cell = where.split("_")
        book[sheet][cell] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, partnership, data: bytes, name: str = "plan.xlsx"):
    year = financial_year_of(timezone.localdate())
    return client.post(
        reverse("plan_import", args=[partnership.pk]),
        {
            "title": "Youth justice plan",
            "first_year": year,
            "last_year": year + 2,
            "sheet": SimpleUploadedFile(name, data),
        },
    )


def test_it_offers_the_template_and_the_example(client, world, new_partnership):
    client.force_login(world.lead)
    page = client.get(reverse("plan_list", args=[new_partnership.pk]))
    assert reverse("plan_import", args=[new_partnership.pk]) in page.content.decode()
    page = client.get(reverse("plan_import", args=[new_partnership.pk]))
    assert page.status_code == 200
    assert "Download the template (.xlsx)" in page.content.decode()
    for name in ("plan_import_template", "plan_import_example"):
        response = client.get(reverse(name, args=[new_partnership.pk]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames[0] == "Read me"
    example = load_workbook(io.BytesIO(response.content))
    assert example["Objectives"]["D2"].value == "lead@example.org"
    assert example["Objectives"]["E2"].value == "Test Council"


def test_upload_check_and_create(client, world, new_partnership):
    client.force_login(world.lead)
    response = upload(client, new_partnership, workbook())
    assert response.status_code == 302
    check = response.url
    page = client.get(check)
    text = page.content.decode()
    assert page.status_code == 200 and "Create the draft plan" in text
    assert "CS01, CS02, CS03" in text
    assert not Plan.objects.filter(partnership=new_partnership).exists()  # checking writes nothing

    response = client.post(check)
    plan = Plan.objects.get(partnership=new_partnership)
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert plan.objectives.count() == 2
    assert Indicator.objects.filter(partnership=new_partnership).count() == 3
    assert Result.objects.filter(indicator__partnership=new_partnership).count() == 19
    page = client.get(response.url)
    assert "Draft plan created from plan.xlsx: 2 objectives, 3 indicators" in page.content.decode()
    # The kept file is used once.
    assert "No workbook to check" in client.get(check).content.decode()


def test_every_problem_is_listed_and_nothing_is_created(client, world, new_partnership):
    client.force_login(world.lead)
    data = workbook(Targets_A2="CS99", Objectives_D3="who@nowhere.org")
    page = client.get(upload(client, new_partnership, data).url)
    text = page.content.decode()
    assert "<title>Error: Check the workbook" in text
    cells = cell_texts(text)
    assert cells[4:8] == [
        "Targets",
        "2",
        "Indicator ref",
        "No indicator on the Indicators sheet has the Ref CS99",
    ]
    assert 'href="#problem-1"' in text and 'id="problem-1"' in text
    assert "Create the draft plan" not in text
    # The service's problems (the owner) come once the file's own are put right.
    page = client.get(
        upload(client, new_partnership, workbook(Objectives_D3="who@nowhere.org")).url
    )
    assert "who@nowhere.org is not the e-mail address of anyone" in page.content.decode()
    response = client.post(upload(client, new_partnership, workbook(Objectives_D3="x@y.org")).url)
    assert response.status_code == 200
    assert not Plan.objects.filter(partnership=new_partnership).exists()


def test_what_is_not_a_workbook_is_refused_next_to_the_box(client, world, new_partnership):
    client.force_login(world.lead)
    page = upload(client, new_partnership, b"code,title\n", name="plan.csv")
    assert page.status_code == 200
    assert "This file is not an Excel workbook (.xlsx)" in page.content.decode()


def test_a_partnership_with_a_plan_is_told_why_not(client, world):
    client.force_login(world.lead)
    page = client.get(reverse("plan_import", args=[world.partnership.pk]))
    assert "already has an approved plan" in page.content.decode()
    assert 'type="file"' not in page.content.decode()


def test_an_upload_belongs_to_its_session_and_partnership(client, world, new_partnership):
    client.force_login(world.lead)
    check = upload(client, new_partnership, workbook()).url
    token = check.split("upload=")[1]
    other = reverse("plan_import_check", args=[world.partnership.pk]) + f"?upload={token}"
    assert "No workbook to check" in client.get(other).content.decode()
    client.force_login(world.member)  # a new session; the member is no lead anyway
    assert client.get(check).status_code == 403
