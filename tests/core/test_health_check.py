"""The yearly partnership health check (issue 17): opening, answering once, anonymity in the
database and in the read, results year on year, and an action raised from a weak theme."""

import datetime
import uuid

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import override_settings

from goldenthread.core.health_check import results, year_results
from goldenthread.core.models import (
    Action,
    HealthCheck,
    HealthCheckAction,
    HealthCheckAnswer,
    HealthCheckComment,
    HealthCheckResponse,
    Notification,
    NotificationKind,
)
from goldenthread.core.models.health_check import respondent_key_for
from goldenthread.core.services.health_checks import (
    answer_health_check,
    close_health_check,
    open_health_check,
    raise_health_check_action,
)
from goldenthread.documents.health_check import health_check_csv
from goldenthread.rules import health_check as questionnaire

OPENED = datetime.date(2026, 3, 2)  # in 2025/26
DURING = datetime.date(2026, 3, 10)
AFTER = datetime.date(2026, 4, 10)  # after it closed on 30 March


def scores(value: int | None, **overrides: int | None) -> dict[str, int | None]:
    """The same answer to every statement, but for the statements named."""
    return {key: overrides.get(key, value) for key in questionnaire.STATEMENTS}


def opened(world, *, year: int = 2025, anonymous: bool = True, today=OPENED) -> HealthCheck:
    return open_health_check(
        partnership=world.partnership,
        by=world.lead,
        year=year,
        closes_on=today + datetime.timedelta(days=28),
        anonymous=anonymous,
        today=today,
    )


def answered_by(world, health_check, people_scores, today=DURING) -> None:
    for person, answers in people_scores:
        answer_health_check(health_check=health_check, by=person, answers=answers, today=today)


def history_rows_by(person) -> int:
    """Rows of every history table of the domain written by `person`."""
    return sum(
        model.objects.filter(history_user=person).count()
        for model in apps.get_app_config("core").get_models()
        if any(f.name == "history_user" for f in model._meta.get_fields())
    )


# --- opening ------------------------------------------------------------------------------


def test_it_opens_a_health_check_tells_leads_and_members_and_keeps_history(world):
    health_check = opened(world)

    saved = HealthCheck.objects.get(partnership=world.partnership, year=2025)
    assert saved == health_check
    assert (saved.opens_on, saved.closes_on) == (OPENED, datetime.date(2026, 3, 30))
    assert saved.anonymous and saved.state == HealthCheck.State.OPEN
    assert saved.version == questionnaire.VERSION
    entry = saved.history.get()
    assert entry.history_user == world.lead
    assert entry.history_change_reason == "Health check opened"
    told = set(
        Notification.objects.filter(kind=NotificationKind.HEALTH_CHECK_OPENED).values_list(
            "recipient__username", flat=True
        )
    )
    # The lead opened it; viewers do not answer it.
    assert told == {"member", "other_member"}


def test_it_allows_one_health_check_per_partnership_per_year(world):
    opened(world)
    with pytest.raises(ValidationError) as refused:
        opened(world)
    assert "already has a health check for 2025/26" in refused.value.message_dict["year"][0]
    assert HealthCheck.objects.count() == 1


def test_it_refuses_a_closing_date_in_the_past_or_far_ahead_and_other_years(world):
    for closes_on in (OPENED, OPENED + datetime.timedelta(days=91)):
        with pytest.raises(ValidationError) as refused:
            open_health_check(
                partnership=world.partnership,
                by=world.performance,
                year=2025,
                closes_on=closes_on,
                today=OPENED,
            )
        assert "closes_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        opened(world, year=2023)
    assert "Choose 2025/26 or 2024/25" in refused.value.message_dict["year"][0]
    assert not HealthCheck.objects.exists()


# --- answering ----------------------------------------------------------------------------


