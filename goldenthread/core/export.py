"""The whole-data export: everything a partnership's record holds, as tables a spreadsheet
opens (documents.export writes them as CSV files in a ZIP). Each table is one kind of
record, a row per record, a column per field, with people, organisations and linked
records by name, choices as they are shown, and the partnership's name first, so the
council-wide export (every partnership) reads the same way."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import models
from django.db.models import F, QuerySet

from .models import (
    Action,
    ActionUpdate,
    AnnualUpdateForm,
    Budget,
    Comment,
    CorrectiveAction,
    Feedback,
    ImprovementPlan,
    Indicator,
    Lesson,
    Objective,
    OutsideContribution,
    PartnerDecisionDate,
    PartnerProfile,
    Partnership,
    Plan,
    PlanSignUp,
    PlanTarget,
    Result,
    Return,
    ReviewMeeting,
    Risk,
    RiskReview,
    Spend,
    SuccessStory,
    Target,
)

# file name, model, the path from the model to its partnership
TABLES: list[tuple[str, type[models.Model], str]] = [
    ("plans", Plan, "partnership"),
    ("plan_targets", PlanTarget, "plan__partnership"),
    ("objectives", Objective, "plan__partnership"),
    ("actions", Action, "objective__plan__partnership"),
    ("indicators", Indicator, "partnership"),
    ("targets", Target, "indicator__partnership"),
    ("results", Result, "indicator__partnership"),
    ("risks", Risk, "partnership"),
    ("returns", Return, "partnership"),
    ("action_updates", ActionUpdate, "ret__partnership"),
    ("risk_reviews", RiskReview, "ret__partnership"),
    ("corrective_actions", CorrectiveAction, "ret__partnership"),
    ("improvement_plans", ImprovementPlan, "indicator__partnership"),
    ("budgets", Budget, "partnership"),
    ("spend", Spend, "partnership"),
    ("review_meetings", ReviewMeeting, "partnership"),
    ("comments", Comment, "partnership"),
    ("feedback", Feedback, "partnership"),
    ("lessons", Lesson, "partnership"),
    ("success_stories", SuccessStory, "partnership"),
    ("annual_update_forms", AnnualUpdateForm, "partnership"),
    ("plan_sign_ups", PlanSignUp, "plan__partnership"),
    ("partner_profiles", PartnerProfile, "partnership"),
    ("partner_decision_dates", PartnerDecisionDate, "profile__partnership"),
    ("outside_contributions", OutsideContribution, "objective__plan__partnership"),
]

# Not for a spreadsheet: frozen documents, files, optimistic-locking counters.
_SKIPPED = (models.JSONField, models.BinaryField, models.FileField)


@dataclass
class Table:
    name: str
    headers: list[str]
    rows: Iterator[list[str]]
    count: int


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if not isinstance(f, _SKIPPED) and f.name != "version"
    ]


def _cell(obj: models.Model, field: models.Field) -> str:
    if field.is_relation:
        related = getattr(obj, field.name)
        return "" if related is None else str(related)
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    value = getattr(obj, field.attname)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _rows(queryset: QuerySet, fields: list[models.Field]) -> Iterator[list[str]]:
    for obj in queryset.iterator(chunk_size=2000):
        yield [obj._partnership_name, *(_cell(obj, f) for f in fields)]


def export_tables(partnerships: QuerySet[Partnership]) -> list[Table]:
    """The tables of these partnerships' records (one partnership, or the council's all)."""
    ids = list(partnerships.values_list("pk", flat=True))
    tables = []
    for name, model, path in TABLES:
        fields = _fields(model)
        related = [f.name for f in fields if f.is_relation]
        queryset = (
            model.objects.filter(**{f"{path}__in": ids})
            .select_related(*related)
            .annotate(_partnership_name=F(f"{path}__name"))
            .order_by(f"{path}__name", "pk")
        )
        headers = ["partnership", *(str(f.verbose_name) for f in fields)]
        tables.append(
            Table(name=name, headers=headers, rows=_rows(queryset, fields), count=queryset.count())
        )
    return tables
