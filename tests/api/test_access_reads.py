"""Walks every GET operation in the OpenAPI description, so an endpoint added later is
covered without anyone remembering to add it here (as tests/web/test_access.py walks the
pages). For each: anonymous → 401; a person of another partnership, or of none → 404 for
the partnership's objects, and lists without a thing of the partnership's; viewer, member,
lead and the performance team → 200, as on the pages (every page that reads is open to
viewers and above)."""

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from goldenthread.api.main import api
from goldenthread.core.models import AnnualReport, Area, ComparatorGroup, ComparatorValue
from goldenthread.rules import Period

from .conftest import PREFIX

SCHEMA = api.get_openapi_schema()
GETS = sorted(path for path, operations in SCHEMA["paths"].items() if "get" in operations)

# Which world (or sample) object stands for each path parameter.
SAMPLES = {
    "partnership_id": "partnership",
    "plan_id": "plan",
    "objective_id": "objective",
    "action_id": "action",
    "indicator_id": "indicator",
    "risk_id": "risk",
    "strategic_plan_id": "strategy",
    "return_id": "ret",
    "result_id": "result",
    "report_id": "report",
    "group_id": "group",
    "year": "2025",  # not an object: used as it is
    "period": "2025-Q3",
}

# Council-wide: anyone signed in reads them (core.access.get_strategic_plan_for_user;
# core.benchmarking: comparator areas and groups are shared by every partnership).
COUNCIL_WIDE = ("/strategic-plans", "/comparators/areas", "/comparators/groups")

# The least role that may read each operation, where it is not "viewer" (the pages' rule
# for every read), with the roles it lets in and those it refuses, as test_access.LADDER.
LADDER = {"viewer": (["viewer", "member", "lead", "performance"], [])}
MINIMUM: dict[str, str] = {}


@pytest.fixture
def samples(world) -> dict[str, Any]:
    """The world's objects, and a result, a published report, a comparator group and the
    2025/26 health check."""
    report = AnnualReport.objects.create(
        partnership=world.partnership,
        year=2024,
        status=AnnualReport.Status.PUBLISHED,
        snapshot={},
        published_at=timezone.now(),
    )
    report.pdf.save("report.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    group = ComparatorGroup.objects.create(name="Nearest neighbours")
    area = Area.objects.create(code="E08000007", name="Stockport")
    group.areas.add(area)
    ComparatorValue.objects.create(
        indicator=world.indicator, area=area, period=Period.parse("2025/26 Q2"), value=Decimal(9)
    )
    world.health_check  # noqa: B018 (made on first use: the health-check reads need a year)
    found = {name: getattr(world, name) for name in vars(world)}
    found.update(
        result=world.indicator.results.order_by("period").first(),
        report=report,
        group=group,
    )
    return found


def path_for(template: str, samples: dict[str, Any]) -> str:
    params = re.findall(r"{(\w+)}", template)
    missing = [p for p in params if p not in SAMPLES]
    assert not missing, f"Add a sample for path parameter(s) {missing} in test_access_reads.py"
    path = template
    for p in params:
        sample = samples.get(SAMPLES[p], SAMPLES[p])
        path = path.replace("{" + p + "}", str(getattr(sample, "pk", sample)))
    return path.removeprefix(PREFIX)


def query_names(template: str) -> set[str]:
    parameters = SCHEMA["paths"][template]["get"].get("parameters", [])
    return {p["name"] for p in parameters if p["in"] == "query"}


def partnership_ids(body: Any) -> set[int]:
    """Every partnership a response names: `partnership_id`s, and partnerships' own ids."""
    found: set[int] = set()
    if isinstance(body, dict):
        if "partnership_id" in body:
            found.add(body["partnership_id"])
        for value in body.values():
            found |= partnership_ids(value)
    elif isinstance(body, list):
        for value in body:
            found |= partnership_ids(value)
    return found


def test_it_walks_the_reads():
    assert {
        "/api/v1/indicators/{indicator_id}",
        "/api/v1/results/",
        "/api/v1/compliance/{partnership_id}/{year}",
        "/api/v1/annual-reports/{report_id}",
    } <= set(GETS)


@pytest.mark.parametrize("template", GETS)
def test_anonymous_is_401(world, samples, api_as, template):
    response = api_as(None).get(path_for(template, samples))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("template", GETS)
def test_people_outside_the_partnership(world, samples, api_as, template):
    path = path_for(template, samples)
    council_wide = template.removeprefix(PREFIX).startswith(COUNCIL_WIDE)
    for person in (world.outsider, world.nobody):
        caller = api_as(person)
        response = caller.get(path)
        if "{" in template and not council_wide:
            assert response.status_code == 404, f"{person} reached {path}"
            assert response.json()["detail"] == "Not found."
            continue
        assert response.status_code == 200, f"{person} could not read {path}"
        assert world.partnership.pk not in partnership_ids(response.json()), path
        if template == f"{PREFIX}/partnerships/":
            assert world.partnership.pk not in {p["id"] for p in response.json()["items"]}
        if "partnership" in query_names(template):
            # Filtering by a partnership one may not see: a 404 (as its own URL would be),
            # or an empty list; never its things.
            asked = caller.get(path, {"partnership": world.partnership.pk})
            assert asked.status_code in (200, 404), path
            if asked.status_code == 200:
                assert asked.json()["count"] == 0, f"{person} filtered {path} by the partnership"


@pytest.mark.parametrize("template", GETS)
def test_the_right_roles_read(world, samples, api_as, template):
    path = path_for(template, samples)
    allowed, refused = LADDER[MINIMUM.get(template, "viewer")]
    for role in allowed:
        response = api_as(world.person(role)).get(path)
        assert response.status_code == 200, f"{role} could not read {path}"
        body = response.json()
        if "items" in body and not template.removeprefix(PREFIX).startswith(COUNCIL_WIDE):
            # The lists hold the partnership's things for everyone who may see it.
            assert body["count"] >= 1, f"{role} sees nothing at {path}"
    for role in refused:
        assert api_as(world.person(role)).get(path).status_code in (403, 404)


def test_a_sample_exists_for_each_kind(samples):
    assert samples["result"] is not None and samples["report"].pdf
    assert samples["ret"].deadline >= datetime.date(2026, 1, 1)
