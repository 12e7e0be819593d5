"""Who may start, see and retry background jobs, and the jobs a person sees.

A job is seen by the person who started it, the leads of its partnership and the council
performance team; anyone else gets 404, as for any object they may not see. Starting (and
retrying) a job needs what the work itself needs: publishing a report is a lead's, an
export a lead's or the performance team's (the whole council's, the performance team's
alone), a return spreadsheet is anyone's who may enter the return's results, comparator
data a lead's or the performance team's. E-mail and reminders are the system's own. The
archive of the whole database (core.archive), password hashes and secrets and all, is the
performance team's alone: to start, to see and to download."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .access import Need, allows, may_import_comparators
from .models import Job, JobKind, Membership, Partnership, Role, User

# Jobs the system starts itself: no person may start or retry them from a page.
SYSTEM_KINDS = {JobKind.EMAIL, JobKind.REMINDERS}


def _active(user: User) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def may_start(user: User | None, kind: str, partnership: Partnership | None) -> bool:
    if kind in SYSTEM_KINDS:
        return user is None
    if user is None or not _active(user):
        return False
    if kind == JobKind.PUBLISH_REPORT:
        return partnership is not None and allows(user, partnership, Need.LEAD)
    if kind == JobKind.EXPORT:
        if partnership is None:
            return user.is_performance_team
        return user.is_performance_team or allows(user, partnership, Need.LEAD)
    if kind == JobKind.ARCHIVE:
        return partnership is None and user.is_performance_team
    if kind == JobKind.RETURN_SHEET:
        return partnership is not None and allows(user, partnership, Need.CONTRIBUTE)
    if kind == JobKind.COMPARATORS:
        return may_import_comparators(user)
    return False


def may_see_job(user: User, job: Job) -> bool:
    if not _active(user):
        return False
    if job.kind == JobKind.ARCHIVE:
        # Whoever started it sees it only while they are still in the performance team.
        return user.is_performance_team
    if user.is_performance_team or job.started_by_id == user.pk:
        return True
    return job.partnership_id is not None and (
        Membership.objects.filter(
            person=user, partnership_id=job.partnership_id, role=Role.LEAD
        ).exists()
    )


def may_retry(user: User, job: Job) -> bool:
    return (
        job.status == Job.Status.FAILED
        and may_see_job(user, job)
        and may_start(user, job.kind, job.partnership)
    )


def get_job_for_user(user: User, pk: int) -> Job:
    job = get_object_or_404(Job.objects.select_related("partnership", "started_by"), pk=pk)
    if not may_see_job(user, job):
        raise Http404("Not found.")
    return job


def jobs_visible_to(user: User) -> QuerySet[Job]:
    if not _active(user):
        return Job.objects.none()
    if user.is_performance_team:
        return Job.objects.all()
    led = Membership.objects.filter(person=user, role=Role.LEAD).values("partnership_id")
    return Job.objects.filter(Q(started_by=user) | Q(partnership_id__in=led)).exclude(
        kind=JobKind.ARCHIVE
    )


def recent_jobs(user: User, limit: int = 20) -> list[Job]:
    """The person's own recent jobs, newest first."""
    jobs = Job.objects.filter(started_by=user)
    if not user.is_performance_team:
        jobs = jobs.exclude(kind=JobKind.ARCHIVE)
    return list(jobs.select_related("partnership").order_by("-pk")[:limit])
