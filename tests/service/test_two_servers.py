"""Past one machine, simulated on loopback: two gunicorn app servers on two ports, one task
worker and one database (the run's PostgreSQL, or a SQLite file on the SQLite run), all on
127.0.0.1. A person's requests alternate between the servers as a load balancer's would,
and everything that must be shared is: the session, rate-limit counters (in the database
cache), files in storage and task results; stopping a server or the worker loses nothing."""

import html
import io
import json
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse

from tests.live import PYTHON, Browser, Process, copy_of, gunicorn, live_env, manage, start

# pytest-django makes the test database, which live_template copies, only for such a test.
pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "two-servers-password-1"
LOGIN = "/accounts/login/"
PASSWORD_PAGE = "/accounts/login/password/"  # step 2 of signing in

# A partnership with a lead, a member and a viewer (the demo would take a minute to load in
# a process of its own, with the real password hasher).
SEED = f"""
from django.contrib.auth.hashers import make_password
from goldenthread.core.models import Membership, Organisation, Partnership, Role, User

council = Organisation.objects.create(name="Test Council", kind="council")
hashed = make_password({DEMO_PASSWORD!r})
people = {{
    name: User.objects.create(
        username=name, first_name=name.title(), last_name="Tester", password=hashed,
        organisation=council,
    )
    for name in ("lead", "member", "viewer")
}}
partnership = Partnership.objects.create(
    name="Community Safety Partnership", lead_organisation=council,
    lead_link_officer=people["lead"],
)
for name, role in (("lead", Role.LEAD), ("member", Role.MEMBER), ("viewer", Role.VIEWER)):
    Membership.objects.create(
        partnership=partnership, person=people[name], organisation=council, role=role
    )
"""


@dataclass
class Cluster:
    a: Process
    b: Process
    worker: Process
    env: dict[str, str]
    folder: Path

    def servers(self) -> list[Process]:
        return [self.a, self.b]


@pytest.fixture(scope="module")
def cluster(live_template, tmp_path_factory):
    """One cluster for the tests in this file, in order: starting two servers and a worker
    and loading the demo take half a minute. The tests that stop something come last."""
    folder = tmp_path_factory.mktemp("cluster")
    with copy_of(live_template, folder) as database:
        env = live_env(
            database,
            GT_TASKS="database",
            GT_MEDIA_ROOT=str(folder / "media"),  # one folder both servers reach
            GT_WORKERS="1",
            GT_THREADS="4",
            GT_TASK_LEASE="5",
            GT_DB_POOL="4",  # PostgreSQL: each process's connections from its own pool
            GT_LOG_FORMAT="json",
            GT_LOG_LEVEL="INFO",
        )
        manage(env, "shell", "--no-imports", "-c", SEED)
        processes: list[Process] = []
        try:
            processes.append(gunicorn(env, folder, "app-a"))
            processes.append(gunicorn(env, folder, "app-b"))
            processes.append(start("worker", [PYTHON, "manage.py", "run_worker"], env, folder))
            yield Cluster(*processes, env=env, folder=folder)
        finally:
            for process in processes:
                process.stop()


def sign_in(browser: Browser, form_on: Process, post_to: Process, username: str, password: str):
    return browser.submit(
        form_on.url + PASSWORD_PAGE,
        {"login": username, "password": password},
        to=post_to.url + PASSWORD_PAGE,
    )


def test_a_session_works_whichever_server_answers(cluster):
    person = Browser()
    # The sign-in form from one server, posted to the other: the CSRF cookie is shared.
    status, headers, _ = sign_in(person, cluster.a, cluster.b, "lead", DEMO_PASSWORD)
    assert status == 302, "sign-in refused"
    for n in range(6):
        server = cluster.servers()[n % 2]
        status, page = person.page(server.url + "/")
        assert status == 200, (server.name, status)
        assert "Sign out" in page and "Community Safety" in page

    # Signing out on one server signs out on both.
    token = person.csrf_token(cluster.a.url + "/")
    status, _, _ = person.request(
        cluster.b.url + "/accounts/logout/", {"csrfmiddlewaretoken": token}
    )
    assert status == 302
    for server in cluster.servers():
        status, headers, _ = person.request(server.url + "/")
        assert status == 302 and headers["Location"].startswith(LOGIN), server.name


def test_rate_limits_are_counted_across_servers(cluster):
    guesser = Browser()
    for n in range(10):
        server = cluster.servers()[n % 2]
        status, _, body = sign_in(guesser, server, server, "viewer", f"wrong-{n}")
        assert status == 200
        assert "password you specified are not correct" in html.unescape(body.decode())
    # Ten failures, five on each server: the right password is now refused on both.
    for server in cluster.servers():
        status, _, body = sign_in(guesser, server, server, "viewer", DEMO_PASSWORD)
        assert status == 200, server.name
        assert "Too many failed attempts to sign in" in html.unescape(body.decode())
    # Another person is not affected.
    status, _, _ = sign_in(Browser(), cluster.b, cluster.b, "member", DEMO_PASSWORD)
    assert status == 302


def job_state(cluster: Cluster, job_id: int) -> dict:
    return json.loads(
        shell(
            cluster,
            f"import json; j = Job.objects.get(pk={job_id}); "
            "print(json.dumps({'status': j.status, 'attempts': j.attempts, "
            "'file': j.result_file.name, 'done': j.progress_done}))",
        )
    )


def wait_for_job(person: Browser, cluster: Cluster, job_url: str, timeout: float = 120) -> str:
    """Polls the job's page, alternating servers, until it says it has finished; returns
    the last page."""
    deadline = time.monotonic() + timeout
    n = 0
    while True:
        server = cluster.servers()[n % 2]
        n += 1
        status, page = person.page(server.url + job_url)
        assert status == 200, (server.name, status)
        if "govuk-panel__title" in page or "It did not work" in page:
            return page
        assert time.monotonic() < deadline, f"job not done:\n{cluster.worker.output()}"
        time.sleep(0.5)


