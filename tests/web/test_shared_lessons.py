"""Learning from other partnerships, on the pages: an outsider reads a lesson only once
it is shared, and finds it in the search labelled with its partnership."""

from django.urls import reverse

from goldenthread.core.models import Lesson


def test_an_outsider_reads_a_lesson_only_once_it_is_shared(client, world):
    lesson = world.lesson
    client.force_login(world.outsider)
    url = reverse("lesson_detail", args=[lesson.pk])
    assert client.get(url).status_code == 404
    search = client.get(reverse("lesson_search"), {"q": "door"}).content.decode()
    assert url not in search

    client.force_login(world.member)  # its author shares it from its page
    response = client.post(reverse("lesson_share", args=[lesson.pk]), {"shared": "yes"})
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.shared and lesson.shared_by == world.member
    assert lesson.history.latest().history_change_reason == "Shared with every partnership"

    client.force_login(world.outsider)
    page = client.get(url).content.decode()
    assert lesson.title in page and world.partnership.name in page
    assert reverse("plan_detail", args=[world.plan.pk]) not in page
    search = client.get(reverse("lesson_search"), {"q": "door"}).content.decode()
    assert url in search  # the title's words are marked, so look for its link
    assert world.partnership.name in search and "Shared with every partnership" in search


def test_an_outsider_may_not_share_or_unshare(client, world):
    lesson = world.lesson
    lesson.shared = True
    lesson.save()
    client.force_login(world.outsider)
    response = client.post(reverse("lesson_share", args=[lesson.pk]), {"shared": "no"})
    assert response.status_code == 403
    lesson.refresh_from_db()
    assert lesson.shared


def test_the_performance_team_shares_any_lesson(client, world):
    client.force_login(world.performance)
    page = client.get(reverse("lesson_detail", args=[world.lesson.pk])).content.decode()
    assert "Share with every partnership" in page
    assert client.get(reverse("lesson_share", args=[world.lesson.pk])).status_code == 200
    client.post(reverse("lesson_share", args=[world.lesson.pk]), {"shared": "yes"})
    world.lesson.refresh_from_db()
    assert world.lesson.shared_by == world.performance


def test_the_author_chooses_on_the_lesson_form(client, world):
    client.force_login(world.member)
    response = client.post(
        reverse("lesson_create", args=[world.partnership.pk]),
        {
            "title": "Youth diversion on Fridays",
            "what_happened": "Fewer call-outs.",
            "outcome": "worked",
            "source": "this_partnership",
            "shared": "on",
        },
    )
    assert response.status_code == 302
    lesson = Lesson.objects.get(title="Youth diversion on Fridays")
    assert lesson.shared and lesson.shared_by == world.member

    edit = reverse("lesson_edit", args=[lesson.pk])
    assert 'name="shared"' in client.get(edit).content.decode()
    client.post(
        edit,
        {
            "title": lesson.title,
            "what_happened": lesson.what_happened,
            "outcome": "worked",
            "source": "this_partnership",
        },
    )
    lesson.refresh_from_db()
    assert not lesson.shared
