"""A small team saving at once (issue 10): twelve people, signed in through the real
sign-in page, each save three comments, three lessons and three review meetings through
the real forms of a real, threaded server, all starting together, and nothing is lost.

The server runs in its own process on a database of its own (`live_database`: a SQLite
file, or a throw-away database on the test run's PostgreSQL server). pytest-django's SQLite test
database is in memory (shared cache), which does not lock like the file people run, so a
test against it would prove nothing about "database is locked"."""

import datetime
import http.client
import http.cookiejar
import json
import re
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from goldenthread.rules import Frequency, latest_ended
from tests.live import PROJECT, free_port, is_postgres, live_env, manage

CLIENTS = 12
EACH = 3  # saves of each kind (comment, lesson, review meeting) per client
SAVES = CLIENTS * EACH * 3  # 108: the issue asks for at least 100
PASSWORD = "concurrent-password-1"
REQUEST_TIMEOUT = 30  # seconds; above the SQLite busy timeout, so a wait is not a failure
DEADLINE = 120  # seconds for all the clients together; the test takes far less

# Run by `manage.py shell -c` on the server's database, after CLIENTS and PASSWORD.
# Prints the ids the forms need, as JSON.
SEED = """
import json
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from goldenthread.core.models import (
    Action, Indicator, Membership, Objective, Organisation, Partnership, Plan,
    ReportingRound, Return, Role, User,
)
from goldenthread.rules import Frequency, latest_ended

today = timezone.localdate()
quarter = latest_ended(Frequency.QUARTERLY, today)
council = Organisation.objects.create(name="Test Council", kind="council")
hashed = make_password(PASSWORD)  # once: the hasher is deliberately slow
people = [
    User.objects.create(
        username=f"writer{n:02}", first_name=f"Writer {n}", last_name="Tester",
        password=hashed, organisation=council,
    )
    for n in range(CLIENTS)
]
lead = people[0]
partnership = Partnership.objects.create(
    name="Busy Partnership", lead_organisation=council, lead_link_officer=lead
)
for person in people:
    Membership.objects.create(
        partnership=partnership, person=person, organisation=council,
        role=Role.LEAD if person == lead else Role.MEMBER,
    )
plan = Plan.objects.create(
    partnership=partnership, title="Busy plan", first_year=today.year - 1,
    last_year=today.year + 1, status=Plan.Status.APPROVED,
)
objective = Objective.objects.create(plan=plan, ref="O1", title="Fewer burglaries", owner=lead)
indicator = Indicator.objects.create(
    partnership=partnership, code="BP01", title="Burglaries", frequency="quarterly", owner=lead
)
objective.indicators.add(indicator)
action = Action.objects.create(
    objective=objective, ref="A1", title="Door-to-door visits", owner=lead,
    lead_organisation=council, start_date=quarter.start, due_date=quarter.end,
)
round_ = ReportingRound.objects.create(period=quarter, deadline=today)
ret = Return.objects.create(round=round_, partnership=partnership, deadline=today)
print(json.dumps({
    "usernames": [p.username for p in people],
    "partnership": partnership.pk,
    "indicator": indicator.pk,
    "action": action.pk,
    "return": ret.pk,
}))
"""

# What each save leaves in the database: (kind, author, text), kind naming a comment's
# subject. LEFT JOIN, so a row without its author shows up as a mismatch.
SAVED_ROWS = """
SELECT 'comment on ' || CASE WHEN c.indicator_id IS NOT NULL THEN 'indicator'
                             WHEN c.action_id IS NOT NULL THEN 'action'
                             ELSE 'return' END, u.username, c.body
  FROM core_comment c LEFT JOIN core_user u ON u.id = c.author_id
UNION ALL
SELECT 'lesson', u.username, l.title
  FROM core_lesson l LEFT JOIN core_user u ON u.id = l.created_by_id
UNION ALL
SELECT 'review meeting', u.username, m.went_well
  FROM core_reviewmeeting m LEFT JOIN core_user u ON u.id = m.created_by_id
"""

COMMENT_ON = ["indicator", "action", "return"]


@dataclass
class Server:
    url: str
    database_url: str
    ids: dict
    log: Path

    def output(self, chars: int = 6000) -> str:
        """The end of what the server wrote (request lines and tracebacks)."""
        text = self.log.read_text(errors="replace")
        return text[-chars:]


