"""The Cabinet report's pages: the performance team chooses a quarter and reads the report,
or downloads it as PDF or Word in one click; nobody else may (the walk in test_access.py
checks every role). The contents are tests/core/test_cabinet_report.py's."""

import pytest
from django.urls import reverse

from tests.cabinet import sign_off_a_quarter
from tests.conftest import cell_texts

PAGE = reverse("cabinet_report")


@pytest.fixture
def quarter(council):
    return sign_off_a_quarter(council)


def test_the_performance_team_reads_the_quarter_signed_off(client, quarter):
    client.force_login(quarter.performance)
    page = client.get(PAGE).content.decode()
    assert "Partnership performance report to Cabinet: 2025/26 Q3" in page
    assert 'href="#exceptions"' in page and 'id="exceptions"' in page  # the contents list
    assert "Staff shortages over the winter." in page
    assert "Safer Streets Partnership: not signed off (return open)" in page
    cells = cell_texts(page)
    assert "Changes Partnership" in cells
    assert f"{reverse('cabinet_report_pdf')}?quarter=2025/26%20Q3" in page
    assert f"{reverse('cabinet_report_docx')}?quarter=2025/26%20Q3" in page


def test_an_earlier_quarter_is_chosen_and_a_quarter_not_opened_is_no_choice(client, quarter):
    client.force_login(quarter.performance)
    page = client.get(PAGE, {"quarter": "2025/26 Q2"}).content.decode()
    assert "report to Cabinet: 2025/26 Q2" in page
    assert "Staff shortages over the winter." not in page
    page = client.get(PAGE, {"quarter": "2019/20 Q1<script>"}).content.decode()
    assert "report to Cabinet: 2025/26 Q3" in page


def test_the_files_download_in_one_click(client, quarter):
    client.force_login(quarter.performance)
    pdf = client.get(reverse("cabinet_report_pdf"), {"quarter": "2025/26 Q3"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "cabinet-performance-report-202526-q3.pdf" in pdf["Content-Disposition"]
    word = client.get(reverse("cabinet_report_docx"), {"quarter": "2025/26 Q3"})
    assert word.status_code == 200 and word.content.startswith(b"PK")
    assert "cabinet-performance-report-202526-q3.docx" in word["Content-Disposition"]


def test_leads_are_refused(client, quarter):
    client.force_login(quarter.lead)
    assert client.get(PAGE).status_code == 403
    assert client.get(reverse("cabinet_report_docx")).status_code == 403


def test_without_any_quarter_the_page_says_so(client, world):
    from goldenthread.core.models import ReportingRound, Return

    Return.objects.all().delete()
    ReportingRound.objects.all().delete()
    client.force_login(world.performance)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "No quarter has been opened for monitoring yet" in response.content.decode()
    assert client.get(reverse("cabinet_report_pdf")).status_code == 404


def test_the_page_takes_a_fixed_number_of_queries(client, quarter, django_assert_max_num_queries):
    client.force_login(quarter.performance)
    with django_assert_max_num_queries(20):
        assert client.get(PAGE).status_code == 200
