"""The open-data licence for the public pages' links to their files (issue 15)."""

from django import template

from goldenthread.core.models import OpenDataLicence
from goldenthread.core.open_data import open_data_licence as current_licence

register = template.Library()


@register.simple_tag
def open_data_licence() -> OpenDataLicence:
    """`{% open_data_licence as licence %}`: one query."""
    return current_licence()
