from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from kernel.money import money_format

register = template.Library()


@register.filter
def money(amount, currency: str | None = None) -> str:
    """{{ product.price|money }} → ¥1,200 (formatted for the active language)."""
    if amount in (None, ""):
        return ""
    try:
        return money_format(Decimal(amount), currency or None)
    except (InvalidOperation, TypeError):
        return ""
