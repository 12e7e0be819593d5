"""The job page: progress while it runs (polled by htmx, or reloaded), the result when
done, why it failed and a Retry button; its download; starting the export."""

import io
import zipfile

import pytest
from django.urls import reverse

from goldenthread.core.models import AnnualReport, Job
from goldenthread.core.services import annual_reports
from goldenthread.tasks import start
from tests.conftest import at


def running(world) -> Job:
    return Job.objects.create(
        kind="publish_report",
        title="Publishing the 2025/26 annual report of Safer Streets Partnership",
        status=Job.Status.RUNNING,
        started_by=world.lead,
        partnership=world.partnership,
        params={"year": 2025},
        attempts=1,
        progress_done=3,
        progress_total=12,
        progress_message="Rendering the PDF: page 3 of 12",
    )


def test_it_shows_the_progress_and_polls_while_running(client, world):
    job = running(world)
    client.force_login(world.lead)
    page = client.get(reverse("job", args=[job.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Publishing the 2025/26 annual report" in html
    assert '<progress id="job-progress"' in html and 'max="12" value="3"' in html
    assert "Rendering the PDF: page 3 of 12: step 3 of 12" in html
    assert 'hx-trigger="every 2s"' in html
    assert "style=" not in html  # the CSP forbids inline styles
    # htmx asks for the status part alone.
    part = client.get(reverse("job", args=[job.pk]), headers={"HX-Request": "true"})
    assert part.status_code == 200
    assert b"<h1" not in part.content and b'id="job-status"' in part.content


def test_a_finished_job_stops_polling_and_links_to_its_result(client, world):
    annual_reports.save_commentary(
        partnership=world.partnership, year=2025, commentary="Good.", by=world.lead
    )
    with at(2026, 5, 12):
        job = start.start_publish(partnership=world.partnership, year=2025, by=world.lead)
    client.force_login(world.lead)
    html = client.get(reverse("job", args=[job.pk])).content.decode()
    assert "hx-trigger" not in html and "<progress" not in html
    assert "Edition 1 of the 2025/26 report" in html
    assert f'href="/partnerships/{world.partnership.pk}/reports/2025/?edition=1"' in html


def test_a_failed_job_says_why_and_is_retried(client, world, settings, tmp_path):
    annual_reports.save_commentary(
        partnership=world.partnership, year=2025, commentary="Good.", by=world.lead
    )
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    working = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**working, "OPTIONS": {"location": blocker / "media"}},
    }
    client.force_login(world.lead)
    with at(2026, 5, 12):
        response = client.post(reverse("annual_report_publish", args=[world.partnership.pk, 2025]))
    job = Job.objects.get()
    assert response.url == reverse("job", args=[job.pk])
    html = client.get(response.url).content.decode()
    assert job.status == "failed"
    assert "It did not work" in html and "The file could not be saved" in html
    assert "Traceback" not in html
    assert "Try again</button>" in html
    # Someone who may see it but not publish gets no button, and a POST is refused.
    client.force_login(world.performance)
    assert "Try again</button>" not in client.get(response.url).content.decode()
    assert client.post(response.url).status_code == 403

    settings.STORAGES = {**settings.STORAGES, "default": working}
    client.force_login(world.lead)
    with at(2026, 5, 12):
        again = client.post(response.url)
    assert again.status_code == 302 and again.url == response.url
    job.refresh_from_db()
    assert job.status == "succeeded" and job.attempts == 2
    assert AnnualReport.objects.get().status == "published"
    assert "Done" in client.get(response.url).content.decode()


@pytest.mark.parametrize("role", ["member", "viewer", "outsider", "nobody"])
def test_others_do_not_see_a_job(client, world, role):
    job = running(world)
    client.force_login(world.person(role))
    assert client.get(reverse("job", args=[job.pk])).status_code == 404
    assert client.post(reverse("job", args=[job.pk])).status_code == 404


def test_the_lead_exports_and_downloads_the_data(client, world):
    client.force_login(world.lead)
    partnership_page = client.get(world.partnership.get_absolute_url()).content.decode()
    export_url = reverse("partnership_export", args=[world.partnership.pk])
    assert export_url in partnership_page
    assert client.get(export_url).status_code == 200
    response = client.post(export_url)
    job = Job.objects.get(kind="export")
    assert response.url == reverse("job", args=[job.pk])
    html = client.get(response.url).content.decode()
    download = reverse("job_download", args=[job.pk])
    assert download in html
    file = client.get(download)
    assert file.status_code == 200
    assert file["Content-Disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(file.streaming_content)))
    assert "results.csv" in archive.namelist()
    assert world.indicator.code in archive.read("indicators.csv").decode("utf-8-sig")
    # The performance team may download it; a member, a viewer and outsiders may not.
    client.force_login(world.performance)
    assert client.get(download).status_code == 200
    for role in ("member", "viewer", "outsider"):
        client.force_login(world.person(role))
        assert client.get(download).status_code == 404


def test_a_member_cannot_export(client, world):
    client.force_login(world.member)
    url = reverse("partnership_export", args=[world.partnership.pk])
    assert client.post(url).status_code == 403
    assert not Job.objects.exists()


def test_the_performance_team_exports_the_whole_council(client, world):
    client.force_login(world.performance)
    assert reverse("council_export").encode() in client.get(reverse("job_list")).content
    response = client.post(reverse("council_export"))
    job = Job.objects.get()
    assert job.partnership is None and job.status == "succeeded"
    assert response.url == reverse("job", args=[job.pk])
    client.force_login(world.lead)
    assert client.post(reverse("council_export")).status_code == 403


def test_my_recent_jobs_lists_my_own(client, world):
    mine = running(world)
    Job.objects.create(kind="export", title="Someone else's", started_by=world.performance)
    client.force_login(world.lead)
    html = client.get(reverse("job_list")).content.decode()
    assert mine.title in html and "Someone else's" not in html
