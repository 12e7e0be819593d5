"""Risks without HTTP: the council's 5×5 banding and the contrast of its colours, the heat
map's cells, the next reference, and the services, which refuse what the form refuses and
write history only for a change. The register page and its forms: tests/web/test_risks.py."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from goldenthread.core.models import Risk
from goldenthread.core.risks import RiskLevel, heat_map, next_ref, risk_level
from goldenthread.core.services.risks import create_risk, update_risk
from tests.conftest import add_risk, make_partnership


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 1, 15, 12, 0), tick=False):
        yield


# --- Risk levels --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (1, RiskLevel.LOW),
        (4, RiskLevel.LOW),
        (5, RiskLevel.MEDIUM),
        (9, RiskLevel.MEDIUM),
        (10, RiskLevel.HIGH),
        (12, RiskLevel.HIGH),
        (14, RiskLevel.HIGH),
        (15, RiskLevel.VERY_HIGH),
        (25, RiskLevel.VERY_HIGH),
    ],
)
def test_risk_levels_follow_the_councils_5x5_banding(score, level):
    assert risk_level(score) is level


@pytest.mark.parametrize("score", [0, 26])
def test_a_score_outside_1_to_25_has_no_level(score):
    with pytest.raises(ValueError):
        risk_level(score)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("level", list(RiskLevel))
def test_heat_map_text_has_at_least_4_5_to_1_contrast_on_every_band(level):
    light, dark = sorted([_luminance(level.fill), _luminance(level.text)], reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5


# --- The heat map --------------------------------------------------------------------------


def test_the_heat_map_colours_cells_by_band():
    cells = {(c.likelihood, c.impact): c for c in heat_map([]).cells}
    assert cells[(1, 4)].level is RiskLevel.LOW
    assert cells[(3, 3)].level is RiskLevel.MEDIUM
    assert cells[(2, 5)].level is RiskLevel.HIGH
    assert cells[(5, 3)].level is RiskLevel.VERY_HIGH


def test_a_crowded_cell_shows_at_most_two_lines_of_refs():
    class R:
        def __init__(self, ref):
            self.ref = ref
            self.residual_likelihood = self.residual_impact = 3

    cell = next(c for c in heat_map([R(f"R{i}") for i in range(1, 9)]).cells if c.count)
    assert cell.ref_lines == ["R1, R2, R3", "R4, R5 +3"]


# --- Adding and editing a risk -------------------------------------------------------------


def test_the_next_ref_follows_the_highest_number(world):
    add_risk(world, "R9", (3, 3), (2, 2))
    add_risk(world, "R10", (3, 3), (2, 2))
    add_risk(world, "FIN1", (3, 3), (2, 2))
    assert next_ref(world.partnership) == "R11"
    assert next_ref(make_partnership("Empty", world.council)) == "R1"


def test_the_service_refuses_what_the_form_refuses(world):
    fields = {
        "title": "Bad",
        "inherent_likelihood": 2,
        "inherent_impact": 2,
        "residual_likelihood": 3,
        "residual_impact": 3,
        "owner": world.member,
        "review_date": datetime.date(2026, 3, 1),
    }
    with pytest.raises(ValidationError) as error:
        create_risk(partnership=world.partnership, by=world.lead, **fields)
    assert "residual_likelihood" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        create_risk(
            partnership=world.partnership,
            by=world.lead,
            **{**fields, "residual_likelihood": 1, "owner": world.outsider, "review_date": None},
        )
    assert set(error.value.message_dict) == {"owner", "review_date"}
    assert Risk.objects.count() == 1


def test_saving_without_changes_writes_no_history(world):
    update_risk(risk=world.risk, by=world.lead, title="Police funding cut")
    assert world.risk.history.count() == 1


def test_update_risk_refuses_fields_it_does_not_edit(world):
    with pytest.raises(TypeError):
        update_risk(risk=world.risk, by=world.lead, is_open=False)
