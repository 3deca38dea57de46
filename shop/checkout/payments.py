"""Payment providers. The shop talks to one through `PaymentProvider`; settings pick which.

`TestCardProvider` is the built-in provider for laptops, demos and tests: it never moves money
and answers like a real card processor would for its well-known test numbers.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Card:
    number: str
    expiry_month: int
    expiry_year: int
    cvc: str


@dataclass(frozen=True)
class PaymentResult:
    reference: str


class PaymentDeclined(Exception):
    """The provider refused the payment; the message is for the shopper."""


class PaymentProvider(Protocol):
    def charge(
        self, *, amount: Decimal, currency: str, card: Card, description: str
    ) -> PaymentResult: ...


def luhn_valid(number: str) -> bool:
    if not number.isdigit() or not 12 <= len(number) <= 19:
        return False
    total = 0
    for index, digit in enumerate(reversed(number)):
        value = int(digit)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


class TestCardProvider:
    """Accepts 4242 4242 4242 4242; declines 4000 0000 0000 0002 and 4000 0000 0000 9995."""

    __test__ = False  # not a pytest test class

    SUCCESS = {"4242424242424242", "5555555555554444"}
    DECLINED = {
        "4000000000000002": lambda: _("Your card was declined. No money was taken."),
        "4000000000009995": lambda: _("Your card has insufficient funds. No money was taken."),
    }

    def charge(
        self, *, amount: Decimal, currency: str, card: Card, description: str
    ) -> PaymentResult:
        if card.number in self.DECLINED:
            raise PaymentDeclined(self.DECLINED[card.number]())
        if card.number not in self.SUCCESS:
            raise PaymentDeclined(_("This shop takes test cards only: use 4242 4242 4242 4242."))
        return PaymentResult(reference="test_" + secrets.token_hex(8))


def payment_provider() -> PaymentProvider:
    return import_string(settings.SHOP_PAYMENT_PROVIDER)()
