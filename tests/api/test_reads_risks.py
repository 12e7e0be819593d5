"""Risks through the API: scores, level, reviews, filters, another partnership's a 404."""

import datetime

from goldenthread.core.models import Risk, RiskReview

from .conftest import problem_of
from .reads import check_bounded


def test_a_risk_with_its_scores_and_reviews(world, api_as):
    RiskReview.objects.create(
        risk=world.risk,
        ret=world.ret,
        likelihood=2,
        impact=3,
        note="Funding confirmed for a year.",
        next_review=datetime.date(2026, 6, 30),
        by=world.member,
    )
    body = api_as(world.viewer).get(f"/risks/{world.risk.pk}").json()
    assert (body["inherent_score"], body["residual_score"], body["level"]) == (16, 8, "medium")
    assert body["status"] == "open" and body["owner"] == str(world.member)
    [review] = body["reviews"]
    assert (review["period"], review["score"], review["by"]) == ("2025/26 Q3", 6, str(world.member))


def test_risks_filters(world, api_as):
    Risk.objects.create(
        partnership=world.partnership,
        ref="R2",
        title="Closed one",
        inherent_likelihood=2,
        inherent_impact=2,
        residual_likelihood=1,
        residual_impact=1,
        is_open=False,
    )
    api = api_as(world.member)
    assert [r["ref"] for r in api.get("/risks/").json()["items"]] == ["R1", "R2"]
    assert [r["ref"] for r in api.get("/risks/", {"status": "closed"}).json()["items"]] == ["R2"]
    by_objective = api.get("/risks/", {"objective": world.objective.pk}).json()
    assert [r["ref"] for r in by_objective["items"]] == ["R1"]
    assert api.get("/risks/", {"owner": world.member.pk}).json()["count"] == 1


def test_another_partnerships_risk_is_not_found(world, api_as):
    api = api_as(world.outsider)
    response = api.get(f"/risks/{world.risk.pk}")
    assert response.status_code == 404
    problem_of(response)
    assert api.get("/risks/", {"partnership": world.partnership.pk}).status_code == 404
    assert api.get("/risks/", {"objective": world.objective.pk}).status_code == 404
    assert api.get("/risks/").json()["count"] == 0


def test_risk_reads_do_not_grow_with_rows(world, api_as, django_assert_max_num_queries):
    def add_rows():
        for n in range(2, 30):
            Risk.objects.create(
                partnership=world.partnership,
                ref=f"R{n}",
                title="Another",
                inherent_likelihood=3,
                inherent_impact=3,
                residual_likelihood=2,
                residual_impact=2,
                owner=world.lead,
            )

    body = check_bounded(api_as(world.viewer), "/risks/", add_rows, django_assert_max_num_queries)
    assert body["count"] == 29
