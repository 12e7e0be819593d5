"""Publishing an annual report: the year's content frozen, with its PDF and Word files in
storage, in the transaction that marks the job done. A worker that dies mid-way leaves
nothing published (the files it may have written are named by edition, so the next attempt
overwrites them), and the next attempt publishes once."""

from django.urls import reverse

from goldenthread.core.models import Job
from goldenthread.core.services import annual_reports, jobs
from goldenthread.documents.annual_report import annual_report_files
from goldenthread.rules import year_label

from .base import step

STEPS = 3


def publish(job: Job) -> None:
    partnership, year = job.partnership, int(job.params["year"])
    step(job, 0, STEPS, f"Reading the {year_label(year)} figures")
    step(job, 1, STEPS, "Rendering the PDF and Word files")
    with jobs.finishing(job) as done:
        report = annual_reports.publish_report(
            partnership=partnership, year=year, by=job.started_by, render=annual_report_files
        )
        done.result_url = (
            reverse("annual_report", args=[partnership.pk, year]) + f"?edition={report.edition}"
        )
        done.result_label = f"Edition {report.edition} of the {year_label(year)} report"
