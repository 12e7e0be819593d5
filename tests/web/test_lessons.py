"""The lessons-learned pages: recording and editing a lesson (who may, what the form
checks, what the history says), reading it, and searching across partnerships without ever
showing a lesson of a partnership the person may not see. The rules and the services:
tests/core/test_lessons.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goldenthread.core.models import Lesson, Objective, Role
from goldenthread.core.services.lessons import update_lesson
from tests.conftest import add_lesson, add_member, make_partnership, make_plan


@pytest.fixture(autouse=True)
def empty_log(world):
    # The world may carry a sample lesson for the URL walk; these tests count their own.
    Lesson.objects.all().delete()


def valid_post(world, **changes) -> dict:
    data = {
        "title": "Joint visits with the fire service",
        "what_happened": "Fire officers joined our door-knocking and more homes opened up.",
        "outcome": "worked",
        "source": "other_organisation",
        "source_detail": "Test Fire and Rescue",
        "tags": " Burglary ,home safety, burglary,, ",
        "objectives": [str(world.objective.pk)],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def search(client, user, **params):
    client.force_login(user)
    return client.get(reverse("lesson_search"), params)


# --- Recording a lesson --------------------------------------------------------------------


def test_it_records_a_lesson(client, world):
    client.force_login(world.member)
    response = client.post(reverse("lesson_create", args=[world.partnership.pk]), valid_post(world))
    lesson = Lesson.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("lesson_detail", args=[lesson.pk])
    assert lesson.partnership == world.partnership
    assert lesson.tags == "burglary, home safety"
    assert lesson.tag_list == ["burglary", "home safety"]
    assert lesson.source == Lesson.Source.OTHER_ORGANISATION
    assert lesson.source_detail == "Test Fire and Rescue"
    assert list(lesson.objectives.all()) == [world.objective]
    assert lesson.created_by == world.member
    record = lesson.history.first()
    assert record.history_user == world.member
    assert record.history_change_reason == "Lesson recorded"


def test_it_shows_the_form(client, world):
    client.force_login(world.lead)
    response = client.get(reverse("lesson_create", args=[world.partnership.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Record a lesson" in html
    # Objectives of the approved and draft plans; none of another partnership's.
    assert f'value="{world.objective.pk}"' in html
    assert f'value="{world.draft_objective.pk}"' in html
    other = Objective.objects.get(plan__partnership=world.other)
    assert f'value="{other.pk}"' not in html


@pytest.mark.parametrize("role", ["viewer", "performance", "outsider"])
def test_only_leads_and_members_record_lessons(client, world, role):
    client.force_login(world.person(role))
    url = reverse("lesson_create", args=[world.partnership.pk])
    assert client.post(url, valid_post(world)).status_code in (403, 404)
    assert not Lesson.objects.exists()


def test_an_empty_form_says_what_is_missing(client, world):
    client.force_login(world.member)
    response = client.post(reverse("lesson_create", args=[world.partnership.pk]), {})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Record a lesson" in html
    assert "Enter a title for the lesson" in html
    assert "Enter what happened" in html
    assert "Choose whether it worked, did not work or had mixed results" in html
    assert "Choose where the lesson came from" in html
    assert not Lesson.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"source": "another_partnership", "source_detail": ""}, "Enter which partnership"),
        ({"source": "other_sector", "source_detail": "  "}, "Enter which sector"),
        ({"outcome": "brilliant"}, "Choose whether it worked"),
        ({"tags": ", ".join(f"tag number {n}" for n in range(40))}, "300 characters or fewer"),
        ({"objectives": ["999999"]}, "approved or draft plan"),
        ({"title": "x" * 301}, "The title must be 300 characters or fewer"),
    ],
)
def test_bad_input_is_refused_and_kept(client, world, changes, message):
    client.force_login(world.member)
    response = client.post(
        reverse("lesson_create", args=[world.partnership.pk]), valid_post(world, **changes)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Fire officers joined our door-knocking" in html  # what was typed is kept
    assert not Lesson.objects.exists()


def test_an_objective_of_another_partnership_cannot_be_linked(client, world):
    other = Objective.objects.get(plan__partnership=world.other)
    client.force_login(world.member)
    response = client.post(
        reverse("lesson_create", args=[world.partnership.pk]),
        valid_post(world, objectives=[str(other.pk)]),
    )
    assert response.status_code == 200
    assert not Lesson.objects.exists()
    with pytest.raises(Exception, match="approved or draft plan"):
        add_lesson(world.partnership, world.member, "Sneaky", objectives=[other])


# --- Editing -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "lead"])
def test_the_author_or_a_lead_edits_a_lesson(client, world, role):
    lesson = add_lesson(world.partnership, world.member, "Patrols", tags="youth")
    client.force_login(world.person(role))
    url = reverse("lesson_edit", args=[lesson.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        valid_post(world, title="Patrols with youth workers", tags="Youth, patrols", objectives=[]),
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.title == "Patrols with youth workers"
    assert lesson.tags == "youth, patrols"
    assert list(lesson.objectives.all()) == []
    record = lesson.history.first()
    assert record.history_user == world.person(role)
    assert record.history_change_reason.startswith("Changed title, what happened")
    assert "tags" in record.history_change_reason


@pytest.mark.parametrize("role", ["other_member", "viewer", "performance", "outsider"])
def test_others_cannot_edit_a_lesson(client, world, role):
    lesson = add_lesson(world.partnership, world.member, "Patrols")
    client.force_login(world.person(role))
    url = reverse("lesson_edit", args=[lesson.pk])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, valid_post(world)).status_code in (403, 404)
    lesson.refresh_from_db()
    assert lesson.title == "Patrols"


def test_editing_keeps_a_link_to_a_superseded_objective(client, world):
    lesson = add_lesson(world.partnership, world.member, "Old link", objectives=[world.objective])
    world.plan.status = "superseded"
    world.plan.save()
    client.force_login(world.member)
    response = client.get(reverse("lesson_edit", args=[lesson.pk]))
    assert f'value="{world.objective.pk}" id' in response.content.decode()
    update_lesson(lesson=lesson, by=world.member, title="Old link kept")
    assert list(lesson.objectives.all()) == [world.objective]


# --- Reading -------------------------------------------------------------------------------


def test_a_viewer_reads_a_lesson(client, world):
    lesson = add_lesson(
        world.partnership,
        world.member,
        "Patrols",
        tags="youth, patrols",
        objectives=[world.objective],
    )
    client.force_login(world.viewer)
    response = client.get(reverse("lesson_detail", args=[lesson.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Patrols" in html
    assert f"{reverse('lesson_search')}?tag=youth" in html
    assert f"{reverse('plan_detail', args=[world.plan.pk])}#objective-{world.objective.pk}" in html
    assert "Edit the lesson" not in html


def test_an_outsider_cannot_read_a_lesson(client, world):
    lesson = add_lesson(world.partnership, world.member, "Patrols")
    client.force_login(world.outsider)
    assert client.get(reverse("lesson_detail", args=[lesson.pk])).status_code == 404


# --- Searching ---------------------------------------------------------------------------


@pytest.fixture
def two_logs(world):
    ours = add_lesson(
        world.partnership,
        world.member,
        "Youth workers on Friday patrols",
        what_happened="Antisocial behaviour fell while youth workers joined the patrols.",
        tags="youth, antisocial behaviour",
        objectives=[world.objective],
    )
    mediation = add_lesson(
        world.partnership,
        world.lead,
        "Mediation letters",
        what_happened="Letters alone got few replies; phone calls worked.",
        outcome="did_not_work",
        source="other_organisation",
        source_detail="Riverside Housing",
        tags="mediation, housing",
    )
    theirs = add_lesson(
        world.other,
        world.outsider,
        "Secret youth scheme of the other partnership",
        what_happened="Only the other partnership may read this.",
        tags="youth, secret",
    )
    return ours, mediation, theirs


def titles(response) -> list[str]:
    return [hit.lesson.title for hit in response.context["results"].hits]


def test_people_only_find_lessons_of_partnerships_they_see(client, world, two_logs):
    ours, mediation, theirs = two_logs
    assert set(titles(search(client, world.member))) == {ours.title, mediation.title}
    assert set(titles(search(client, world.viewer, q="youth"))) == {ours.title}
    assert titles(search(client, world.outsider, q="youth")) == [theirs.title]
    assert set(titles(search(client, world.performance, q="youth"))) == {ours.title, theirs.title}
    response = search(client, world.nobody)
    assert response.status_code == 200
    assert titles(response) == []


def test_an_outsider_never_sees_another_partnerships_lesson(client, world, two_logs):
    ours, mediation, theirs = two_logs
    for params in ({}, {"q": "youth"}, {"tag": "youth"}, {"partnership": world.partnership.pk}):
        html = search(client, world.outsider, **params).content.decode()
        assert ours.title not in html
        assert mediation.title not in html
        assert world.partnership.name not in html
    assert titles(search(client, world.outsider, partnership=world.other.pk)) == [theirs.title]
    # Another partnership's filter is refused like any unknown value.
    response = search(client, world.outsider, partnership=world.partnership.pk)
    assert response.context["results"] is None
    assert "Choose a partnership from the list" in response.content.decode()
    assert "antisocial behaviour" not in response.content.decode()  # nor our tags


def test_every_word_must_match_somewhere(client, world, two_logs):
    ours, mediation, _ = two_logs
    assert titles(search(client, world.member, q="YOUTH patrols")) == [ours.title]
    assert titles(search(client, world.member, q="youth letters")) == []
    # What happened, tags and source detail are searched too.
    assert titles(search(client, world.member, q="phone")) == [mediation.title]
    assert titles(search(client, world.member, q="antisocial")) == [ours.title]
    assert titles(search(client, world.member, q="riverside")) == [mediation.title]


def test_matches_are_highlighted_and_counted(client, world, two_logs):
    response = search(client, world.member, q="youth")
    html = response.content.decode()
    assert "<mark>Youth</mark> workers on Friday patrols" in html
    assert "<mark>youth</mark> workers joined" in html
    assert "1 lesson found" in html
    results = response.context["results"]
    assert results.total == 1
    assert dict((v, n) for v, _, n in results.by_outcome) == {
        "worked": 1,
        "did_not_work": 0,
        "mixed": 0,
    }
    assert "2 lessons found" in search(client, world.member).content.decode()


def test_it_filters_by_tag_outcome_source_and_partnership(client, world, two_logs):
    ours, mediation, _ = two_logs
    assert titles(search(client, world.member, tag="youth")) == [ours.title]
    assert titles(search(client, world.member, tag="housing")) == [mediation.title]
    assert titles(search(client, world.member, outcome="did_not_work")) == [mediation.title]
    assert titles(search(client, world.member, source="other_organisation")) == [mediation.title]
    assert titles(search(client, world.member, source="council")) == []
    assert set(titles(search(client, world.performance, partnership=world.other.pk))) == {
        "Secret youth scheme of the other partnership"
    }


def test_results_link_to_objectives_and_tags(client, world, two_logs):
    html = search(client, world.member, q="patrols").content.decode()
    assert f"{reverse('plan_detail', args=[world.plan.pk])}#objective-{world.objective.pk}" in html
    assert f"{reverse('lesson_search')}?tag=antisocial%20behaviour" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"outcome": "brilliant"}, "Choose an outcome from the list"),
        ({"source": "the moon"}, "from the list"),
        ({"tag": "no such tag"}, "Choose a tag from the list"),
        ({"partnership": "abc"}, "Choose a partnership from the list"),
        ({"partnership": "999999"}, "Choose a partnership from the list"),
        ({"q": "x" * 201}, "Search words must be 200 characters or fewer"),
        ({"q": " ".join(f"w{n}" for n in range(11))}, "Enter 10 words or fewer"),
    ],
)
def test_bad_search_input_says_what_is_wrong(client, world, two_logs, params, message):
    response = search(client, world.member, **params)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "<title>Error: Lessons learned" in html
    assert response.context["results"] is None


def test_it_pages_results_and_forgives_a_bad_page_number(client, world):
    for n in range(25):
        add_lesson(world.partnership, world.member, f"Lesson {n:02d}", tags="many")
    first = search(client, world.member, tag="many")
    assert first.context["results"].pages == 2
    assert len(first.context["results"].hits) == 20
    assert "page=2" in first.content.decode() and "tag=many" in first.content.decode()
    second = search(client, world.member, tag="many", page="2")
    assert len(second.context["results"].hits) == 5
    assert search(client, world.member, tag="many", page="abc").context["results"].page == 1
    assert search(client, world.member, tag="many", page="99").context["results"].page == 2


def test_an_empty_log_says_so(client, world):
    html = search(client, world.member).content.decode()
    assert "0 lessons found" in html
    assert "No lessons have been recorded yet" in html


def test_members_are_offered_to_record_a_lesson(client, world):
    html = search(client, world.member).content.decode()
    assert reverse("lesson_create", args=[world.partnership.pk]) in html
    html = search(client, world.viewer).content.decode()
    assert "Record a lesson" not in html


# --- Query counts ------------------------------------------------------------------------


def grow(world, partnerships: int, lessons: int, tag: str) -> None:
    for p in range(partnerships):
        partnership = make_partnership(f"Extra {tag}{p}", world.council)
        add_member(partnership, world.member, Role.MEMBER, world.police)
        plan = make_plan(partnership)
        objective = Objective.objects.create(plan=plan, ref="O1", title="Aim")
        for n in range(lessons):
            add_lesson(
                partnership,
                world.member,
                f"Youth lesson {tag}{p}-{n}",
                tags=f"youth, tag{tag}{n}",
                objectives=[objective],
            )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", ["", "?q=youth&tag=youth&outcome=worked"])
def test_search_query_count_does_not_grow(client, world, django_assert_num_queries, query):
    client.force_login(world.member)
    url = reverse("lesson_search") + query
    grow(world, partnerships=1, lessons=1, tag="s")
    small = count_queries(client, url)
    grow(world, partnerships=3, lessons=6, tag="l")
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.context["results"].total == 19
