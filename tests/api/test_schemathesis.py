"""Schemathesis against the API's own OpenAPI description (issue 15, "Done means"): the
description is read from /api/v1/openapi.json through the WSGI application, in this
process, with the demo loaded and a read-and-write token of the performance team (who see
every partnership). Every operation gets a bounded number of generated requests, valid and
invalid, some with the ids of real demo objects in their paths; each response must not be
a server error, must have a status code, content type and body the description documents.

Writes without If-Match are refused with 428, which the description documents, so they
pass without changing anything; the database is rolled back after each operation anyway.
"""

import io
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client, override_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from goldenthread.api.main import api
from goldenthread.core.models import (
    Action,
    AnnualReport,
    ComparatorGroup,
    Indicator,
    Objective,
    Partnership,
    Plan,
    Result,
    Return,
    Risk,
    StrategicPlan,
    TokenScope,
    User,
)
from tests.api.conftest import token_for

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Generated requests per operation and kind (valid, invalid): enough to find a server error
# or an undocumented answer in each, few enough for the whole run to take under a minute.
EXAMPLES = 6
OPERATIONS = sorted(
    f"{method.upper()} {path}"
    for path, item in api.get_openapi_schema()["paths"].items()
    for method in item
)


@contextmanager
def in_this_transaction() -> Iterator[None]:
    """Let requests through the WSGI handler keep the test's database connection, as
    Django's own test client does: the handler would otherwise close it at each request,
    in the middle of the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def demo_ids() -> dict[str, object]:
    """A real object of the demo for each path parameter, so requests reach past the 404."""
    partnership = Partnership.objects.get(name="Community Safety Partnership")
    found: dict[str, object] = {
        "partnership_id": partnership.pk,
        "year": 2025,
        "strategic_plan_id": StrategicPlan.objects.order_by("pk").first(),
        "plan_id": Plan.objects.filter(partnership=partnership).order_by("-pk").first(),
        "objective_id": Objective.objects.filter(plan__partnership=partnership).first(),
        "indicator_id": Indicator.objects.filter(partnership=partnership).order_by("pk").first(),
        "result_id": Result.objects.filter(indicator__partnership=partnership).first(),
        "action_id": Action.objects.filter(objective__plan__partnership=partnership).first(),
        "risk_id": Risk.objects.filter(partnership=partnership).first(),
        "report_id": AnnualReport.objects.order_by("pk").first(),
        "return_id": Return.objects.filter(partnership=partnership).order_by("-pk").first(),
        "group_id": ComparatorGroup.objects.order_by("pk").first(),
    }
    ret = found["return_id"]
    if ret is not None:
        found["period"] = ret.period.label
    return {name: getattr(value, "pk", value) for name, value in found.items() if value is not None}


@pytest.fixture(scope="module")
def demo_api(django_db_setup, django_db_blocker):
    """The demo, a token, the schema: loaded once for the module, inside a transaction that
    is rolled back at its end (each test runs in a savepoint inside it)."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, in_this_transaction(), transaction.atomic():
        call_command("load_demo", "--if-empty", stdout=io.StringIO())
        performance = User.objects.get(username="performance")
        secret = token_for(performance, TokenScope.READ_WRITE, name="Schemathesis")
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        try:
            yield {"schema": schema, "secret": secret, "ids": demo_ids()}
        finally:
            transaction.set_rollback(True)


def test_every_operation_is_tested():
    assert "GET /api/v1/partnerships/" in OPERATIONS


@pytest.mark.parametrize("label", OPERATIONS)
def test_the_api_keeps_to_its_description(demo_api, db, settings_override, label):
    method, path = label.split(" ", 1)
    operation = demo_api["schema"][path][method]
    names = [p.name for p in operation.path_parameters]
    real = {name: demo_api["ids"][name] for name in names if name in demo_api["ids"]}
    strategies = [
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    ]
    if real:
        strategies.append(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=real)
        )
    headers = {"Authorization": f"Bearer {demo_api['secret']}"}
    failures: dict[str, str] = {}

    @given(case=st.one_of(strategies))
    @settings(
        max_examples=EXAMPLES * len(strategies),
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        with in_this_transaction():
            response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, BaseExceptionGroup) as found:  # collected, to report together
            for failure in getattr(found, "exceptions", [found]):
                lines = str(failure).strip().splitlines()[:14]
                key = f"{type(failure).__name__}: {lines[0] if lines else ''}"
                request = f"{case.method} {case.formatted_path}"
                failures.setdefault(key, "\n".join([key, *lines[1:], f"request: {request}"]))

    run()
    assert not failures, f"{label}:\n" + "\n\n".join(failures.values())


@pytest.fixture
def settings_override(settings):
    # Schemathesis sends far more requests a minute than any real client: no 429s here.
    settings.GT_API_REQUESTS_PER_MINUTE = 1_000_000


def test_the_readme_example_works_on_the_demo(demo_api, db, settings_override):
    """README.md, "The API": the lead reads the partnership's indicators, finds its open
    return, reads its ETag and posts the quarter's results of a monthly indicator in one
    call; the same again changes nothing; an old ETag is refused."""
    lead = User.objects.get(username="lead")
    auth = {"Authorization": f"Bearer {token_for(lead, TokenScope.READ_WRITE)}"}
    client = Client()
    partnership = client.get("/api/v1/partnerships/", headers=auth).json()["items"][0]
    assert partnership["name"] == "Community Safety Partnership"
    pid = partnership["id"]
    indicators = client.get(
        "/api/v1/indicators/", {"partnership": pid, "page_size": 500}, headers=auth
    ).json()["items"]
    assert indicators and all(i["code"].startswith("CS") for i in indicators)
    (ret,) = client.get(
        "/api/v1/returns/", {"partnership": pid, "status": "open"}, headers=auth
    ).json()["items"]
    read = client.get(f"/api/v1/returns/{ret['id']}", headers=auth)
    etag = read["ETag"]
    monthly = {i["code"] for i in indicators if i["frequency"] == "monthly"}
    due = [r for r in read.json()["results"] if r["indicator_code"] in monthly]
    code = due[0]["indicator_code"]
    rows = [
        {"indicator_code": code, "period": r["period"], "value": "12.5", "commentary": "Up."}
        for r in due
        if r["indicator_code"] == code
    ]
    assert len(rows) == 3  # the quarter's three months

    def post(tag: str):
        return client.post(
            f"/api/v1/returns/{ret['id']}/results",
            {"results": rows},
            content_type="application/json",
            headers={**auth, "If-Match": tag},
        )

    written = post(etag)
    assert written.status_code == 200, written.content
    assert written.json()["received"] == 3 and written.json()["changed"] == 3
    assert written["ETag"] != etag
    again = post(written["ETag"])
    assert again.status_code == 200 and again.json()["changed"] == 0
    assert post(etag).status_code == 412
