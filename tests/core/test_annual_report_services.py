"""The annual report's writes refuse anyone but the partnership's leads, whoever calls them,
and say why a write cannot happen now in the same words that the pages show."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from goldenthread.core.models import AnnualReport
from goldenthread.core.services import annual_reports as services

YEAR = 2025


@pytest.fixture(autouse=True)
def after_the_year():
    with time_machine.travel(datetime.datetime(2026, 5, 12, 10, 0), tick=False):
        yield


def never_rendered(content):
    raise AssertionError("a refused publication must not render its files")


def publish(world, by):
    return services.publish_report(
        partnership=world.partnership, year=YEAR, by=by, render=never_rendered
    )


@pytest.mark.parametrize("who", ["member", "viewer", "performance", "outsider", "nobody"])
def test_only_a_lead_writes_the_annual_report(world, who):
    person = getattr(world, who)
    services.save_commentary(
        partnership=world.partnership, year=YEAR, commentary="Ours.", by=world.lead
    )
    writes = [
        lambda: services.save_commentary(
            partnership=world.partnership, year=YEAR, commentary="Mine.", by=person
        ),
        lambda: publish(world, person),
        lambda: services.start_correction(
            partnership=world.partnership, year=YEAR, note="Mine.", by=person
        ),
        lambda: services.set_publishing(
            partnership=world.partnership, is_public=True, published_indicator_ids=[], by=person
        ),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied, match="Only the partnership's lead link officer"):
            write()
    draft = AnnualReport.objects.get()
    assert (draft.status, draft.commentary) == ("draft", "Ours.")
    world.partnership.refresh_from_db()
    assert not world.partnership.is_public


def test_the_refusals_the_pages_show_are_the_ones_the_services_raise(world):
    partnership = world.partnership
    today = datetime.date(2026, 5, 12)
    for refusal, write in [
        (
            services.publish_refusal(partnership, YEAR, today),
            lambda: publish(world, world.lead),
        ),
        (
            services.correction_refusal(partnership, YEAR),
            lambda: services.start_correction(
                partnership=partnership, year=YEAR, note="A figure.", by=world.lead
            ),
        ),
    ]:
        assert refusal
        with pytest.raises(ValidationError) as raised:
            write()
        assert raised.value.messages == [refusal]
    assert services.commentary_refusal(partnership, YEAR) is None
    assert AnnualReport.objects.count() == 0


def test_a_year_no_report_can_be_about_is_refused(world):
    with pytest.raises(ValidationError, match="Enter a year from 1990 to 2099"):
        services.save_commentary(
            partnership=world.partnership, year=1899, commentary="Long ago.", by=world.lead
        )
