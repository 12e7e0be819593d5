"""The archive of the whole database, started from the council-wide export page by the
performance team and downloaded from its job page when ready. No one else may start it,
see it or download it: it holds every partnership, password hashes and sign-in secrets."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from goldenthread.core.models import Job, JobKind
from tests.conftest import published


def start_archive(client, world) -> Job:
    client.force_login(world.performance)
    response = client.post(reverse("council_archive"))
    job = Job.objects.filter(kind=JobKind.ARCHIVE).latest("pk")
    assert response.status_code == 302 and response.url == reverse("job", args=[job.pk])
    return job


def test_the_performance_team_exports_and_downloads_the_whole_database(client, world):
    report = published(world)
    client.force_login(world.performance)
    page = client.get(reverse("council_export")).content.decode()
    assert f'action="{reverse("council_archive")}"' in page
    assert "Export the whole database</button>" in page

    job = start_archive(client, world)
    assert job.status == Job.Status.SUCCEEDED and job.started_by == world.performance
    assert job.partnership is None and job.result_name.startswith("golden-thread-archive-")
    assert "tables" in job.result_label and "2 stored files" in job.result_label
    html = client.get(reverse("job", args=[job.pk])).content.decode()
    download = reverse("job_download", args=[job.pk])
    assert download in html

    file = client.get(download)
    assert file.status_code == 200
    assert file["Content-Disposition"].startswith("attachment")
    assert job.result_name in file["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(b"".join(file.streaming_content))) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = archive.namelist()
        assert f"files/{report.pdf.name}" in names and f"files/{report.docx.name}" in names
        users = archive.read("tables/core_user.csv").decode()
        assert world.lead.username in users and world.outsider.username in users
    assert manifest["format"] == "golden-thread-archive"

    # A second archive holds the first one's row but not its file (or each archive would
    # hold every one before it).
    second = start_archive(client, world)
    with second.result_file.open("rb") as stored, zipfile.ZipFile(stored) as archive:
        assert f"files/{job.result_file.name}" not in archive.namelist()
        jobs = archive.read("tables/core_job.csv").decode()
        assert job.result_file.name in jobs


@pytest.mark.parametrize("role", ["lead", "member", "viewer", "outsider", "nobody"])
def test_no_one_else_may_start_it(client, world, role):
    client.force_login(world.person(role))
    assert client.post(reverse("council_archive")).status_code in (403, 404)
    assert client.get(reverse("council_archive")).status_code in (403, 404)
    assert not Job.objects.filter(kind=JobKind.ARCHIVE).exists()


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.post(reverse("council_archive"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not Job.objects.filter(kind=JobKind.ARCHIVE).exists()


@pytest.mark.parametrize("role", ["lead", "member", "viewer", "outsider"])
def test_no_one_else_sees_or_downloads_it(client, world, role):
    job = start_archive(client, world)
    client.force_login(world.person(role))
    assert client.get(reverse("job", args=[job.pk])).status_code == 404
    assert client.get(reverse("job_download", args=[job.pk])).status_code in (403, 404)
    assert job not in client.get(reverse("job_list")).context["jobs"]


def test_who_started_it_loses_it_on_leaving_the_performance_team(client, world):
    job = start_archive(client, world)
    world.performance.is_performance_team = False
    world.performance.save()
    assert client.get(reverse("job_download", args=[job.pk])).status_code in (403, 404)
    assert job not in client.get(reverse("job_list")).context["jobs"]


def test_the_export_page_offers_it_to_the_performance_team_only(client, world):
    client.force_login(world.lead)
    page = client.get(reverse("partnership_export", args=[world.partnership.pk]))
    assert page.status_code == 200
    assert reverse("council_archive") not in page.content.decode()
