"""/healthz and /readyz, the request id and the JSON log lines."""

import datetime
import json
import logging

import pytest
from django.test import override_settings
from django.utils import timezone

from goldenthread.core import health
from goldenthread.core.logs import JsonFormatter, RequestIdFilter, use_request_id

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db
def test_healthz_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_says_what_it_checked(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"] == {"ok": True, "detail": "reachable"}
    assert body["checks"]["migrations"] == {"ok": True, "detail": "all applied"}
    assert body["checks"]["tasks"]["ok"] is True
    assert client.post("/readyz").status_code == 405


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_readyz_fails_when_tasks_wait_too_long(client):
    from django_tasks_db.models import DBTaskResult, get_date_max

    assert client.get("/readyz").status_code == 200
    stuck = DBTaskResult.objects.create(
        task_path="goldenthread.tasks.jobs.run_job",
        args_kwargs={"args": [], "kwargs": {}},
        run_after=get_date_max(),  # "as soon as possible", as enqueue() stores it
        backend_name="default",
        queue_name="default",
    )
    DBTaskResult.objects.filter(pk=stuck.pk).update(
        enqueued_at=timezone.now() - health.STUCK_AFTER - datetime.timedelta(minutes=1)
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "not ready"
    assert response.json()["checks"]["tasks"] == {
        "ok": False,
        "detail": "oldest waiting task queued 11 minutes ago",
    }
    # A task due later has not waited at all.
    DBTaskResult.objects.filter(pk=stuck.pk).update(
        run_after=timezone.now() + datetime.timedelta(hours=1)
    )
    assert client.get("/readyz").status_code == 200


def test_request_id_comes_back_and_reaches_the_log(client, caplog, db):
    caplog.set_level(logging.INFO, logger="goldenthread.request")
    response = client.get("/accounts/login/", headers={"X-Request-ID": "abc-123"})
    assert response["X-Request-ID"] == "abc-123"
    line = [r for r in caplog.records if r.name == "goldenthread.request"][-1]
    assert (line.method, line.path, line.status, line.user_id) == (
        "GET",
        "/accounts/login/",
        200,
        None,
    )

    # An id that is not plausible (too long, or with characters a log should not hold)
    # is replaced with a new one.
    response = client.get("/accounts/login/", headers={"X-Request-ID": "x\n" + "y" * 100})
    assert len(response["X-Request-ID"]) == 32 and "\n" not in response["X-Request-ID"]
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


def test_json_log_lines_carry_the_request_id():
    record = logging.LogRecord(
        "goldenthread.tasks", logging.WARNING, __file__, 1, "sent %s", ("3",), None
    )
    record.job = 7
    with use_request_id("req-9"):
        RequestIdFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "sent 3"
    assert entry["request_id"] == "req-9"
    assert entry["level"] == "WARNING" and entry["logger"] == "goldenthread.tasks"
    assert entry["job"] == 7
    assert entry["time"].endswith("+00:00")
