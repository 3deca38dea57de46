from __future__ import annotations

from decimal import Decimal

import pytest

from shop.checkout.payments import Card, PaymentDeclined, TestCardProvider, luhn_valid


def card(number: str) -> Card:
    return Card(number=number, expiry_month=12, expiry_year=2039, cvc="123")


def test_the_success_card_is_charged():
    result = TestCardProvider().charge(
        amount=Decimal(1000), currency="JPY", card=card("4242424242424242"), description="x"
    )
    assert result.reference.startswith("test_")


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("4000000000000002", "declined"),
        ("4000000000009995", "insufficient funds"),
        ("4111111111111111", "test cards only"),
    ],
)
def test_other_cards_are_declined_with_a_reason(number, message):
    with pytest.raises(PaymentDeclined, match=message):
        TestCardProvider().charge(
            amount=Decimal(1000), currency="JPY", card=card(number), description="x"
        )


def test_luhn():
    assert luhn_valid("4242424242424242")
    assert not luhn_valid("4242424242424241")
    assert not luhn_valid("42")