def start_export(person: Browser, cluster: Cluster, partnership: int) -> str:
    """The lead asks for the partnership's export on server a; returns the job page's path."""
    form = reverse("partnership_export", args=[partnership])
    status, headers, _ = person.submit(cluster.a.url + form, {})
    assert status == 302, status
    assert re.fullmatch(r"/jobs/\d+/", headers["Location"]), headers["Location"]
    return headers["Location"]


def test_tasks_and_files_work_whichever_server_answers(cluster):
    """An export started on a is done by the worker, followed on both servers and
    downloaded from b: the result file is in the storage both reach."""
    person = Browser()
    assert sign_in(person, cluster.a, cluster.b, "lead", DEMO_PASSWORD)[0] == 302
    partnership = community_safety(cluster)
    job_url = start_export(person, cluster, partnership)
    page = wait_for_job(person, cluster, job_url)
    assert "Download" in page, page
    for server in cluster.servers():
        status, headers, body = person.request(server.url + job_url + "download")
        assert status == 200, server.name
        assert "attachment" in headers["Content-Disposition"]
        with zipfile.ZipFile(io.BytesIO(body)) as export:
            assert any(name.endswith(".csv") for name in export.namelist())
    job_id = int(job_url.strip("/").split("/")[-1])
    state = job_state(cluster, job_id)
    assert (state["status"], state["attempts"]) == ("succeeded", 1)
    assert (cluster.folder / "media" / state["file"]).is_file()
    # The worker logged the request's id: the id of the click that started the export.
    started = [
        entry
        for entry in log_entries(cluster.a)
        if entry.get("path") == reverse("partnership_export", args=[partnership])
        and entry.get("method") == "POST"
    ]
    assert started
    assert started[-1]["request_id"] in {
        entry.get("request_id") for entry in log_entries(cluster.worker)
    }, cluster.worker.output()


def test_a_worker_killed_mid_task_loses_nothing(cluster):
    """The worker is killed (SIGKILL, as when its machine is lost) while an export runs;
    a worker started on another "machine" takes the job up again once its lease has run
    out, and the export is made once."""
    cluster.worker.kill()
    slow = start(
        "slow-worker",
        [PYTHON, "manage.py", "run_worker"],
        {**cluster.env, "GT_TASK_STEP_DELAY": "1"},
        cluster.folder,
    )
    person = Browser()
    assert sign_in(person, cluster.b, cluster.a, "lead", DEMO_PASSWORD)[0] == 302
    job_url = start_export(person, cluster, community_safety(cluster))
    job_id = int(job_url.strip("/").split("/")[-1])
    deadline = time.monotonic() + 60
    while (state := job_state(cluster, job_id))["status"] != "running" or not state["done"]:
        assert time.monotonic() < deadline, slow.output()
        time.sleep(0.3)
    slow.kill()
    assert job_state(cluster, job_id)["status"] == "running"  # nobody told it: it just died
    cluster.worker = start(
        "worker-2", [PYTHON, "manage.py", "run_worker"], cluster.env, cluster.folder
    )
    page = wait_for_job(person, cluster, job_url, timeout=120)
    assert "Download" in page, page
    state = job_state(cluster, job_id)
    assert (state["status"], state["attempts"]) == ("succeeded", 2)
    # One file for the job, however many attempts: a retry overwrites, never adds.
    made = list((cluster.folder / "media" / "jobs" / str(job_id)).iterdir())
    assert made == [cluster.folder / "media" / state["file"]]


def community_safety(cluster: Cluster) -> int:
    return int(
        shell(cluster, "print(Partnership.objects.get(name__startswith='Community Safety').pk)")
    )


def log_entries(process: Process) -> list[dict]:
    entries = []
    for line in process.output(2_000_000).splitlines():
        if line.startswith("{"):
            try:
                entries.append(json.loads(line))
            except ValueError:
                continue
    return entries


def test_stopping_one_server_loses_nothing(cluster):
    """A person opens a form on server a; a is stopped; the load balancer sends the post
    to b, which saves it: the session and CSRF token are shared, nothing is lost."""
    person = Browser()
    assert sign_in(person, cluster.a, cluster.a, "lead", DEMO_PASSWORD)[0] == 302
    partnership = community_safety(cluster)
    form = reverse("lesson_create", args=[partnership])
    token = person.csrf_token(cluster.a.url + form)
    cluster.a.stop()
    assert not cluster.a.alive()
    fields = {
        "title": "Two servers, one lesson",
        "what_happened": "The server that showed the form was stopped before it was sent.",
        "outcome": "worked",
        "source": "this_partnership",
        "source_detail": "",
        "tags": "resilience",
        "csrfmiddlewaretoken": token,
    }
    status, headers, _ = person.request(cluster.b.url + form, fields)
    assert status == 302, status
    assert (
        shell(
            cluster,
            "l = Lesson.objects.get(title='Two servers, one lesson'); "
            "h = l.history.first(); "
            "print(l.created_by.username, l.history.count(), h.history_user.username)",
        )
        == "lead 1 lead"
    )
    status, page = person.page(cluster.b.url + headers["Location"])
    assert status == 200 and "Two servers, one lesson" in page


def shell(cluster: Cluster, code: str) -> str:
    """Runs `code` in `manage.py shell` on the cluster's database; its last line printed."""
    out = manage(cluster.env, "shell", "-c", code)
    return out.strip().splitlines()[-1]