def test_an_anonymous_answer_is_not_linked_to_the_person_anywhere_in_the_database(world):
    health_check = opened(world)
    before = history_rows_by(world.member)

    answer_health_check(
        health_check=health_check,
        by=world.member,
        answers=scores(4, trust_open=2),
        comments={"trust": "We do not share bad news early enough."},
        today=DURING,
    )

    response = HealthCheckResponse.objects.get()
    assert response.respondent is None
    # A keyed hash: it cannot be worked out from who the person is without the secret key.
    key = response.respondent_key
    assert key == respondent_key_for(health_check.pk, world.member.pk)
    with override_settings(SECRET_KEY="another-secret-key-of-another-site"):
        assert respondent_key_for(health_check.pk, world.member.pk) != key
    assert respondent_key_for(health_check.pk + 1, world.member.pk) != key
    # Nor do ids count up, which would give the order people answered in.
    assert isinstance(response.pk, uuid.UUID)
    assert all(isinstance(pk, uuid.UUID) for pk in response.answers.values_list("pk", flat=True))
    assert dict(response.answers.values_list("statement", "score"))["trust_open"] == 2
    assert HealthCheckAnswer.objects.count() == len(questionnaire.STATEMENTS)
    assert HealthCheckComment.objects.get().text == "We do not share bad news early enough."
    # Responses keep no dates, and no history row names who wrote them.
    assert not hasattr(HealthCheckResponse, "history")
    assert not hasattr(HealthCheckAnswer, "history")
    field_names = {f.name for f in HealthCheckResponse._meta.get_fields()}
    assert not field_names & {"created_at", "answered_at", "updated_at"}
    assert history_rows_by(world.member) == before


def test_a_health_check_that_is_not_anonymous_keeps_who_answered(world):
    health_check = opened(world, anonymous=False)
    answer_health_check(health_check=health_check, by=world.member, answers=scores(3), today=DURING)
    assert HealthCheckResponse.objects.get().respondent == world.member


def test_answering_twice_is_refused(world):
    health_check = opened(world)
    answer_health_check(health_check=health_check, by=world.member, answers=scores(4), today=DURING)

    with pytest.raises(ValidationError) as refused:
        answer_health_check(
            health_check=health_check, by=world.member, answers=scores(1), today=DURING
        )

    assert refused.value.messages == ["You have already answered this health check."]
    assert HealthCheckResponse.objects.count() == 1
    assert set(HealthCheckAnswer.objects.values_list("score", flat=True)) == {4}


def test_every_statement_needs_an_answer_on_the_scale(world):
    health_check = opened(world)
    answers = scores(4)
    del answers["roles_clear"]
    answers["trust_fair"] = 7
    with pytest.raises(ValidationError) as refused:
        answer_health_check(
            health_check=health_check, by=world.member, answers=answers, today=DURING
        )
    assert set(refused.value.message_dict) == {"roles_clear", "trust_fair"}
    assert not HealthCheckResponse.objects.exists()


def test_no_answers_are_taken_once_it_is_closed(world):
    health_check = opened(world)
    close_health_check(health_check=health_check, by=world.performance)
    with pytest.raises(ValidationError, match="closed"):
        answer_health_check(
            health_check=health_check, by=world.member, answers=scores(4), today=DURING
        )
    # Nor after its closing date, closed or not.
    other = opened(world, year=2024)
    with pytest.raises(ValidationError, match="closed"):
        answer_health_check(health_check=other, by=world.member, answers=scores(4), today=AFTER)
    assert not HealthCheckResponse.objects.exists()
    entry = health_check.history.first()
    assert (entry.history_user, entry.history_change_reason) == (
        world.performance,
        "Health check closed",
    )


# --- the anonymity rule in the read ---------------------------------------------------------


