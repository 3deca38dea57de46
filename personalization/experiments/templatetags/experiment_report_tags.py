"""Numbers as the experiment reports print them: rates, uplifts, p-values, money."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import formats

from kernel.money import money_format

register = template.Library()


@register.filter
def percent(value: float | str | None, digits: int = 1) -> str:
    """0.1234 → "12.3 %"; nothing known → "—"."""
    if value is None or value == "":
        return "—"
    return f"{formats.number_format(float(value) * 100, decimal_pos=digits, use_l10n=True)} %"


@register.filter
def signed_percent(value: float | str | None, digits: int = 1) -> str:
    """An uplift: "+4.2 %", "−3.0 %"."""
    from ..reports import signed_text

    return signed_text(None if value in (None, "") else float(value), int(digits))


@register.filter
def p_value(value: float | None) -> str:
    from ..reports import p_text

    return p_text(value)


@register.filter
def report_money(value) -> str:
    """An amount in the shop's currency, e.g. an average revenue per visitor."""
    return money_format(Decimal(str(value or 0)))


@register.filter
def verdict(comparison) -> str:
    """A comparison's verdict in words: "Significantly better", "Not enough data yet"…"""
    from ..reports import verdict_label

    return verdict_label(comparison)
