import datetime
from decimal import Decimal
from html import escape

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from goldenthread.core.charts import TAG_COLOURS
from goldenthread.rules import Direction, ObjectiveStatus, Rag, status_rag

register = template.Library()

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


RETURN_COLOURS = {"signed_off": "green", "submitted": "blue", "returned": "orange", "open": "grey"}


@register.simple_tag
def return_status_tag(ret, today: datetime.date) -> str:
    """A return's status; an open return past its deadline shows as overdue (one
    returned for changes keeps that label, which says what is wanted)."""
    if ret.status == ret.Status.OPEN and ret.is_overdue(today):
        return mark_safe('<strong class="govuk-tag govuk-tag--red">Overdue</strong>')
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
        RETURN_COLOURS[ret.status],
        ret.get_status_display(),
    )


# The two tags below fill the council table's hundreds of cells, so they escape with the
# standard library's html.escape (what Django's escape does, without its lazy-text checks,
# which cost more than the escaping) and join plain strings.


@register.simple_tag
def count_link(href: str, count: int, hidden: str) -> str:
    """A count linking to its detail; nothing to link to when it is none."""
    if not count:
        return "0"
    return mark_safe(  # every value is escaped or an int
        f'<a class="govuk-link" href="{escape(href)}">{int(count)}'
        f'<span class="govuk-visually-hidden"> {escape(hidden)}</span></a>'
    )


@register.simple_tag
def link_list(links: list, empty: str) -> str:
    """A short list of links in a table cell (``web.views.council.Link``), or ``empty``."""
    if not links:
        return empty
    items = "".join(
        f'<li><a class="govuk-link" href="{escape(link.href)}">{escape(link.text)}'
        + (
            f'<span class="govuk-visually-hidden">{escape(link.hidden)}</span>'
            if link.hidden
            else ""
        )
        + f"</a>{escape(link.after)}</li>"
        for link in links
    )
    return mark_safe(  # every value is escaped
        f'<ul class="govuk-list govuk-!-font-size-16 govuk-!-margin-bottom-0">{items}</ul>'
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


@register.simple_tag
def text_limit_hint(model: str, field: str) -> str:
    """ "You can enter up to 4,000 characters." for a model's text field, in forms written
    by hand: {% text_limit_hint "core.Comment" "body" %}."""
    from django.apps import apps

    from goldenthread.rules.inputs import limit_hint

    return limit_hint(apps.get_model(model)._meta.get_field(field).max_length)