def test_two_answers_give_no_figures_anywhere(world):
    health_check = opened(world)
    answered_by(
        world,
        health_check,
        [(world.lead, scores(5)), (world.member, scores(1))],
    )
    close_health_check(health_check=health_check, by=world.lead)

    found = results(health_check, AFTER)

    assert not found.shown
    assert found.themes == [] and found.actions == []
    assert found.withheld == (
        "2 of 3 answered; results are shown when at least 3 have answered, so that nobody's "
        "answers can be told apart."
    )
    text = health_check_csv(found).decode("utf-8-sig")
    assert "2 of 3 answered" in text
    assert "Mean" not in text and "Strongly agree" not in text
    update_form = year_results(world.partnership, 2025, AFTER)
    assert not update_form.shown and update_form.themes == []


def test_three_answers_show_nothing_until_it_closes(world):
    health_check = opened(world)
    answered_by(
        world,
        health_check,
        [(world.lead, scores(5)), (world.member, scores(4)), (world.other_member, scores(3))],
    )
    found = results(health_check, DURING)
    assert not found.shown and found.themes == []
    assert found.withheld.startswith("3 of 3 answered so far. Results are shown when")


def test_three_answers_give_figures_per_statement_and_theme(world):
    health_check = opened(world)
    answered_by(
        world,
        health_check,
        [
            (world.lead, scores(5, trust_open=2)),
            (world.member, scores(4, trust_open=1, trust_fair=None)),
            (world.other_member, scores(4, trust_open=2, trust_fair=2)),
        ],
    )
    HealthCheckComment.objects.create(
        response=HealthCheckResponse.objects.first(), theme="trust", text="b: second"
    )
    HealthCheckComment.objects.create(
        response=HealthCheckResponse.objects.last(), theme="trust", text="a: first"
    )

    found = results(health_check, AFTER)  # past its closing date

    assert found.shown and found.count_text == "3 of 3 answered"
    trust = next(t for t in found.themes if t.theme.key == "trust")
    trust_open, trust_fair = trust.statements
    assert trust_open.summary.counts == {2: 2, 1: 1}
    assert trust_open.summary.mean == pytest.approx(5 / 3)
    assert trust_fair.summary.dont_know == 1
    assert dict(trust_fair.summary.spread) == {
        "Strongly agree": 1,
        "Agree": 0,
        "Neither agree nor disagree": 0,
        "Disagree": 1,
        "Strongly disagree": 0,
        "Don't know": 1,
    }
    # The theme pools its statements' scores: 2, 1, 2, 5, 2 (don't know is no score).
    assert trust.mean == pytest.approx(12 / 5)
    assert trust.weak
    assert trust.comments == ["a: first", "b: second"]
    purpose = found.themes[0]
    assert purpose.mean == pytest.approx(13 / 3) and not purpose.weak
    assert [t.theme.key for t in found.weak_themes] == ["trust"]


def test_year_on_year_compares_each_theme_with_last_year(world):
    last_year = opened(world, year=2024, today=datetime.date(2025, 3, 3))
    answered_by(
        world,
        last_year,
        [(p, scores(2, purpose_need=5)) for p in (world.lead, world.member, world.other_member)],
        today=datetime.date(2025, 3, 4),
    )
    close_health_check(health_check=last_year, by=world.lead)
    this_year = opened(world)
    answered_by(
        world,
        this_year,
        [(p, scores(4)) for p in (world.lead, world.member, world.other_member)],
    )
    close_health_check(health_check=this_year, by=world.lead)

    found = results(this_year, AFTER)

    assert found.last_year == last_year
    trust = next(t for t in found.themes if t.theme.key == "trust")
    assert (trust.mean, trust.last_year_mean, trust.change) == (4.0, 2.0, 2.0)
    assert trust.change_text == "+2.0 (better)"
    purpose = found.themes[0]
    assert purpose.last_year_mean == 3.5 and purpose.change == 0.5


def test_last_year_with_too_few_answers_is_not_compared(world):
    last_year = opened(world, year=2024, today=datetime.date(2025, 3, 3))
    answered_by(world, last_year, [(world.lead, scores(1))], today=datetime.date(2025, 3, 4))
    close_health_check(health_check=last_year, by=world.lead)
    this_year = opened(world)
    answered_by(
        world, this_year, [(p, scores(4)) for p in (world.lead, world.member, world.other_member)]
    )

    found = results(this_year, AFTER)

    assert found.shown and found.last_year is None
    assert all(t.last_year_mean is None and t.change is None for t in found.themes)


