"""Work done in the background (publishing a report, an export, a big import, e-mail): a
`Job` is what the person who asked for it sees, from queued to succeeded or failed, and
what a worker that picks it up again reads. The task queue (django-tasks) only carries the
job's id; everything a person is shown lives here."""

from django.db import models
from simple_history.models import HistoricalRecords

from .fields import TEXT, LimitedTextField
from .people import Partnership, User


class JobKind(models.TextChoices):
    PUBLISH_REPORT = "publish_report", "Publishing an annual report"
    EXPORT = "export", "Exporting data"
    ARCHIVE = "archive", "Exporting the whole database"
    RETURN_SHEET = "return_sheet", "Importing a return spreadsheet"
    COMPARATORS = "comparators", "Importing comparator data"
    EMAIL = "email", "Sending e-mail"
    REMINDERS = "reminders", "Sending reminders"


def job_file_path(job: "Job", filename: str) -> str:
    # Named by the job, so a second attempt overwrites the first's file, never adds one.
    return f"jobs/{job.pk}/{filename}"


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "In progress"
        SUCCEEDED = "succeeded", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=JobKind.choices)
    title = models.CharField(max_length=TEXT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_message = models.CharField(max_length=TEXT, blank=True)
    failure = LimitedTextField(
        blank=True, max_length=TEXT, help_text="Why it failed, in plain words."
    )
    problems = models.JSONField(
        default=list,
        blank=True,
        help_text="Where a file failed: [{row, column, message}], shown beside the reason.",
    )
    started_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="jobs"
    )
    params = models.JSONField(default=dict, blank=True)
    result_file = models.FileField(upload_to=job_file_path, blank=True, max_length=300)
    result_name = models.CharField(
        max_length=200, blank=True, help_text="The name the download is given."
    )
    result_url = models.CharField(max_length=500, blank=True)
    result_label = models.CharField(max_length=TEXT, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    scheduled_for = models.DateField(
        null=True, blank=True, help_text="The day a scheduled job (the reminders) is for."
    )
    request_id = models.CharField(max_length=64, blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # Progress and heartbeats are written with update() and make no history; the history
    # keeps who started, retried, and how each attempt ended.
    history = HistoricalRecords(
        excluded_fields=[
            "progress_done",
            "progress_total",
            "progress_message",
            "heartbeat_at",
            "problems",
        ]
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress_done__lte=models.F("progress_total"))
                | models.Q(progress_total=0),
                name="job_progress_within_total",
            ),
            # One scheduled job of a kind a day, however many workers try to start it.
            models.UniqueConstraint(
                fields=["kind", "scheduled_for"],
                condition=models.Q(scheduled_for__isnull=False),
                name="one_scheduled_job_a_day",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return round(100 * self.progress_done / self.progress_total)
