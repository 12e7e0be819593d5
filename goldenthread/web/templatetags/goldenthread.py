from decimal import Decimal

from django import template
from django.utils.html import format_html

from goldenthread.rules import Direction, ObjectiveStatus, Rag, status_rag

register = template.Library()

TAG_COLOURS = {Rag.RED: "red", Rag.AMBER: "yellow", Rag.GREEN: "green", Rag.GREY: "grey"}
DIRECTION_ARROWS = {
    Direction.BETTER: "▲",
    Direction.WORSE: "▼",
    Direction.SAME: "►",
    Direction.UNKNOWN: "",
}


@register.simple_tag
def rag_tag(rag: Rag | str) -> str:
    rag = Rag(rag)
    return format_html(
        '<strong class="govuk-tag govuk-tag--{} gt-rag">{}</strong>', TAG_COLOURS[rag], rag.label
    )


@register.simple_tag
def status_tag(status: ObjectiveStatus | str) -> str:
    status = ObjectiveStatus(status)
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
        TAG_COLOURS[status_rag(status)],
        status.label,
    )


@register.simple_tag
def direction_text(direction: Direction | str) -> str:
    direction = Direction(direction)
    arrow = DIRECTION_ARROWS[direction]
    if not arrow:
        return direction.label
    return format_html('<span aria-hidden="true">{}</span> {}', arrow, direction.label)


@register.filter
def fmt(value: Decimal | None, indicator) -> str:
    """A value as the indicator shows it: its decimals and unit."""
    return indicator.format_value(value)
