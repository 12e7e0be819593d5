"""Indicators, targets and results through the API: what each says, filters (partnership,
indicator, period range as written, confirmation), another partnership's a 404, and
queries that do not grow with rows."""

from decimal import Decimal

from goldenthread.core.models import Indicator, Result, Return, Target
from goldenthread.rules import Period

from ..conftest import make_indicator
from .conftest import problem_of
from .reads import check_bounded, queries_of


def test_an_indicator_says_what_it_measures(world, api_as):
    Indicator.objects.filter(pk=world.indicator.pk).update(
        definition="Burglaries reported", unit="%", tolerance=Decimal("2.5")
    )
    body = api_as(world.viewer).get(f"/indicators/{world.indicator.pk}").json()
    assert body["code"] == "SS01" and body["definition"] == "Burglaries reported"
    assert (body["polarity"], body["frequency"], body["unit"]) == ("higher", "quarterly", "%")
    assert Decimal(body["tolerance"]) == Decimal("2.5") and body["tolerance_kind"] == "percent"
    assert body["owner_id"] == world.member.pk and body["owner"] == str(world.member)
    assert {o["id"] for o in body["objectives"]} == {world.objective.pk, world.draft_objective.pk}


def test_indicators_list_and_filters(world, api_as):
    make_indicator(world.partnership, "SS02", frequency="monthly", polarity="lower")
    api = api_as(world.member)
    every = api.get("/indicators/").json()
    assert [i["code"] for i in every["items"]] == ["SS01", "SS02"]
    monthly = api.get("/indicators/", {"frequency": "monthly"}).json()
    assert [i["code"] for i in monthly["items"]] == ["SS02"]
    serving = api.get("/indicators/", {"objective": world.objective.pk}).json()
    assert [i["code"] for i in serving["items"]] == ["SS01"]
    owned = api.get("/indicators/", {"owner": world.member.pk}).json()
    assert [i["code"] for i in owned["items"]] == ["SS01"]
    council = api_as(world.performance).get("/indicators/").json()
    assert [i["code"] for i in council["items"]] == ["OT01", "SS01", "SS02"]


def test_another_partnerships_indicator_and_its_figures_are_not_found(world, api_as):
    api = api_as(world.outsider)
    result = Result.objects.get(indicator=world.indicator, period=Period.parse("2025/26 Q2"))
    for path in (f"/indicators/{world.indicator.pk}", f"/results/{result.pk}"):
        response = api.get(path)
        assert response.status_code == 404
        problem_of(response)
    for path in ("/indicators/", "/targets/", "/results/"):
        assert api.get(path, {"partnership": world.partnership.pk}).status_code == 404
        if path != "/indicators/":
            assert api.get(path, {"indicator": world.indicator.pk}).status_code == 404
        own = api.get(path).json()
        assert own["count"] >= 1
        assert {row["partnership_id"] for row in own["items"]} == {world.other.pk}


def test_results_with_target_rag_and_confirmation(world, api_as):
    body = api_as(world.viewer).get("/results/", {"indicator": world.indicator.pk}).json()
    rows = [
        (
            r["period"],
            r["period_key"],
            Decimal(r["value"]),
            Decimal(r["target"]),
            r["rag"],
            r["confirmed"],
        )
        for r in body["items"]
    ]
    # 2025/26 Q3's return is open: its figure is not confirmed yet.
    assert rows == [
        ("2024/25 Q3", "2024-Q3", Decimal("98"), Decimal("100"), "amber", True),
        ("2025/26 Q2", "2025-Q2", Decimal("103"), Decimal("100"), "green", True),
        ("2025/26 Q3", "2025-Q3", Decimal("101"), Decimal("100"), "green", False),
    ]
    assert body["items"][0]["period_start"] == "2024-10-01"
    assert body["items"][0]["period_end"] == "2024-12-31"


def test_results_by_status(world, api_as):
    api = api_as(world.viewer)
    unconfirmed = api.get("/results/", {"status": "unconfirmed"}).json()
    assert [r["period"] for r in unconfirmed["items"]] == ["2025/26 Q3"]
    confirmed = api.get("/results/", {"status": "confirmed"}).json()
    assert [r["period"] for r in confirmed["items"]] == ["2024/25 Q3", "2025/26 Q2"]
    Return.objects.filter(pk=world.ret.pk).update(status=Return.Status.SIGNED_OFF)
    after = api.get("/results/", {"status": "confirmed", "partnership": world.partnership.pk})
    assert after.json()["count"] == 3
    everyone = api_as(world.performance).get("/results/", {"status": "confirmed"}).json()
    assert everyone["count"] == 4


def test_a_period_range_as_councils_write_it(world, api_as):
    monthly = make_indicator(
        world.partnership,
        "SS03",
        {"Mar 2025": ("1", "1"), "Apr 2025": ("1", "2"), "Jun 2025": ("1", "3")},
        frequency="monthly",
    )
    annual = make_indicator(
        world.partnership,
        "SS04",
        {"2024/25": ("1", "1"), "2025/26": ("1", "2")},
        frequency="annual",
    )
    api = api_as(world.viewer)

    def periods(**params):
        body = api.get("/results/", params).json()
        return [(r["indicator_code"], r["period"]) for r in body["items"]]

    assert periods(**{"from": "2025/26 Q1", "to": "2025/26 Q2"}) == [
        ("SS01", "2025/26 Q2"),
        ("SS03", "Apr 2025"),
        ("SS03", "Jun 2025"),
    ]
    # A whole year takes its quarters, months and the year itself.
    assert periods(**{"from": "2024/25", "to": "2024-25"}) == [
        ("SS01", "2024/25 Q3"),
        ("SS03", "Mar 2025"),
        ("SS04", "2024/25"),
    ]
    assert periods(**{"from": "Jun 2025", "indicator": monthly.pk}) == [("SS03", "Jun 2025")]
    assert periods(to="2024/25 Q4", indicator=annual.pk) == [("SS04", "2024/25")]
    targets = api.get("/targets/", {"from": "2025/26 Q3", "indicator": world.indicator.pk})
    assert [t["period"] for t in targets.json()["items"]] == ["2025/26 Q3"]


def test_an_unreadable_period_points_at_the_parameter(world, api_as):
    response = api_as(world.viewer).get("/results/", {"from": "spring"})
    assert response.status_code == 422
    [error] = problem_of(response)["errors"]
    assert error["pointer"] == "#/query/from"
    assert "2025/26 Q3" in error["detail"]


def test_results_and_indicators_do_not_grow_with_rows(world, api_as, django_assert_max_num_queries):
    api = api_as(world.viewer)

    def add_rows():
        for n in range(5, 25):
            make_indicator(
                world.partnership,
                f"X{n}",
                {f"2025/26 Q{q}": ("10", str(q)) for q in range(1, 5)},
                owner=world.member,
            ).objectives.add(world.objective)

    before = {path: queries_of(api, path) for path in ("/indicators/", "/targets/")}
    body = check_bounded(api, "/results/", add_rows, django_assert_max_num_queries)
    assert body["count"] == 83
    for path, count in before.items():
        with django_assert_max_num_queries(count):
            assert api.get(path).status_code == 200
    assert Target.objects.count() > 80