@pytest.fixture
def server(live_database, tmp_path) -> Iterator[Server]:
    """`manage.py runserver` (threaded) on a migrated, seeded database; always stopped."""
    env = live_env(live_database)
    seeded = manage(
        env, "shell", "--no-imports", "-c", f"CLIENTS = {CLIENTS}\nPASSWORD = {PASSWORD!r}\n{SEED}"
    )
    ids = json.loads(seeded.strip().splitlines()[-1])
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                f"127.0.0.1:{port}",
                "--noreload",
                "--skip-checks",
            ],
            cwd=PROJECT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", live_database, ids, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"The server stopped:\n{server.output()}"
            assert time.monotonic() < deadline, f"The server did not start:\n{server.output()}"
            try:
                with urllib.request.urlopen(server.url + reverse("login"), timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is the answer being checked, not something to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: its own cookies (session, CSRF), like a real one."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects()
        )

    def request(self, path: str, fields: dict | None = None) -> tuple[int, str]:
        """(status, page); a 3xx or an error page is an answer too."""
        data = None if fields is None else urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base_url + path, data=data)
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def submit(self, path: str, fields: dict) -> int:
        """Open the page with the form, then post the form with the page's CSRF token."""
        status, page = self.request(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            return status
        status, _ = self.request(path, {**fields, "csrfmiddlewaretoken": token.group(1)})
        return status


def saves(ids: dict, username: str, j: int) -> list[tuple[str, str, dict, tuple]]:
    """The j-th round of one person's saves: (what, page, form, row it should leave)."""
    today = timezone.localdate()
    on = COMMENT_ON[j]
    comment_page = reverse(f"{on}_comment", args=[ids[on]])
    comment = f"{username} comments on the {on} ({j})"
    lesson = f"{username} learned something ({j})"
    meeting = f"{username} recorded a meeting ({j})"
    return [
        (
            f"comment on the {on}",
            comment_page,
            {"body": comment, "next": comment_page},
            (f"comment on {on}", username, comment),
        ),
        (
            "lesson",
            reverse("lesson_create", args=[ids["partnership"]]),
            {
                "title": lesson,
                "what_happened": "Many people saved at once and nothing was lost.",
                "outcome": "worked",
                "source": "this_partnership",
                "source_detail": "",
                "tags": "concurrency",
            },
            ("lesson", username, lesson),
        ),
        (
            "review meeting",
            reverse("review_create", args=[ids["partnership"]]),
            {
                "period": latest_ended(Frequency.QUARTERLY, today).label,
                # Yesterday: held already, and after the start of the quarter reviewed.
                "held_on": (today - datetime.timedelta(days=1)).isoformat(),
                "went_well": meeting,
                "challenges": "",
                "decisions": "",
                "guests-TOTAL_FORMS": "0",
                "guests-INITIAL_FORMS": "0",
                "followups-TOTAL_FORMS": "0",
                "followups-INITIAL_FORMS": "0",
            },
            ("review meeting", username, meeting),
        ),
    ]


def saved_rows(database_url: str) -> list[tuple[str, str, str]]:
    """Read the server's database directly, not through the code under test."""
    if is_postgres(database_url):
        import psycopg

        with psycopg.connect(database_url, connect_timeout=10) as connection:
            rows = connection.execute(SAVED_ROWS).fetchall()
    else:
        path = database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path, timeout=10) as connection:
            rows = connection.execute(SAVED_ROWS).fetchall()
        connection.close()
    return sorted(tuple(row) for row in rows)


@pytest.mark.django_db  # so that pytest-django makes the test database live_database copies
def test_it_keeps_every_save_of_twelve_people_saving_at_once(server):
    usernames = server.ids["usernames"]
    assert len(usernames) == CLIENTS
    start = threading.Barrier(CLIENTS)
    answers: list[tuple[str, str, int | str]] = []  # (username, what, status or error)

    def person(username: str) -> None:
        browser = Browser(server.url)
        try:
            status = browser.submit(
                reverse("sign_in_password"), {"login": username, "password": PASSWORD, "next": ""}
            )
        except (OSError, http.client.HTTPException) as error:  # no answer, or half of one
            status = repr(error)
        answers.append((username, "sign in", status))
        start.wait(timeout=60)  # everyone signed in: all save at once
        if status != 302:
            return
        for j in range(EACH):
            for what, page, fields, _row in saves(server.ids, username, j):
                try:
                    status = browser.submit(page, fields)
                except (OSError, http.client.HTTPException) as error:
                    status = repr(error)
                answers.append((username, what, status))

    threads = [
        threading.Thread(target=person, args=[username], daemon=True) for username in usernames
    ]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, DEADLINE - (time.monotonic() - began)))
    took = time.monotonic() - began

    assert not any(thread.is_alive() for thread in threads), (
        f"Clients still waiting after {DEADLINE} s\n{server.output()}"
    )
    failures = [answer for answer in answers if answer[2] != 302]
    save_answers = [answer for answer in answers if answer[1] != "sign in"]
    assert not failures, (
        f"{len(failures)} of {len(answers)} requests failed "
        f"({sum(1 for a in save_answers if a[2] != 302)} of "
        f"{SAVES} saves) in {took:.1f} s; "
        f"{sum(1 for a in failures if a[2] == 500)} were 500s: {failures[:20]}\n"
        f"--- the server's output ---\n{server.output()}"
    )
    assert len(save_answers) == SAVES, f"Saves not tried: {answers}"

    expected = sorted(
        row
        for username in usernames
        for j in range(EACH)
        for _what, _page, _fields, row in saves(server.ids, username, j)
    )
    assert len(expected) == SAVES
    assert saved_rows(server.database_url) == expected
