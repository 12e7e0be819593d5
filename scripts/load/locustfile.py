"""People of the large council (goldenthread.demo.large) using the product, for locust.

Each simulated person signs in through the real sign-in form (with its CSRF token) as a
person of their own: nine in ten as the lead of a partnership, one in ten as one of the
performance team. About 80 % of their requests read pages (home, partnership, indicator,
return; the council-wide page for the performance team) and 20 % save through the real
forms: a lead saves a draft of their partnership's open return and comments on an
indicator; the performance team comments on returns. Between two requests a person waits
1–5 s (GT_LOAD_NO_WAIT=1: not at all, to find the highest throughput).

Which accounts and pages exist comes from the JSON file named by GT_LOAD_PEOPLE (written
by scripts/benchmarks/load.py from the database): this process never imports Django, so
gevent's monkey-patching stays out of the Django processes.
"""

import json
import os
import random
from urllib.parse import urlencode

import load_forms
from locust import FastHttpUser, between, constant, task
from locust.exception import StopUser
from lxml import html

with open(os.environ["GT_LOAD_PEOPLE"]) as file:
    PEOPLE = json.load(file)
PASSWORD = PEOPLE["password"]
WAIT = constant(0) if os.environ.get("GT_LOAD_NO_WAIT") == "1" else between(1, 5)
RNG = random.Random()
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

# Accounts not in use: each simulated person takes one for as long as it runs, so no two
# of them save the same return at once (which would rightly be a conflict, not load).
free_leads = list(PEOPLE["leads"])
free_performance = list(PEOPLE["performance"])
signed_in = 0  # read by run.py to know when a step's people are all in


class Person(FastHttpUser):
    abstract = True
    wait_time = WAIT
    account: dict

    def take(self) -> dict:
        raise NotImplementedError

    def on_start(self) -> None:
        global signed_in
        self.account = self.take()
        page = self.client.get("/accounts/login/password/", name="sign in (form)")
        token = html.fromstring(page.text).xpath("//input[@name='csrfmiddlewaretoken']/@value")
        with self.client.post(
            "/accounts/login/password/",
            data=urlencode(
                {
                    "csrfmiddlewaretoken": token[0] if token else "",
                    "login": self.account["username"],
                    "password": PASSWORD,
                }
            ),
            headers=FORM,
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            refused = response.status_code != 302
            if refused:
                response.failure(f"sign-in answered {response.status_code}")
        if refused:
            raise StopUser()
        signed_in += 1

    def read(self, url: str, name: str, find=None):
        """GET a page; with `find`, what find(page) finds in it (a failure if nothing)."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{name} answered {response.status_code}")
                return None
            if find is None:
                return None
            found = find(response.text)
            if found is None:
                response.failure(f"{name}: no form to fill in")
            return found

    def comment(self, page_url: str, page_name: str, name: str) -> None:
        """Open a page, then (after a person's pause) add a comment through its form."""
        body = f"Load test comment {RNG.randint(1, 10**6)}."
        found = self.read(page_url, page_name, lambda page: load_forms.comment(page, body))
        if found is None:
            return
        action, fields = found
        self.wait()
        with self.client.post(
            action,
            data=urlencode(fields),
            headers=FORM,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{name} answered {response.status_code}")


class Lead(Person):
    """The lead of one partnership, filling in its return over the quarter."""

    weight = 9

    def take(self) -> dict:
        return free_leads.pop(0)

    def on_stop(self) -> None:
        free_leads.append(self.account)

    def an_indicator(self) -> int:
        return random.choice(self.account["indicators"])

    @task(1)
    def home(self) -> None:
        self.read("/", "home")

    @task(2)
    def partnership(self) -> None:
        self.read(f"/partnerships/{self.account['partnership']}/", "partnership")

    @task(2)
    def indicator(self) -> None:
        self.read(f"/indicators/{self.an_indicator()}/", "indicator")

    @task(1)
    def open_return(self) -> None:
        self.read(f"/returns/{self.account['return']}/", "return")

    @task(1)
    def save_return(self) -> None:
        url = f"/returns/{self.account['return']}/"
        typed = self.read(url, "return", lambda page: load_forms.return_draft(page, RNG))
        if typed is None:
            return
        self.wait()
        with self.client.post(
            url,
            data=urlencode(typed),
            headers=FORM,
            name="save return",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"save return answered {response.status_code}")

    @task(1)
    def comment_on_indicator(self) -> None:
        self.comment(f"/indicators/{self.an_indicator()}/", "indicator", "comment")


class Performance(Person):
    """One of the council performance team, looking across partnerships."""

    weight = 1

    def take(self) -> dict:
        return free_performance.pop(0)

    def on_stop(self) -> None:
        free_performance.append(self.account)

    def a_lead(self) -> dict:
        return random.choice(PEOPLE["leads"])

    @task(2)
    def council(self) -> None:
        self.read("/council/", "council")

    @task(1)
    def home(self) -> None:
        self.read("/", "home")

    @task(1)
    def partnership(self) -> None:
        self.read(f"/partnerships/{self.a_lead()['partnership']}/", "partnership")

    @task(1)
    def indicator(self) -> None:
        self.read(f"/indicators/{random.choice(self.a_lead()['indicators'])}/", "indicator")

    @task(1)
    def open_return(self) -> None:
        self.read(f"/returns/{self.a_lead()['return']}/", "return")

    @task(2)
    def comment_on_return(self) -> None:
        lead = self.a_lead()
        self.comment(f"/returns/{lead['return']}/", "return", "comment")
