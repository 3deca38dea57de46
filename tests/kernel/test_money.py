"""Money: rounding and formatting per currency, and the whole hundredths pricing computes in,
which must give exactly the figures Decimal arithmetic gives."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kernel.money import (
    from_hundredths,
    hundredths,
    money_format,
    money_round,
    rounding_step,
    share,
)

CURRENCIES = ["JPY", "USD"]
# Amounts as the database keeps them: two decimal places, from nothing to ten million.
amounts = st.integers(0, 10**9).map(from_hundredths)
percents = st.integers(1, 10_000).map(from_hundredths)  # 0.01 % to 100 %


@pytest.mark.parametrize(
    ("amount", "currency", "rounded"),
    [
        ("149.85", "JPY", "150"),
        ("149.49", "JPY", "149"),
        ("0.50", "JPY", "1"),
        ("1.005", "USD", "1.01"),
        ("1.004", "USD", "1.00"),
    ],
)
def test_amounts_round_half_up_to_the_currencys_unit(amount, currency, rounded):
    assert money_round(Decimal(amount), currency) == Decimal(rounded)


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [("1200", "JPY", "¥1,200"), ("12.5", "USD", "$12.50"), ("-300", "JPY", "-¥300")],
)
def test_amounts_are_shown_with_their_symbol_and_places(amount, currency, shown):
    assert money_format(Decimal(amount), currency) == shown


def test_hundredths_are_whole_and_come_back_with_two_places():
    assert hundredths(Decimal("12.50")) == 1250
    assert hundredths(Decimal(1200)) == 120_000
    assert from_hundredths(1250) == Decimal("12.50")
    assert str(from_hundredths(120_000)) == "1200.00"


def test_an_amount_finer_than_a_hundredth_is_refused_rather_than_rounded():
    with pytest.raises(ValueError, match="more than two decimal places"):
        hundredths(Decimal("1.005"))


def test_the_rounding_step_is_the_currencys_smallest_unit():
    assert rounding_step("JPY") == 100
    assert rounding_step("USD") == 1


@given(amount=amounts, percent=percents, currency=st.sampled_from(CURRENCIES))
def test_a_percentage_in_hundredths_is_what_decimal_arithmetic_gives(amount, percent, currency):
    by_decimal = money_round(amount * percent / 100, currency)
    by_integers = share(hundredths(amount) * hundredths(percent), 10_000, rounding_step(currency))
    assert from_hundredths(by_integers) == by_decimal


@given(
    part=amounts,
    rest=amounts,
    value=amounts,
    currency=st.sampled_from(CURRENCIES),
)
def test_a_share_in_proportion_is_what_decimal_arithmetic_gives(part, rest, value, currency):
    base = part + rest
    assume(base)
    by_decimal = money_round(value * part / base, currency)
    by_integers = share(
        hundredths(value) * hundredths(part), hundredths(base), rounding_step(currency)
    )
    assert from_hundredths(by_integers) == by_decimal
