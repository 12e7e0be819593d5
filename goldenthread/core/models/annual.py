"""The minimum requirements' yearly documents: the annual performance summary report and
the annual update form."""

from concurrency.fields import IntegerVersionField
from django.db import models
from simple_history.models import HistoricalRecords

from .deletion import keep_the_record
from .fields import LONG_TEXT, TEXT, LimitedTextField, YearRule
from .people import Partnership, User


def report_file_path(report: "AnnualReport", filename: str) -> str:
    # One name per edition and format: publishing again after a worker died mid-way
    # overwrites the file it left, never adds a second one.
    return f"annual-reports/{report.partnership_id}/{report.year}/{filename}"


class AnnualReport(models.Model):
    """An edition of a partnership's annual performance summary report. Publishing freezes
    it: the content and files are stored and never change; a correction is a new edition."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    partnership = models.ForeignKey(
        Partnership, on_delete=keep_the_record, related_name="annual_reports"
    )
    year = models.PositiveIntegerField(
        validators=[YearRule()], help_text="Financial year it starts, e.g. 2025 for 2025/26."
    )
    edition = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    commentary = LimitedTextField(
        "lead link officer's commentary", blank=True, max_length=LONG_TEXT
    )
    correction_note = LimitedTextField(
        blank=True, help_text="What a later edition corrects.", max_length=TEXT
    )
    snapshot = models.JSONField(
        null=True, blank=True, help_text="The frozen content, once published."
    )
    # In Django's storage (STORAGES["default"]), shared by every app server and worker.
    pdf = models.FileField(upload_to=report_file_path, blank=True, max_length=300)
    docx = models.FileField(upload_to=report_file_path, blank=True, max_length=300)
    published_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["pdf", "docx", "snapshot"])

    class Meta:
        ordering = ["partnership", "-year", "-edition"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "year", "edition"], name="one_report_edition"
            ),
            models.UniqueConstraint(
                fields=["partnership", "year"],
                condition=models.Q(status="draft"),
                name="one_draft_report_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} annual report {self.year}, edition {self.edition}"

    @property
    def is_kept_record(self) -> bool:
        return self.status == self.Status.PUBLISHED


class AnnualUpdateForm(models.Model):
    """The annual update form, completed by the partnership's lead link officer:
    draft → submitted → accepted, or returned with a reason → resubmitted."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        RETURNED = "returned", "Returned for changes"

    partnership = models.ForeignKey(
        Partnership, on_delete=keep_the_record, related_name="update_forms"
    )
    year = models.PositiveIntegerField(validators=[YearRule()])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    membership_changes = LimitedTextField(blank=True, max_length=LONG_TEXT)
    governance_changes = LimitedTextField(blank=True, max_length=LONG_TEXT)
    achievements = LimitedTextField(blank=True, max_length=LONG_TEXT)
    challenges = LimitedTextField(blank=True, max_length=LONG_TEXT)
    plan_status = LimitedTextField("the plan's status", blank=True, max_length=LONG_TEXT)
    self_assessment = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per minimum requirement: the officer's view and comment.",
    )
    system_use = LimitedTextField("use of the performance system", blank=True, max_length=LONG_TEXT)
    finance_summary = LimitedTextField(blank=True, max_length=LONG_TEXT)
    priorities = LimitedTextField("priorities for next year", blank=True, max_length=LONG_TEXT)
    submitted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    returned_reason = LimitedTextField(blank=True, max_length=TEXT)
    version = IntegerVersionField()

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["partnership", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "year"], name="one_update_form_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.partnership} annual update form {self.year}"

    @property
    def is_kept_record(self) -> bool:
        return self.status != self.Status.DRAFT or self.submitted_at is not None
