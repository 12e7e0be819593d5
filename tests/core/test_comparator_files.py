"""Indicators and comparator groups from a published data file (issue 16), without HTTP:
who may, all or nothing, the history each figure gets, and the mapping remembered for the
next file. The pages and a real file: tests/web/test_comparator_files.py and
tests/browser/test_comparator_files.py."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from goldenthread.core.benchmarking import remembered_mappings
from goldenthread.core.models import (
    Area,
    ComparatorGroup,
    ComparatorMapping,
    ComparatorValue,
    Indicator,
    Result,
)
from goldenthread.core.services.comparator_files import (
    FileArea,
    FileFigure,
    NewIndicator,
    areas_of_type,
    create_group_from_areas,
    create_indicators_from_file,
)
from goldenthread.rules import Period
from tests.conftest import HOME

NAME = "Children cautioned or sentenced"


def figures(*rows):
    return [FileFigure(code, name, Period.parse(p), Decimal(v)) for code, name, p, v in rows]


def new(code="CF01", measure="Count", rows=(), **fields):
    asked = dict(
        title=f"{NAME} ({measure})",
        unit="count",
        polarity="lower",
        decimals=0,
        frequency="annual",
    )
    return NewIndicator(
        source_indicator=NAME,
        source_measure=measure,
        code=code,
        figures=figures(*rows),
        **{**asked, **fields},
    )


COUNT = (
    (HOME, "Trafford", "2022/23", "74"),
    (HOME, "Trafford", "2023/24", "78"),
    ("E08000002", "Bury", "2023/24", "90"),
    ("E09000006", "Bromley", "2023/24", "204"),
)
RATE = ((HOME, "Trafford", "2023/24", "32"), ("E08000002", "Bury", "2023/24", "39.5"))


def everything() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Indicator, Result, ComparatorValue, ComparatorMapping, Area)
    } | {"history": Indicator.history.count() + Result.history.count()}


def test_it_creates_indicators_with_their_history(world):
    created = create_indicators_from_file(
        plan=world.draft_plan,
        objective=world.draft_objective,
        indicators=[new(rows=COUNT), new("CF02", "Per 10,000 aged 10-17", RATE, decimals=1)],
        by=world.lead,
        source="children_offending.csv",
    )
    count, rate = created.indicators
    assert (count.code, count.partnership, count.polarity, count.frequency) == (
        "CF01",
        world.partnership,
        "lower",
        "annual",
    )
    assert rate.decimals == 1 and rate.title == f"{NAME} (Per 10,000 aged 10-17)"
    assert "children_offending.csv" in count.data_source
    assert world.draft_objective.indicators.filter(pk=count.pk).exists()
    assert count.history.get().history_change_reason == "Added to the plan"

    # Our area's figures are its past results, with the file named in their history.
    results = {r.period.label: r.value for r in count.results.all()}
    assert results == {"2022/23": Decimal("74"), "2023/24": Decimal("78")}
    history = Result.history.filter(indicator_id=count.pk)
    assert {h.history_change_reason for h in history} == {"Imported from children_offending.csv"}
    assert {h.history_user for h in history} == {world.lead}
    assert created.results == 3

    # Every other area's are comparator figures; the new areas are added.
    values = ComparatorValue.objects.filter(indicator=count)
    assert {(v.area.code, v.value) for v in values} == {
        ("E08000002", Decimal("90")),
        ("E09000006", Decimal("204")),
    }
    assert not values.filter(area__code=HOME).exists()
    assert values.first().source == "children_offending.csv"
    assert created.comparator_values == 3
    assert Area.objects.get(code="E09000006").name == "Bromley"

    # The next file of the same kind maps itself.
    pairs = [(NAME, "Count"), (NAME, "Per 10,000 aged 10-17")]
    assert remembered_mappings(pairs, [count, rate]) == {pairs[0]: count.pk, pairs[1]: rate.pk}


def test_it_is_all_or_nothing(world):
    before = everything()
    with pytest.raises(ValidationError) as refused:
        create_indicators_from_file(
            plan=world.draft_plan,
            objective=None,
            indicators=[new(rows=COUNT), new("CF01", "Per 10,000 aged 10-17", RATE)],
            by=world.lead,
            source="children_offending.csv",
        )
    assert refused.value.message_dict == {
        "1-code": ["Safer Streets Partnership already has an indicator CF01."]
    }
    assert everything() == before


def test_a_refusal_names_the_indicator_and_its_box(world):
    with pytest.raises(ValidationError) as refused:
        create_indicators_from_file(
            plan=world.draft_plan,
            objective=None,
            indicators=[new(rows=COUNT), new("CF02", polarity="sideways")],
            by=world.lead,
            source="f.csv",
        )
    assert list(refused.value.message_dict) == ["1-polarity"]
    assert not Indicator.objects.filter(code__in=["CF01", "CF02"]).exists()


def test_two_figures_for_our_area_in_one_period_are_refused(world):
    rows = ((HOME, "Trafford", "2023/24", "78"), (HOME, "Trafford", "2023/24", "80"))
    with pytest.raises(ValidationError) as refused:
        create_indicators_from_file(
            plan=world.draft_plan,
            objective=None,
            indicators=[new(rows=rows)],
            by=world.lead,
            source="f.csv",
        )
    assert "two different figures for our area in 2023/24" in str(refused.value)
    assert not Indicator.objects.filter(code="CF01").exists()


def test_our_figures_for_periods_a_return_reports_are_left_for_the_return(world):
    # The world's return is for 2025/26 Q3: it reports a quarterly indicator's 2025/26 Q3.
    rows = (
        (HOME, "Trafford", "2025/26 Q2", "5"),
        (HOME, "Trafford", "2025/26 Q3", "6"),
        ("E08000002", "Bury", "2025/26 Q3", "7"),
    )
    created = create_indicators_from_file(
        plan=world.draft_plan,
        objective=None,
        indicators=[new(rows=rows, frequency="quarterly")],
        by=world.lead,
        source="f.csv",
    )
    (indicator,) = created.indicators
    assert [r.period.label for r in indicator.results.all()] == ["2025/26 Q2"]
    assert created.left_for_returns == 1
    assert ComparatorValue.objects.filter(indicator=indicator).count() == 1


@pytest.mark.parametrize("who", ["member", "viewer", "performance", "outsider"])
def test_only_the_partnerships_leads_create_indicators_from_a_file(world, who):
    before = everything()
    with pytest.raises(PermissionDenied):
        create_indicators_from_file(
            plan=world.draft_plan,
            objective=None,
            indicators=[new(rows=COUNT)],
            by=world.person(who),
            source="f.csv",
        )
    assert everything() == before


def test_indicators_are_added_to_a_draft_only(world):
    with pytest.raises(ValidationError):
        create_indicators_from_file(
            plan=world.plan, objective=None, indicators=[new()], by=world.lead, source="f"
        )
    assert not Indicator.objects.filter(code="CF01").exists()


# --- groups -----------------------------------------------------------------------------------

AREAS = [
    FileArea("E92000001", "England", "Country"),
    FileArea("E12000002", "North West", "Region"),
    FileArea(HOME, "Trafford", "UA"),
    FileArea("E08000002", "Bury", "UA"),
    FileArea(HOME, "Trafford", "UA"),  # another period's row
    FileArea("E10000014", "Hampshire", "County"),
    FileArea("E09000006", "Bromley", "UA"),
]


def test_every_area_in_the_file_leaves_out_england_and_the_regions():
    assert [a.code for a in areas_of_type(AREAS)] == [HOME, "E08000002", "E10000014", "E09000006"]
    assert [a.code for a in areas_of_type(AREAS, prefix="E08")] == [HOME, "E08000002"]
    assert [a.code for a in areas_of_type(AREAS, file_type="County")] == ["E10000014"]


def test_the_performance_team_makes_a_group_of_every_area_of_a_type(world):
    group, count = create_group_from_areas(
        name="Metropolitan districts", areas=AREAS, prefix="E08", by=world.performance
    )
    assert count == 2
    assert set(group.areas.values_list("code", flat=True)) == {HOME, "E08000002"}
    # Made again from another file, its list is replaced.
    group, count = create_group_from_areas(
        name="Metropolitan districts", areas=AREAS, by=world.performance
    )
    assert group.areas.count() == count == 4
    assert ComparatorGroup.objects.count() == 1


def test_a_group_needs_areas_of_the_kind_chosen(world):
    with pytest.raises(ValidationError) as refused:
        create_group_from_areas(name="Welsh", areas=AREAS, prefix="W06", by=world.performance)
    assert refused.value.message_dict == {"areas": ["The file has no areas of the kind chosen."]}
    assert not ComparatorGroup.objects.exists()


@pytest.mark.parametrize("who", ["lead", "member"])
def test_only_the_performance_team_makes_groups(world, who):
    with pytest.raises(PermissionDenied):
        create_group_from_areas(name="Neighbours", areas=AREAS, by=world.person(who))
    assert not ComparatorGroup.objects.exists()
