"""Open data reads (issue 15): only signed-off figures of published indicators of
partnerships with a public page, as the public page shows them, in a stable order, in a
fixed number of queries; and the performance team's choice of licence."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from goldenthread.core.models import (
    OpenDataLicence,
    Partnership,
    ReportingRound,
    Result,
    Return,
    SecurityEvent,
    Target,
)
from goldenthread.core.models.api import OGL_V3, OGL_V3_URL
from goldenthread.core.monitoring import unconfirmed_periods
from goldenthread.core.open_data import (
    council_open_data,
    open_data_licence,
    partnership_open_data,
    unconfirmed_periods_by_partnership,
)
from goldenthread.core.services.open_data import set_open_data_licence
from goldenthread.rules import Period
from tests.conftest import make_indicator, make_partnership


@pytest.fixture
def public(world):
    """Safer Streets with a public page publishing SS01 (2024/25 Q3 and 2025/26 Q2
    recorded outside any return; 2025/26 Q3 in the open return), an unpublished SS77,
    and the Other Partnership, without a public page, publishing OT01."""
    world.partnership.is_public = True
    world.partnership.save()
    world.indicator.is_published = True
    world.indicator.save()
    make_indicator(world.partnership, "SS77", {"2025/26 Q2": ("5", "7")})
    world.other_indicator.is_published = True
    world.other_indicator.save()
    return world


def keys(rows) -> list[tuple[str, str, str]]:
    return [(r.partnership, r.indicator_code, r.period) for r in rows]


def test_it_gives_only_signed_off_figures_of_published_indicators_of_public_partnerships(
    public,
):
    data = council_open_data()
    assert keys(data.rows) == [
        ("Safer Streets Partnership", "SS01", "2024/25 Q3"),
        ("Safer Streets Partnership", "SS01", "2025/26 Q2"),
    ]  # not 2025/26 Q3 (its return is open), not SS77, not the Other Partnership's OT01
    assert keys(partnership_open_data(public.partnership.pk).rows) == keys(data.rows)

    public.ret.status = Return.Status.SUBMITTED
    public.ret.save()
    assert "2025/26 Q3" not in [r.period for r in council_open_data().rows]

    public.ret.status = Return.Status.SIGNED_OFF
    public.ret.save()
    assert [r.period for r in council_open_data().rows] == [
        "2024/25 Q3",
        "2025/26 Q2",
        "2025/26 Q3",
    ]


def test_a_partnership_without_a_public_page_has_no_open_data(public):
    from django.http import Http404

    with pytest.raises(Http404):
        partnership_open_data(public.other.pk)
    public.partnership.is_public = False
    public.partnership.save()
    with pytest.raises(Http404):
        partnership_open_data(public.partnership.pk)
    assert council_open_data().rows == []


def test_each_row_says_what_the_public_page_says(public, settings):
    settings.GT_HOME_AREA_CODE = "E08000009"
    indicator = public.indicator
    indicator.unit = "%"
    indicator.decimals = 1
    indicator.save()
    Result.objects.filter(indicator=indicator, period=Period.parse("2025/26 Q2")).update(
        value=Decimal("80.04"), commentary="  Staff shortages; recruiting two officers.  "
    )
    Result.objects.filter(indicator=indicator, period=Period.parse("2024/25 Q3")).update(
        commentary="Not shown: the result is green"
    )
    row = council_open_data().rows[1]
    assert row.partnership_id == public.partnership.pk
    assert row.area_code == "E08000009"
    assert (row.indicator_code, row.indicator_title, row.frequency) == (
        "SS01",
        indicator.title,
        "quarterly",
    )
    assert (row.period, row.period_start, row.period_end) == (
        "2025/26 Q2",
        datetime.date(2025, 7, 1),
        datetime.date(2025, 9, 30),
    )
    # As the public page shows it: one decimal place; the target 100.0; red, so with its
    # commentary.
    assert row.value == Decimal("80.0") and str(row.value) == "80.0"
    assert (row.unit, row.polarity, row.target, row.target_upper) == (
        "%",
        "higher",
        Decimal("100.0"),
        None,
    )
    assert row.rag == "red" and not row.not_available
    assert row.commentary == "Staff shortages; recruiting two officers."
    assert council_open_data().rows[0].commentary == ""  # green: the page shows none


def test_a_band_target_and_a_result_not_available(public):
    band = make_indicator(
        public.partnership, "SS02", {"2025/26 Q1": ("10", None)}, polarity="band", is_published=True
    )
    Target.objects.filter(indicator=band).update(upper=Decimal("20"))
    Result.objects.create(
        indicator=band,
        period=Period.parse("2025/26 Q1"),
        not_available=True,
        not_available_reason="System outage",
    )
    row = partnership_open_data(public.partnership.pk).rows[-1]
    assert (row.indicator_code, row.period) == ("SS02", "2025/26 Q1")
    assert (row.value, row.not_available, row.rag) == (None, True, "grey")
    assert (row.target, row.target_upper, row.polarity) == (Decimal("10"), Decimal("20"), "band")


def test_the_order_is_stable_partnership_then_code_then_period(public):
    zeta = make_partnership("A Zeta first by name", public.council, is_public=True)
    make_indicator(zeta, "Z2", {"2025/26 Q1": ("1", "1")}, is_published=True)
    make_indicator(
        zeta, "Z1", {"2025/26 Q2": ("1", "1"), "2024/25 Q4": ("1", "1")}, is_published=True
    )
    rows = council_open_data().rows
    assert keys(rows) == [
        ("A Zeta first by name", "Z1", "2024/25 Q4"),
        ("A Zeta first by name", "Z1", "2025/26 Q2"),
        ("A Zeta first by name", "Z2", "2025/26 Q1"),
        ("Safer Streets Partnership", "SS01", "2024/25 Q3"),
        ("Safer Streets Partnership", "SS01", "2025/26 Q2"),
    ]
    assert keys(council_open_data().rows) == keys(rows)


def test_the_periods_held_back_are_the_monitoring_rule_for_every_partnership(world):
    """core.monitoring.unconfirmed_periods, one partnership at a time, and the open data's
    read for many at once agree: the same rule, read in one query."""
    q4 = ReportingRound.objects.create(
        period=Period.parse("2025/26 Q4"), deadline=datetime.date(2026, 4, 30)
    )
    q2 = ReportingRound.objects.create(
        period=Period.parse("2025/26 Q2"), deadline=datetime.date(2025, 10, 31)
    )
    Return.objects.create(round=q4, partnership=world.other, deadline=q4.deadline)
    Return.objects.create(
        round=q2, partnership=world.other, deadline=q2.deadline, status=Return.Status.SIGNED_OFF
    )
    Return.objects.create(
        round=q4, partnership=world.partnership, deadline=q4.deadline, status="returned"
    )
    quiet = make_partnership("Quiet", world.council)
    ids = [world.partnership.pk, world.other.pk, quiet.pk]
    batched = unconfirmed_periods_by_partnership(ids)
    for partnership in Partnership.objects.filter(pk__in=ids):
        assert batched.get(partnership.pk, set()) == unconfirmed_periods(partnership)
    assert Period.parse("2025/26") in batched[world.other.pk]  # Q4 holds back the year


@pytest.mark.parametrize("scope", ["council", "partnership"])
def test_the_reads_take_a_fixed_number_of_queries(public, scope, django_assert_num_queries):
    def read():
        if scope == "council":
            return council_open_data()
        return partnership_open_data(public.partnership.pk)

    expected = 5 if scope == "council" else 6
    with django_assert_num_queries(expected):
        few = len(read().rows)
    for n in range(4):
        partnership = (
            public.partnership
            if scope == "partnership"
            else make_partnership(f"More {n}", public.council, is_public=True)
        )
        make_indicator(
            partnership,
            f"M{n}",
            {label: ("10", "12") for label in ("2024/25 Q1", "2024/25 Q2", "2024/25 Q3")},
            is_published=True,
        )
    with django_assert_num_queries(expected):
        many = len(read().rows)
    assert many == few + 12


# --- the licence ---------------------------------------------------------------------------


def test_the_licence_is_ogl_v3_until_the_council_chooses(world):
    assert not OpenDataLicence.objects.exists()
    licence = open_data_licence()
    assert (licence.name, licence.url) == (OGL_V3, OGL_V3_URL)
    assert not OpenDataLicence.objects.exists()  # reading writes nothing
    assert council_open_data().licence.url == OGL_V3_URL


def test_the_performance_team_changes_the_licence_and_it_is_recorded(world):
    set_open_data_licence(
        by=world.performance,
        name=" Creative Commons Attribution 4.0 ",
        url="https://creativecommons.org/licenses/by/4.0/",
        attribution="Contains Test Council data",
    )
    licence = OpenDataLicence.objects.get()
    assert (licence.name, licence.url, licence.attribution, licence.updated_by) == (
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
        "Contains Test Council data",
        world.performance,
    )
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LICENCE_CHANGED)
    assert event.actor == world.performance
    assert "open data licence: Creative Commons Attribution 4.0" in event.detail
    assert council_open_data().licence.name == "Creative Commons Attribution 4.0"

    # The same again changes nothing and records nothing.
    set_open_data_licence(
        by=world.performance,
        name="Creative Commons Attribution 4.0",
        url="https://creativecommons.org/licenses/by/4.0/",
        attribution="Contains Test Council data",
    )
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LICENCE_CHANGED).count() == 1


@pytest.mark.parametrize("role", ["lead", "member", "viewer", "outsider"])
def test_only_the_performance_team_changes_the_licence(world, role):
    with pytest.raises(PermissionDenied):
        set_open_data_licence(by=world.person(role), name="Mine", url="https://example.org/")
    assert not OpenDataLicence.objects.exclude(name=OGL_V3).exists()


@pytest.mark.parametrize(
    "name, url, field",
    [
        ("", "https://example.org/", "name"),
        ("A licence", "", "url"),
        ("A licence", "javascript:alert(1)", "url"),
        ("A licence", "ftp://example.org/licence", "url"),
        ("A licence", "https://example.org/" + "a" * 400, "url"),
        ("A licence", "https://example.org/\x00", "url"),
        ("x" * 201, "https://example.org/", "name"),
        ("Bad\x00name", "https://example.org/", "name"),
    ],
)
def test_a_bad_licence_is_refused_field_by_field(world, name, url, field):
    with pytest.raises(ValidationError) as refused:
        set_open_data_licence(by=world.performance, name=name, url=url)
    assert field in refused.value.message_dict
    assert not OpenDataLicence.objects.exists()  # refused before anything is written
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LICENCE_CHANGED).exists()
