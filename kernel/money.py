"""Money: Decimal amounts rounded and formatted the way their currency is, and the whole
hundredths pricing computes in."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import cast

from django.utils.formats import number_format

from kernel.conf import setting

# Digits after the decimal point, per ISO 4217. Currencies not listed have two.
MINOR_UNITS = {"JPY": 0, "KRW": 0}
SYMBOLS = {"JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "KRW": "₩"}


def currency_default() -> str:
    return cast(str, setting("SHOP_CURRENCY"))


# The smallest unit of each number of places (pricing rounds every discount of every line).
_UNITS = {places: Decimal(1).scaleb(-places) for places in (0, 2)}


def money_round(amount: Decimal, currency: str | None = None) -> Decimal:
    """Round an amount to the smallest unit of its currency (half up, as tills do)."""
    places = MINOR_UNITS.get(currency or currency_default(), 2)
    unit = _UNITS.get(places) or Decimal(1).scaleb(-places)
    return Decimal(amount).quantize(unit, rounding=ROUND_HALF_UP)


# Pricing takes discount after discount off a basket's lines: hundreds of them when national
# offers stack. It does so in whole hundredths of the currency's unit (the two decimal places
# the database keeps), as integers: the same figures as Decimal arithmetic, several times faster.


def hundredths(amount: Decimal) -> int:
    """An amount in whole hundredths of its unit (¥12.50 → 1250); it may not have more places."""
    scaled = amount.scaleb(2)
    whole = int(scaled)
    if whole != scaled:
        raise ValueError(f"{amount} has more than two decimal places")
    return whole


_HUNDREDTH = Decimal("0.01")


def from_hundredths(count: int) -> Decimal:
    """Hundredths back to an amount with two places, as the database keeps them (1250 → 12.50)."""
    return _HUNDREDTH * count  # exact, and five times cheaper than Decimal(count).scaleb(-2)


def rounding_step(currency: str | None = None) -> int:
    """The currency's smallest unit in hundredths: 100 for the yen, 1 for the cent."""
    places = MINOR_UNITS.get(currency or currency_default(), 2)
    return int(10 ** (2 - places))


def share(numerator: int, denominator: int, step: int) -> int:
    """numerator ÷ denominator (hundredths, not negative) rounded half up to a whole `step`:
    `money_round` on exact fractions."""
    unit = denominator * step
    return (2 * numerator + unit) // (2 * unit) * step


def money_format(amount: Decimal, currency: str | None = None) -> str:
    """Format an amount for the active language: ¥1,200 or $12.50."""
    currency = currency or currency_default()
    places = MINOR_UNITS.get(currency, 2)
    rounded = money_round(amount, currency)
    number = number_format(rounded, decimal_pos=places, use_l10n=True, force_grouping=True)
    symbol = SYMBOLS.get(currency)
    if symbol is None:
        return f"{number} {currency}"
    if rounded < 0:
        return f"-{symbol}{number.lstrip('-')}"
    return f"{symbol}{number}"