def test_the_results_take_the_same_queries_however_many_answered(
    world, django_assert_max_num_queries
):
    last_year = opened(world, year=2024, today=datetime.date(2025, 3, 3))
    this_year = opened(world)
    for check, day in ((last_year, datetime.date(2025, 3, 4)), (this_year, DURING)):
        answered_by(
            world,
            check,
            [(p, scores(3)) for p in (world.lead, world.member, world.other_member)],
            today=day,
        )
    with django_assert_max_num_queries(10):
        found = results(this_year, AFTER)
        assert [t.actions for t in found.themes]
        assert found.last_year is not None


# --- an action from a weak theme -----------------------------------------------------------


def closed_with_a_weak_trust(world) -> HealthCheck:
    health_check = opened(world)
    answered_by(
        world,
        health_check,
        [
            (p, scores(4, trust_open=1, trust_fair=2))
            for p in (world.lead, world.member, world.other_member)
        ],
    )
    close_health_check(health_check=health_check, by=world.lead)
    return health_check


def test_a_weak_theme_becomes_an_action_in_the_approved_plan(world):
    health_check = closed_with_a_weak_trust(world)

    action = raise_health_check_action(
        health_check=health_check,
        theme="trust",
        by=world.lead,
        title="Revise the cultural aspects of the partnership",
        objective=world.objective,
        owner=world.member,
        due_date=datetime.date(2026, 9, 30),
        today=AFTER,
    )

    saved = Action.objects.get(pk=action.pk)
    assert saved.objective == world.objective and saved.objective.plan == world.plan
    assert saved.ref == "A2"  # the next free reference in the partnership
    assert (saved.owner, saved.lead_organisation) == (world.member, world.police)
    assert (saved.start_date, saved.due_date) == (AFTER, datetime.date(2026, 9, 30))
    entry = saved.history.get()
    assert entry.history_user == world.lead
    assert entry.history_change_reason == "From the 2025/26 health check: Trust"
    link = HealthCheckAction.objects.get()
    assert (link.health_check, link.theme, link.action) == (health_check, "trust", saved)
    assert link.history.get().history_user == world.lead
    found = results(health_check, AFTER)
    trust = next(t for t in found.themes if t.theme.key == "trust")
    assert [a.action for a in trust.actions] == [saved]
    update_form = year_results(world.partnership, 2025, AFTER)
    assert [a.action for a in update_form.actions] == [saved]


def test_no_action_is_raised_from_withheld_results(world):
    health_check = opened(world)
    answered_by(world, health_check, [(world.member, scores(1))])
    close_health_check(health_check=health_check, by=world.lead)
    with pytest.raises(ValidationError, match="not shown yet"):
        raise_health_check_action(
            health_check=health_check,
            theme="trust",
            by=world.lead,
            title="Build trust",
            objective=world.objective,
            owner=world.member,
            due_date=datetime.date(2026, 9, 30),
            today=AFTER,
        )
    assert not HealthCheckAction.objects.exists()
    assert Action.objects.filter(title="Build trust").count() == 0


def test_an_action_needs_an_objective_of_the_approved_plan_an_owner_and_a_later_date(world):
    health_check = closed_with_a_weak_trust(world)
    with pytest.raises(ValidationError) as refused:
        raise_health_check_action(
            health_check=health_check,
            theme="trust",
            by=world.lead,
            title=" ",
            objective=world.draft_objective,
            owner=world.viewer,
            due_date=AFTER,
            today=AFTER,
        )
    assert set(refused.value.message_dict) == {"title", "objective", "owner", "due_date"}
    assert not HealthCheckAction.objects.exists()
