"""Database-enforced rules and the audit history, on SQLite and PostgreSQL alike."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from goldenthread.core.models import Action, Indicator, Plan, Result, Risk, Target
from goldenthread.rules import ActionState, Period
from tests.conftest import make_plan


def test_the_migrations_describe_the_models(db):
    # Exits non-zero (SystemExit) when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_target_and_result_are_unique_per_indicator_and_period(world):
    period = Period.parse("2025/26 Q3")
    for model, fields in ((Target, {"value": 1}), (Result, {"value": 1})):
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.create(indicator=world.indicator, period=period, **fields)


def test_a_result_needs_a_value_or_a_not_available_mark(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Result.objects.create(indicator=world.indicator, period=Period.parse("2023/24 Q1"))
    Result.objects.create(
        indicator=world.indicator,
        period=Period.parse("2023/24 Q1"),
        not_available=True,
        not_available_reason="Survey not run",
    )


def test_period_field_stores_the_key_and_reads_back_a_period(world):
    result = Result.objects.get(indicator=world.indicator, period=Period.parse("2025/26 Q3"))
    assert result.period == Period.parse("2025/26 Q3")
    assert Result.objects.filter(period="2025/26 Q3").count() == 1  # a label works in queries
    raw = Result.objects.filter(pk=result.pk).values_list("period", flat=True).get()
    assert raw == Period.parse("2025-Q3")
    ordered = [r.period.label for r in world.indicator.results.order_by("period")]
    assert ordered == ["2024/25 Q3", "2025/26 Q2", "2025/26 Q3"]


def test_a_period_of_the_wrong_frequency_is_refused_with_a_plain_message(world):
    target = Target(indicator=world.indicator, period=Period.parse("2025/26"), value=1)
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert "reported quarterly" in str(error.value)


def test_an_unreadable_period_is_refused_with_a_plain_message(world):
    target = Target(indicator=world.indicator, period="Smarch 2025", value=1)
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert "Smarch 2025" in str(error.value)


def test_only_one_approved_plan_per_partnership(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_plan(world.partnership, status=Plan.Status.APPROVED, version=3)


@pytest.mark.parametrize(
    "fields",
    [
        {"start_date": datetime.date(2025, 5, 1), "due_date": datetime.date(2025, 4, 1)},
        {"percent_complete": 101},
        {"state": "sort of done"},
    ],
)
def test_action_constraints(world, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(objective=world.objective, ref="BAD", title="Bad", **fields)


@pytest.mark.parametrize("field", ["inherent_likelihood", "residual_impact"])
@pytest.mark.parametrize("score", [0, 6])
def test_risk_scores_run_from_one_to_five(world, field, score):
    scores = dict.fromkeys(
        ["inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact"], 3
    )
    scores[field] = score
    with pytest.raises(IntegrityError), transaction.atomic():
        Risk.objects.create(partnership=world.partnership, ref="R1", title="Risk", **scores)


def test_risk_scores_multiply(world):
    risk = Risk.objects.create(
        partnership=world.partnership,
        ref="R2",
        title="Funding ends",
        inherent_likelihood=4,
        inherent_impact=5,
        residual_likelihood=2,
        residual_impact=5,
    )
    assert (risk.inherent_score, risk.residual_score) == (20, 10)


def test_indicator_tolerance_cannot_be_negative(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.filter(pk=world.indicator.pk).update(tolerance=Decimal("-1"))


def test_overdue_in_sql_agrees_with_the_rule(world):
    today = datetime.date(2025, 7, 1)
    for n, (state, due) in enumerate(
        (state, due)
        for state in ActionState
        for due in (None, datetime.date(2025, 6, 30), today, datetime.date(2025, 7, 2))
    ):
        Action.objects.create(
            objective=world.objective, ref=f"X{n}", title="x", state=state, due_date=due
        )
    actions = Action.objects.filter(ref__startswith="X")
    in_python = {a.pk for a in actions if a.is_overdue(today)}
    in_sql = set(actions.overdue(today).values_list("pk", flat=True))
    assert in_python == in_sql
    assert len(in_sql) == 4  # not started, on track, at risk, off track: due the day before


def test_every_change_is_kept_with_who_when_and_the_old_value(world):
    world.indicator.title = "Burglaries per 1,000 homes"
    world.indicator._history_user = world.lead
    world.indicator.save()
    result = Result.objects.get(indicator=world.indicator, period=Period.parse("2025/26 Q3"))
    result.value = Decimal("97")
    result._history_user = world.member
    result.save()

    newest, previous = world.indicator.history.all()[:2]
    assert newest.history_user == world.lead
    assert [(c.field, c.old, c.new) for c in newest.diff_against(previous).changes] == [
        ("title", "Indicator SS01", "Burglaries per 1,000 homes")
    ]
    newest, previous = result.history.all()[:2]
    assert newest.history_user == world.member
    assert newest.history_date is not None
    change = newest.diff_against(previous).changes[0]
    assert (change.field, change.old, change.new) == ("value", Decimal("101"), Decimal("97"))
    for model in (Plan, world.objective.__class__, Action, Risk, Indicator, Target, Result):
        assert hasattr(model, "history"), f"{model.__name__} has no history"


@pytest.mark.parametrize(
    "status, days_after_deadline, overdue",
    [
        ("open", 0, False),  # due today is not yet overdue
        ("open", 1, True),
        ("returned", 1, True),  # sent back for changes and still not resubmitted
        ("submitted", 1, False),
        ("signed_off", 30, False),
    ],
)
def test_a_return_is_overdue_while_still_being_written_after_its_deadline(
    world, status, days_after_deadline, overdue
):
    world.ret.status = status
    today = world.ret.deadline + datetime.timedelta(days=days_after_deadline)
    assert world.ret.is_overdue(today) is overdue


@pytest.mark.parametrize(
    "decimals, unit, value, shown",
    [
        (0, "count", "2.5", "3"),  # half up, as published statistics round (not half to even)
        (0, "count", "-2.5", "-3"),
        (0, "count", "12345.5", "12,346"),
        (1, "%", "0.25", "0.3%"),
        (1, "%", "0.35", "0.4%"),
        (2, "rate", "7", "7.00"),
    ],
)
def test_values_are_shown_rounded_half_up(decimals, unit, value, shown):
    indicator = Indicator(decimals=decimals, unit=unit)
    assert indicator.format_value(Decimal(value)) == shown
