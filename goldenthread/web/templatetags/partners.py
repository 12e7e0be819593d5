"""Filters for the shared-direction pages (issue 17)."""

from decimal import Decimal

from django import template

from goldenthread.core.finance import money as money_text
from goldenthread.rules import year_label

register = template.Library()


@register.filter
def money(amount: Decimal | str | None) -> str:
    """£12,345 (core.finance.money); "" for none (a missing profile's amount is "")."""
    if amount is None or amount == "":
        return ""
    return money_text(amount)


@register.filter
def financial_year(year: int | None) -> str:
    """2025 as "2025/26"; "" for none."""
    return year_label(year) if year else ""
