"""Page query counts do not grow with the number of partnerships, objectives or
indicators: each page is measured at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goldenthread.core.models import Action, Objective, Return, Role
from tests.conftest import add_member, make_indicator, make_partnership, make_plan


def grow(world, partnerships: int, objectives: int, indicators: int, tag: str) -> None:
    for p in range(partnerships):
        partnership = make_partnership(f"Extra {tag}{p}", world.council)
        add_member(partnership, world.member, Role.MEMBER, world.police)
        plan = make_plan(partnership)
        # An open return each, so "what I owe" on the home page grows too.
        Return.objects.create(
            round=world.ret.round, partnership=partnership, deadline=world.ret.deadline
        )
        for o in range(objectives):
            objective = Objective.objects.create(plan=plan, ref=f"O{o}", title=f"Aim {o}")
            objective.outcomes.add(world.outcome)
            Action.objects.create(objective=objective, ref="A1", title="Act", owner=world.member)
            for i in range(indicators):
                indicator = make_indicator(
                    partnership,
                    f"X{tag}{p}-{o}-{i}",
                    {"2024/25 Q4": ("10", "9"), "2025/26 Q1": ("10", "11")},
                    owner=world.member,
                )
                objective.indicators.add(indicator)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["home", "partnership"], ids=["home page", "partnership page"])
def test_query_count_does_not_grow(client, world, page, django_assert_num_queries):
    client.force_login(world.member)
    url = reverse(page) if page == "home" else None

    def target_url():
        if page == "home":
            return url
        return reverse("partnership", args=[world.member.partnerships.order_by("-pk")[0].pk])

    grow(world, partnerships=1, objectives=1, indicators=1, tag="s")
    small = count_queries(client, target_url())
    grow(world, partnerships=3, objectives=4, indicators=5, tag="l")
    large_url = target_url()
    with django_assert_num_queries(small):
        assert client.get(large_url).status_code == 200


def test_indicator_page_query_count_does_not_grow_with_history(
    client, world, django_assert_num_queries
):
    client.force_login(world.member)
    url = reverse("indicator", args=[world.indicator.pk])
    small = count_queries(client, url)
    long = make_indicator(
        world.partnership,
        "LONG",
        {
            f"{year}/{(year + 1) % 100:02d} Q{q}": ("10", "9")
            for year in range(2015, 2026)
            for q in (1, 2, 3, 4)
        },
    )
    world.objective.indicators.add(long)
    with django_assert_num_queries(small):
        assert client.get(reverse("indicator", args=[long.pk])).status_code == 200
