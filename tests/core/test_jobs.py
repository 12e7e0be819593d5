"""Background jobs without HTTP: starting (who may), progress, failure in plain words and
retry to success, a stalled job queued again, the export's content, the daily reminders
once a day. Tasks run at once here (the immediate backend); tests/tasks/ runs real
workers."""

import csv
import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from goldenthread.core.jobs import get_job_for_user, may_retry
from goldenthread.core.models import AnnualReport, Job
from goldenthread.core.services import annual_reports, jobs
from goldenthread.tasks import start
from goldenthread.tasks.runner import run_job
from tests.conftest import at

YEAR = 2025


def commentary(world):
    annual_reports.save_commentary(
        partnership=world.partnership, year=YEAR, commentary="A good year.", by=world.lead
    )


def broken_storage(settings, tmp_path):
    """A storage whose folder cannot be made: a file stands where it should be."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": blocker / "media"},
        },
    }


def working_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


def test_publishing_is_a_job_that_publishes_once(world):
    commentary(world)
    with at(2026, 5, 12):
        job = start.start_publish(partnership=world.partnership, year=YEAR, by=world.lead)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.attempts == 1
    assert job.progress_done == job.progress_total == 3
    report = AnnualReport.objects.get()
    assert report.status == "published" and report.published_by == world.lead
    assert job.result_url == f"/partnerships/{world.partnership.pk}/reports/2025/?edition=1"
    assert report.pdf.name == f"annual-reports/{world.partnership.pk}/2025/edition-1.pdf"
    assert report.pdf.read().startswith(b"%PDF")
    assert report.history.first().history_user == world.lead
    assert [h.history_change_reason for h in job.history.order_by("history_id")] == [
        "Started",
        "Attempt 1 started",
        "Attempt 1 succeeded",
    ]
    assert all(h.history_user == world.lead for h in job.history.all())
    # A second delivery of the same task does nothing: the job is finished.
    assert run_job.call(job.pk) == "nothing to do"
    assert AnnualReport.objects.filter(status="published").count() == 1


def test_a_refused_publish_fails_with_the_reason(world):
    with at(2026, 5, 12):
        job = start.start_publish(partnership=world.partnership, year=YEAR, by=world.lead)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.failure.startswith("Add your commentary before publishing")
    assert "Traceback" not in job.failure


def test_a_storage_failure_says_why_and_a_retry_succeeds(world, settings, tmp_path):
    commentary(world)
    broken_storage(settings, tmp_path)
    with at(2026, 5, 12):
        job = start.start_publish(partnership=world.partnership, year=YEAR, by=world.lead)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.failure.startswith("The file could not be saved")
    assert "Traceback" not in job.failure and "Errno" not in job.failure
    # Nothing half-done: the draft is still a draft.
    assert AnnualReport.objects.get().status == "draft"
    assert may_retry(world.lead, job) and may_retry(world.performance, job) is False

    working_storage(settings, tmp_path)
    with at(2026, 5, 12):
        start.retry(job=job, by=world.lead)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.attempts == 2 and job.failure == ""
    report = AnnualReport.objects.get()
    assert report.status == "published" and report.pdf.read().startswith(b"%PDF")
    assert "Tried again" in [h.history_change_reason for h in job.history.all()]


def test_only_a_failed_job_is_retried_by_someone_allowed(world, settings, tmp_path):
    commentary(world)
    broken_storage(settings, tmp_path)
    with at(2026, 5, 12):
        job = start.start_publish(partnership=world.partnership, year=YEAR, by=world.lead)
    for person in (world.member, world.viewer, world.outsider, world.performance):
        with pytest.raises(PermissionDenied):
            start.retry(job=job, by=person)
    working_storage(settings, tmp_path)
    with at(2026, 5, 12):
        start.retry(job=job, by=world.lead)
    with pytest.raises(PermissionDenied, match="Only a failed job"):
        start.retry(job=job, by=world.lead)


@pytest.mark.parametrize("role", ["member", "viewer", "performance", "outsider"])
def test_only_a_lead_starts_publishing(world, role):
    commentary(world)
    with pytest.raises(PermissionDenied):
        start.start_publish(partnership=world.partnership, year=YEAR, by=world.person(role))
    assert not Job.objects.exists()


def test_who_sees_a_job(world):
    job = start.start_export(partnership=world.partnership, by=world.lead)
    for person in (world.lead, world.performance):
        assert get_job_for_user(person, job.pk) == job
    for person in (world.member, world.viewer, world.outsider, world.nobody):
        with pytest.raises(Http404):
            get_job_for_user(person, job.pk)


def test_who_exports(world):
    assert start.start_export(partnership=world.partnership, by=world.performance)
    assert start.start_export(partnership=None, by=world.performance)
    for person in (world.member, world.viewer, world.outsider):
        with pytest.raises(PermissionDenied):
            start.start_export(partnership=world.partnership, by=person)
    with pytest.raises(PermissionDenied):
        start.start_export(partnership=None, by=world.lead)


def _tables(job: Job) -> dict[str, list[dict[str, str]]]:
    with job.result_file.open("rb") as f, zipfile.ZipFile(io.BytesIO(f.read())) as archive:
        return {
            name.removesuffix(".csv"): list(
                csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig")))
            )
            for name in archive.namelist()
        }


def test_the_export_holds_the_partnership_s_records_only(world):
    job = start.start_export(partnership=world.partnership, by=world.lead)
    job.refresh_from_db()
    assert job.status == "succeeded"
    assert job.result_name.startswith("safer-streets-partnership-data-")
    assert job.result_file.name == f"jobs/{job.pk}/{job.result_name}"
    tables = _tables(job)
    assert {"plans", "objectives", "actions", "indicators", "targets", "results", "risks"} <= set(
        tables
    )
    assert {"returns", "review_meetings", "lessons", "feedback"} <= set(tables)
    codes = {row["code"] for row in tables["indicators"]}
    assert world.indicator.code in codes
    assert world.other_indicator.code not in codes
    assert {row["partnership"] for table in tables.values() for row in table} <= {
        world.partnership.name
    }
    assert len(tables["results"]) == world.indicator.results.count() + sum(
        i.results.count() for i in world.partnership.indicators.exclude(pk=world.indicator.pk)
    )


def test_the_council_wide_export_holds_every_partnership(world):
    job = start.start_export(partnership=None, by=world.performance)
    job.refresh_from_db()
    names = {row["partnership"] for row in _tables(job)["indicators"]}
    assert {world.partnership.name, world.other.name} <= names


def test_a_stalled_job_is_queued_again_and_its_old_attempt_writes_nothing(world, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.TASK_LEASE = 60
    job = start.start_export(partnership=world.partnership, by=world.lead)
    first = DBTaskResult.objects.get(pk=job.task_result_id)
    assert first.status == "READY" and job.status == "queued"
    # A worker claims it, reports once, and dies.
    first.claim("dead-worker")
    attempt = jobs.begin_attempt(job.pk)
    jobs.report_progress(attempt, done=1, total=5, message="Writing plans")
    assert jobs.requeue_stalled() == []  # within the lease: left alone
    later = timezone.now() + datetime.timedelta(seconds=61)
    assert [j.pk for j in jobs.requeue_stalled(now=later)] == [job.pk]

    job.refresh_from_db()
    first.refresh_from_db()
    assert job.status == "queued" and first.status == "FAILED"
    second = DBTaskResult.objects.get(pk=job.task_result_id)
    assert second.pk != first.pk and second.status == "READY"
    assert second.task_path == first.task_path and second.args_kwargs == first.args_kwargs
    # The old attempt, if it was only slow, can no longer write.
    with pytest.raises(jobs.JobSuperseded):
        jobs.report_progress(attempt, done=2, total=5, message="Writing objectives")
    # The next worker does it, once.
    assert run_job.call(job.pk) == "succeeded"
    job.refresh_from_db()
    assert job.status == "succeeded" and job.attempts == 2
    with pytest.raises(jobs.JobSuperseded), jobs.finishing(attempt):
        pass
    assert run_job.call(job.pk) == "nothing to do"


def test_the_reminders_start_once_a_day(world, settings):
    settings.GT_SITE_URL = "https://goldenthread.example"
    day = datetime.date(2026, 1, 5)
    job = start.start_reminders(day)
    assert job is not None
    assert start.start_reminders(day) is None  # a second worker asking: nothing more
    assert Job.objects.filter(kind="reminders").count() == 1
    job.refresh_from_db()
    assert job.status == "succeeded" and job.started_by is None
    assert start.start_reminders(day + datetime.timedelta(days=1)) is not None


def test_notification_e_mails_go_through_a_job(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    from goldenthread.core.services.notifications import notify

    world.member.email = "member@example.org"
    world.member.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [world.member], kind="feedback_received", subject="Hello", partnership=world.partnership
        )
    job = Job.objects.get(kind="email")
    assert job.status == "succeeded"
    assert [m.to for m in mailoutbox] == [[world.member.email]]


def test_the_worker_starts_the_reminders_after_their_time_once(world):
    from goldenthread.tasks.management.commands.run_worker import reminders_due

    at_seven = datetime.time(7, 0)
    morning = timezone.make_aware(datetime.datetime(2026, 1, 5, 6, 59))
    assert reminders_due(morning, at_seven) is None
    later = timezone.make_aware(datetime.datetime(2026, 1, 5, 7, 1))
    assert reminders_due(later, at_seven) == datetime.date(2026, 1, 5)
    Job.objects.create(kind="reminders", title="Reminders", scheduled_for=datetime.date(2026, 1, 5))
    assert reminders_due(later, at_seven) is None


def test_a_stalled_job_with_nothing_to_requeue_fails_and_can_be_retried(world):
    job = Job.objects.create(
        kind="export",
        title="Exporting",
        status=Job.Status.RUNNING,
        started_by=world.lead,
        partnership=world.partnership,
        attempts=1,
        heartbeat_at=timezone.now(),
        task_result_id="not-a-database-queue-id",
    )
    later = timezone.now() + datetime.timedelta(seconds=301)
    assert jobs.requeue_stalled(now=later) == []
    job.refresh_from_db()
    assert job.status == "failed" and "stopped before it finished" in job.failure
    start.retry(job=job, by=world.lead)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.attempts == 2
