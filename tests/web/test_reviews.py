"""Reviewing together through the pages: review meetings whose follow-ups become actions
in the approved plan, comments on indicators, actions and returns, and feedback that the
lead answers — as each role does it. The service's all-or-nothing write and the comment
thread: tests/core/test_reviews.py."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goldenthread.core.models import (
    Action,
    Comment,
    Feedback,
    Membership,
    ReviewMeeting,
    Role,
)
from goldenthread.core.reviews import feedback_counts
from goldenthread.core.services.reviews import FollowUp, Guest, record_review
from goldenthread.rules import Period
from tests.conftest import add_member, make_meeting, make_partnership, make_user, snapshot

Q3 = Period.parse("2025/26 Q3")
TODAY = datetime.date(2026, 1, 15)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


def membership(world, person) -> Membership:
    return Membership.objects.get(partnership=world.partnership, person=person)


def meeting_data(world, **overrides) -> dict:
    """A complete, valid form: the lead and the member came, with a resident from
    outside; one follow-up for the member."""
    data = {
        "period": "2025/26 Q3",
        "held_on": "2026-01-14",
        "members": [membership(world, world.lead).pk, membership(world, world.member).pk],
        "went_well": "Burglaries fell for the second quarter running.",
        "challenges": "Fewer volunteers over the winter; more would help.",
        "decisions": "Ask the residents' association to recruit volunteers.",
        "guests-TOTAL_FORMS": "3",
        "guests-INITIAL_FORMS": "0",
        "guests-0-name": "Pat Jones",
        "guests-0-organisation": "Sale Residents' Association",
        "guests-0-kind": "customer",
        "guests-1-kind": "stakeholder",
        "guests-2-kind": "stakeholder",
        "followups-TOTAL_FORMS": "3",
        "followups-INITIAL_FORMS": "0",
        "followups-0-title": "Run a volunteer recruitment evening",
        "followups-0-objective": str(world.objective.pk),
        "followups-0-owner": str(world.member.pk),
        "followups-0-due_date": "2026-03-31",
    }
    data.update(overrides)
    return data


# --- recording a meeting ------------------------------------------------------------------


def test_it_records_a_meeting_whose_follow_up_becomes_an_action_in_the_approved_plan(client, world):
    client.force_login(world.lead)
    response = client.post(
        reverse("review_create", args=[world.partnership.pk]), meeting_data(world)
    )
    meeting = ReviewMeeting.objects.get(period=Q3)
    assert response.status_code == 302
    assert response.url == reverse("review_detail", args=[meeting.pk])
    assert meeting.period == Q3
    assert meeting.held_on == datetime.date(2026, 1, 14)
    assert meeting.created_by == world.lead
    assert meeting.history.first().history_user == world.lead
    assert meeting.history.first().history_change_reason == "Review meeting recorded"

    attendees = {(a.name, a.organisation, a.kind, a.person_id) for a in meeting.attendees.all()}
    assert attendees == {
        ("Lead Tester", "Test Council", "member", world.lead.pk),
        ("Member Tester", "Test Police", "member", world.member.pk),
        ("Pat Jones", "Sale Residents' Association", "customer", None),
    }

    action = Action.objects.get(raised_at=meeting)
    assert action.objective == world.objective  # the approved plan, version 1
    assert action.objective.plan == world.plan
    # A1 is taken (in both versions), so the follow-up is A2.
    assert action.ref == "A2"
    assert action.title == "Run a volunteer recruitment evening"
    assert action.owner == world.member
    assert action.lead_organisation == world.police  # whom the owner represents here
    assert action.start_date == datetime.date(2026, 1, 14)
    assert action.due_date == datetime.date(2026, 3, 31)
    assert action.state == "not_started"
    history = action.history.first()
    assert history.history_user == world.lead
    assert history.history_change_reason == (
        "Follow-up from the review meeting of 14 January 2026 (2025/26 Q3)"
    )

    page = client.get(response.url).content.decode()
    assert "Pat Jones" in page
    assert "Sale Residents&#x27; Association" in page
    assert "A2 Run a volunteer recruitment evening" in page
    # And it is on the partnership page with the rest of the plan.
    assert "A2 Run a volunteer recruitment evening" in (
        client.get(reverse("partnership", args=[world.partnership.pk])).content.decode()
    )


def test_follow_ups_take_the_next_free_references_across_meetings(client, world):
    client.force_login(world.lead)
    data = meeting_data(
        world,
        **{
            "followups-1-title": "Write to every street with a rise",
            "followups-1-objective": str(world.objective.pk),
            "followups-1-owner": str(world.lead.pk),
            "followups-1-due_date": "2026-02-28",
        },
    )
    client.post(reverse("review_create", args=[world.partnership.pk]), data)
    client.post(
        reverse("review_create", args=[world.partnership.pk]),
        meeting_data(world, **{"held_on": "2026-01-15"}),
    )
    refs = sorted(Action.objects.filter(raised_at__isnull=False).values_list("ref", flat=True))
    assert refs == ["A2", "A3", "A4"]
    assert Action.objects.get(ref="A3").lead_organisation == world.council


def test_empty_rows_are_ignored(client, world):
    client.force_login(world.member)
    data = meeting_data(world)
    for key in [k for k in data if k.startswith(("guests-0-", "followups-0-"))]:
        del data[key]
    data["guests-0-kind"] = "stakeholder"
    response = client.post(reverse("review_create", args=[world.partnership.pk]), data)
    assert response.status_code == 302
    meeting = ReviewMeeting.objects.get(period=Q3)
    assert meeting.created_by == world.member  # members record meetings too
    assert meeting.attendees.count() == 2
    assert not meeting.follow_ups.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"held_on": "2026-01-16"}, "The meeting date must be today or in the past"),
        ({"held_on": ""}, "Enter the date of the meeting"),
        ({"held_on": "31/2/2026"}, "Enter the date of the meeting as a real date"),
        ({"period": "2025/26"}, "2025/26 is not a quarter"),
        ({"period": "next week"}, "Enter a quarter, like 2025/26 Q3"),
        ({"period": ""}, "Enter the quarter the meeting reviewed"),
        ({"period": "2026/27 Q1"}, "The meeting must be held on or after 2026/27 Q1 starts"),
        (
            {"guests-0-name": "", "guests-0-organisation": "Sale Residents' Association"},
            "Enter the name of the person from outside the partnership",
        ),
        ({"followups-0-due_date": "2026-01-14"}, "Enter a due date after the date of the meeting"),
        ({"followups-0-due_date": ""}, "Enter the date this action is due"),
        ({"followups-0-title": ""}, "Enter what the follow-up action is"),
        ({"followups-0-objective": ""}, "Choose the objective this action works towards"),
        ({"followups-0-owner": ""}, "Choose who will own this action"),
        ({"followups-0-due_date": "soon"}, "Enter the due date as a real date"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(
    client, world, overrides, message
):
    client.force_login(world.lead)
    before = snapshot()
    response = client.post(
        reverse("review_create", args=[world.partnership.pk]), meeting_data(world, **overrides)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert re.search(r"<title>Error: ", page)
    assert 'class="govuk-error-summary"' in page
    assert snapshot() == before
    # What was typed is kept.
    assert "Burglaries fell for the second quarter running." in page


@pytest.mark.parametrize(
    ("field", "sample", "message"),
    [
        ("followups-0-objective", "draft_objective", "Choose an objective of the approved plan"),
        ("followups-0-owner", "viewer", "Choose a lead or member of this partnership"),
        ("followups-0-owner", "outsider", "Choose a lead or member of this partnership"),
    ],
)
def test_follow_ups_are_for_the_approved_plan_and_its_people(client, world, field, sample, message):
    client.force_login(world.lead)
    before = snapshot()
    data = meeting_data(world, **{field: str(getattr(world, sample).pk)})
    response = client.post(reverse("review_create", args=[world.partnership.pk]), data)
    assert message in response.content.decode()
    assert snapshot() == before


def test_attendees_come_from_the_partnership(client, world):
    client.force_login(world.lead)
    other = Membership.objects.get(person=world.outsider)
    data = meeting_data(world, members=[other.pk])
    before = snapshot()
    response = client.post(reverse("review_create", args=[world.partnership.pk]), data)
    assert "Choose people of this partnership only" in response.content.decode()
    assert snapshot() == before


def test_without_an_approved_plan_follow_ups_go_in_the_decisions(client, world):
    fresh = make_partnership("Fresh Partnership", world.council)
    add_member(fresh, world.lead, Role.LEAD, world.council)
    client.force_login(world.lead)
    page = client.get(reverse("review_create", args=[fresh.pk])).content.decode()
    assert "no approved plan yet" in page
    with pytest.raises(ValidationError):
        record_review(
            partnership=fresh,
            by=world.lead,
            period=Q3,
            held_on=datetime.date(2026, 1, 10),
            follow_ups=[
                FollowUp(
                    title="x",
                    objective=world.objective,
                    owner=world.lead,
                    due_date=datetime.date(2026, 3, 1),
                )
            ],
        )


def test_who_may_record_a_meeting(client, world):
    url = reverse("review_create", args=[world.partnership.pk])
    before = snapshot()
    for person in (world.viewer, world.performance):
        client.force_login(person)
        assert client.post(url, meeting_data(world)).status_code == 403
    client.force_login(world.outsider)
    assert client.post(url, meeting_data(world)).status_code == 404
    assert snapshot() == before


# --- changing a meeting -------------------------------------------------------------------


def test_the_person_who_recorded_it_or_a_lead_may_change_it(client, world):
    meeting = make_meeting(
        world,
        members=[world.member],
        guests=[Guest(name="Pat Jones", organisation="Residents", kind="customer")],
        follow_ups=[
            FollowUp(
                title="First follow-up",
                objective=world.objective,
                owner=world.member,
                due_date=datetime.date(2026, 2, 1),
            )
        ],
    )
    url = reverse("review_edit", args=[meeting.pk])
    client.force_login(world.other_member)
    assert client.get(url).status_code == 403
    client.force_login(world.viewer)
    assert client.get(url).status_code == 403

    client.force_login(world.lead)
    page = client.get(url).content.decode()
    assert 'value="Pat Jones"' in page
    assert "First follow-up" in page  # listed as already raised
    data = meeting_data(
        world,
        **{
            "held_on": "2026-01-12",
            "guests-TOTAL_FORMS": "4",
            "guests-INITIAL_FORMS": "1",
            "guests-0-name": "Pat Jones",
            "guests-0-organisation": "Residents",
            "guests-1-name": "Sam Lee",
            "guests-1-organisation": "Youth Forum",
            "guests-1-kind": "stakeholder",
            "guests-3-kind": "stakeholder",
            "followups-0-title": "Second follow-up",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.held_on == datetime.date(2026, 1, 12)
    assert meeting.history.first().history_user == world.lead
    assert meeting.history.first().history_change_reason == "Review meeting updated"
    assert sorted(meeting.attendees.values_list("name", flat=True)) == [
        "Lead Tester",
        "Member Tester",
        "Pat Jones",
        "Sam Lee",
    ]
    # The first follow-up is an action in the plan now and stays; the new one is added.
    assert sorted(meeting.follow_ups.values_list("title", "ref")) == [
        ("First follow-up", "A2"),
        ("Second follow-up", "A3"),
    ]


def test_the_recorder_changes_their_own_meeting(client, world):
    meeting = make_meeting(world, by=world.member)
    client.force_login(world.member)
    data = meeting_data(world, decisions="Agreed to meet monthly.")
    assert client.post(reverse("review_edit", args=[meeting.pk]), data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.decisions == "Agreed to meet monthly."
    assert meeting.history.first().history_user == world.member


def test_a_bad_change_writes_nothing(client, world):
    meeting = make_meeting(world, members=[world.member])
    client.force_login(world.lead)
    data = meeting_data(world, **{"guests-0-name": "", "decisions": "Changed"})
    response = client.post(reverse("review_edit", args=[meeting.pk]), data)
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.decisions == ""
    assert list(meeting.attendees.values_list("name", flat=True)) == ["Member Tester"]
    assert not meeting.follow_ups.exists()


def test_everyone_in_the_partnership_reads_the_meetings(client, world):
    meeting = make_meeting(world, guests=[Guest(name="Pat Jones", kind="customer")])
    for person in (world.viewer, world.member, world.lead, world.performance):
        client.force_login(person)
        listing = client.get(reverse("review_list", args=[world.partnership.pk]))
        assert f'href="{reverse("review_detail", args=[meeting.pk])}"' in listing.content.decode()
        detail = client.get(reverse("review_detail", args=[meeting.pk])).content.decode()
        assert "Pat Jones" in detail
        can_change = reverse("review_edit", args=[meeting.pk]) in detail
        assert can_change == (person in (world.member, world.lead))
    client.force_login(world.outsider)
    assert client.get(reverse("review_detail", args=[meeting.pk])).status_code == 404


# --- comments -----------------------------------------------------------------------------

COMMENT_URLS = {
    "indicator": ("indicator_comment", "indicator"),
    "action": ("action_comment", "action"),
    "return": ("return_comment", "ret"),
}


@pytest.mark.parametrize("kind", COMMENT_URLS)
@pytest.mark.parametrize("role", ["lead", "member", "other_member", "performance"])
def test_leads_members_and_the_performance_team_comment(client, world, kind, role):
    name, sample = COMMENT_URLS[kind]
    on = getattr(world, sample)
    person = world.person(role)
    client.force_login(person)
    url = reverse(name, args=[on.pk])
    response = client.post(url, {"body": "  Could we compare with Sale?  ", "next": url})
    assert response.status_code == 302
    assert response.url == f"{url}#comments"
    comment = Comment.objects.get()
    assert comment.author == person
    assert comment.partnership == world.partnership
    assert comment.body == "Could we compare with Sale?"
    assert getattr(comment, {"return": "ret"}.get(kind, kind)) == on
    page = client.get(url).content.decode()
    assert "Could we compare with Sale?" in page
    assert str(person) in page


@pytest.mark.parametrize("kind", COMMENT_URLS)
def test_viewers_read_comments_and_give_feedback_instead(client, world, kind):
    name, sample = COMMENT_URLS[kind]
    on = getattr(world, sample)
    url = reverse(name, args=[on.pk])
    client.force_login(world.member)
    client.post(url, {"body": "Numbers look better."})
    client.force_login(world.viewer)
    page = client.get(url)
    assert page.status_code == 200
    assert "Numbers look better." in page.content.decode()
    assert 'name="body"' not in page.content.decode()
    assert reverse("feedback_create", args=[world.partnership.pk]) in page.content.decode()
    assert client.post(url, {"body": "Me too"}).status_code == 403
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("kind", COMMENT_URLS)
def test_people_outside_never_see_or_add_comments(client, world, kind):
    name, sample = COMMENT_URLS[kind]
    url = reverse(name, args=[getattr(world, sample).pk])
    for person in (world.outsider, world.nobody):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "Hello"}).status_code == 404
    assert not Comment.objects.exists()


def test_an_empty_comment_is_refused_and_the_way_back_kept(client, world):
    client.force_login(world.member)
    url = reverse("indicator_comment", args=[world.indicator.pk])
    back = reverse("indicator", args=[world.indicator.pk])
    response = client.post(url, {"body": "   ", "next": back})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "Enter your comment" in page
    assert f'name="next" value="{back}"' in page
    assert not Comment.objects.exists()
    # Somewhere else entirely is not a way back.
    response = client.post(url, {"body": "Fine", "next": "https://example.com/"})
    assert response.url == f"{url}#comments"
    response = client.post(url, {"body": "Fine again", "next": back})
    assert response.url == f"{back}#comments"


# --- feedback -----------------------------------------------------------------------------


def give(client, person, partnership, body="Could results be published sooner?", about=""):
    client.force_login(person)
    return client.post(
        reverse("feedback_create", args=[partnership.pk]), {"body": body, "about": about}
    )


def test_a_viewer_gives_feedback_and_sees_only_their_own(client, world):
    second_viewer = make_user("second_viewer")
    add_member(world.partnership, second_viewer, Role.VIEWER, world.council)
    give(client, second_viewer, world.partnership, body="Not for the first viewer")

    response = give(client, world.viewer, world.partnership, about="Indicator SS01")
    assert response.status_code == 302
    assert response.url == reverse("feedback_list", args=[world.partnership.pk])
    feedback = Feedback.objects.get(about="Indicator SS01")
    assert feedback.author == world.viewer
    assert feedback.partnership == world.partnership
    assert feedback.answer == ""
    page = client.get(response.url).content.decode()
    assert "Could results be published sooner?" in page
    assert "Waiting for an answer" in page
    assert "Not for the first viewer" not in page
    assert reverse("feedback_answer", args=[feedback.pk]) not in page


def test_the_lead_sees_all_feedback_with_counts_and_answers_it(client, world):
    waiting = feedback_counts(world.partnership).unanswered
    give(client, world.viewer, world.partnership, about="Publishing")
    give(client, world.member, world.partnership, body="Meetings could be shorter")
    feedback = Feedback.objects.get(about="Publishing")

    client.force_login(world.lead)
    page = client.get(reverse("feedback_list", args=[world.partnership.pk])).content.decode()
    assert "Meetings could be shorter" in page and "published sooner" in page
    assert reverse("feedback_answer", args=[feedback.pk]) in page
    assert feedback_counts(world.partnership).unanswered == waiting + 2

    url = reverse("feedback_answer", args=[feedback.pk])
    response = client.post(url, {"answer": "Yes: from next quarter, within a month."})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.answer == "Yes: from next quarter, within a month."
    assert feedback.answered_by == world.lead
    assert feedback.answered_at is not None
    counts = feedback_counts(world.partnership)
    assert (counts.answered, counts.unanswered) == (1, waiting + 1)

    client.force_login(world.viewer)
    page = client.get(reverse("feedback_list", args=[world.partnership.pk])).content.decode()
    assert "Yes: from next quarter, within a month." in page


def test_only_a_lead_or_the_performance_team_answers_feedback(client, world):
    give(client, world.viewer, world.partnership)
    feedback = Feedback.objects.latest("pk")
    url = reverse("feedback_answer", args=[feedback.pk])
    for person in (world.viewer, world.member):
        client.force_login(person)
        assert client.post(url, {"answer": "Thanks"}).status_code == 403
    for person in (world.outsider, world.nobody):
        client.force_login(person)
        assert client.post(url, {"answer": "Thanks"}).status_code == 404
        assert client.get(reverse("feedback_list", args=[world.partnership.pk])).status_code == 404
    feedback.refresh_from_db()
    assert feedback.answer == ""


def test_the_performance_team_sees_all_feedback_and_may_answer_it(client, world):
    give(client, world.viewer, world.partnership)
    client.force_login(world.performance)
    page = client.get(reverse("feedback_list", args=[world.partnership.pk])).content.decode()
    assert "published sooner" in page
    assert "Waiting for an answer" in page
    assert reverse("feedback_answer", args=[Feedback.objects.latest("pk").pk]) in page


@pytest.mark.parametrize(
    ("url_name", "data", "message"),
    [
        ("feedback_create", {"body": " "}, "Enter your feedback"),
        ("feedback_answer", {"answer": ""}, "Enter your answer"),
    ],
)
def test_empty_feedback_and_answers_are_refused(client, world, url_name, data, message):
    give(client, world.viewer, world.partnership)
    feedback = Feedback.objects.latest("pk")
    before = Feedback.objects.count()
    client.force_login(world.lead)
    arg = world.partnership.pk if url_name == "feedback_create" else feedback.pk
    response = client.post(reverse(url_name, args=[arg]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "<title>Error: " in response.content.decode()
    assert Feedback.objects.count() == before
    feedback.refresh_from_db()
    assert feedback.answer == ""


# --- wording and query counts -------------------------------------------------------------

TEMPLATES = Path(__file__).resolve().parents[2] / "goldenthread/web/templates/web/reviews"
SOURCES = [
    *TEMPLATES.glob("*.html"),
    Path(__file__).resolve().parents[2] / "goldenthread/web/views/reviews.py",
    Path(__file__).resolve().parents[2] / "goldenthread/web/views/comments.py",
    Path(__file__).resolve().parents[2] / "goldenthread/web/views/feedback.py",
    Path(__file__).resolve().parents[2] / "goldenthread/core/reviews.py",
    Path(__file__).resolve().parents[2] / "goldenthread/core/services/reviews.py",
]


def test_the_wording_supports_improvement_not_blame():
    unkind = re.compile(r"\b(blame\w*|fail\w*|faults?|poor performance|naming and shaming)\b")
    for source in SOURCES:
        found = unkind.findall(source.read_text().lower())
        assert not found, f"{found} in {source.name}"


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_meetings(world, how_many: int, people: int, follow_ups: int) -> ReviewMeeting:
    extra = []
    for i in range(people):
        person = make_user(f"p{ReviewMeeting.objects.count()}-{i}")
        add_member(world.partnership, person, Role.MEMBER, world.police)
        extra.append(person)
    meeting = None
    for n in range(how_many):
        meeting = make_meeting(
            world,
            members=[world.member, *extra],
            guests=[Guest(name=f"Guest {n}-{g}", kind="customer") for g in range(people)],
            follow_ups=[
                FollowUp(
                    title=f"Follow-up {n}-{f}",
                    objective=world.objective,
                    owner=extra[f % len(extra)] if extra else world.member,
                    due_date=datetime.date(2026, 3, 1),
                )
                for f in range(follow_ups)
            ],
        )
    return meeting


def test_the_meetings_page_query_count_does_not_grow(client, world, django_assert_num_queries):
    client.force_login(world.viewer)
    url = reverse("review_list", args=[world.partnership.pk])
    add_meetings(world, how_many=1, people=1, follow_ups=1)
    small = count_queries(client, url)
    add_meetings(world, how_many=6, people=4, follow_ups=3)
    with django_assert_num_queries(small):
        client.get(url)


def test_a_meeting_page_query_count_does_not_grow(client, world, django_assert_num_queries):
    client.force_login(world.viewer)
    small = add_meetings(world, how_many=1, people=1, follow_ups=1)
    count = count_queries(client, reverse("review_detail", args=[small.pk]))
    large = add_meetings(world, how_many=1, people=8, follow_ups=6)
    with django_assert_num_queries(count):
        client.get(reverse("review_detail", args=[large.pk]))


def test_the_comments_and_feedback_pages_query_counts_do_not_grow(
    client, world, django_assert_num_queries
):
    from goldenthread.core.services.reviews import add_comment, give_feedback

    client.force_login(world.lead)
    urls = [
        reverse("indicator_comment", args=[world.indicator.pk]),
        reverse("feedback_list", args=[world.partnership.pk]),
    ]
    add_comment(on=world.indicator, by=world.member, body="One")
    give_feedback(partnership=world.partnership, by=world.viewer, body="One")
    small = [count_queries(client, url) for url in urls]
    for n in range(8):
        person = make_user(f"commenter{n}", organisation=world.police)
        add_member(world.partnership, person, Role.MEMBER, world.police)
        add_comment(on=world.indicator, by=person, body=f"Comment {n}")
        give_feedback(partnership=world.partnership, by=person, body=f"Feedback {n}")
    for url, count in zip(urls, small, strict=True):
        with django_assert_num_queries(count):
            client.get(url)
