"""The daily reminders as a job (the send_reminders command's work). Each reminder is
recorded as sent in the transaction that sends it, so an attempt after a dead worker sends
only what the first did not."""

import io

from django.core.management import call_command

from goldenthread.core.models import Job
from goldenthread.core.services import jobs

from .base import step


def send(job: Job) -> None:
    step(job, 0, 1, "Sending the reminders due today")
    out = io.StringIO()
    call_command("send_reminders", today=job.scheduled_for, stdout=out)
    with jobs.finishing(job) as done:
        done.result_label = out.getvalue().strip().splitlines()[-1] if out.getvalue() else ""
