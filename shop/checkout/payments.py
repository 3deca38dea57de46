"""Payment providers. The shop talks to one through `PaymentProvider`; settings pick which.

The flow is the one card processors (Stripe, Adyen) use: create a payment intent under an
idempotency key, confirm it with the shopper's payment method (an opaque token: the shop never
sees a card number), capture it once the order is safe, and void or refund what must not be
kept. `TestCardProvider` is the built-in provider for laptops, demos and tests: it never moves
money and answers like a real card processor would for its well-known test numbers.
"""

from __future__ import annotations

import datetime
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import TestIntentStatus, TestPaymentIntent


class IntentStatus:
    """The intent statuses every provider maps its own to."""

    REQUIRES_CONFIRMATION = "requires_confirmation"
    AUTHORIZED = "authorized"
    CAPTURED = "captured"
    FAILED = "failed"
    VOIDED = "voided"
    REFUNDED = "refunded"


@dataclass(frozen=True)
class Intent:
    id: str
    status: str
    amount: Decimal
    currency: str
    idempotency_key: str
    created_at: datetime.datetime


class PaymentDeclined(Exception):
    """The provider refused the payment; the message is for the shopper."""


class PaymentProviderError(Exception):
    """The provider could not be reached or gave no answer: the outcome is unknown."""


class PaymentProvider(Protocol):
    name: str
    # The form that turns what the shopper entered into a payment method token; a hosted-fields
    # provider's form is a hidden token input filled by its JavaScript.
    payment_form_class: type[PaymentMethodForm]

    def create_intent(
        self, *, amount: Decimal, currency: str, idempotency_key: str, description: str
    ) -> Intent: ...

    def confirm(self, *, intent_id: str, payment_method: str) -> Intent: ...

    def capture(self, *, intent_id: str) -> Intent: ...

    def void(self, *, intent_id: str) -> Intent: ...

    def refund(self, *, intent_id: str) -> Intent: ...

    def retrieve(self, *, intent_id: str) -> Intent: ...

    def intents_created_since(self, *, since: datetime.datetime) -> list[Intent]: ...


class PaymentMethodForm(forms.Form):
    """What a provider's payment form offers the checkout: one opaque token once valid."""

    # Fields whose values must never be shown again, logged or kept (sensitive_post_parameters).
    sensitive_fields: tuple[str, ...] = ()
    # Its part of the checkout page (a hosted-fields provider's holds its script and a token).
    checkout_template = "checkout/partials/_payment_method.html"

    def payment_method(self) -> str:
        raise NotImplementedError


class CardInput(forms.TextInput):
    """A text input that never renders what was typed: card data is not sent back to a page."""

    def format_value(self, value) -> None:
        return None


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


# Stripe's documented test numbers and what each does with the test provider.
TEST_CARDS = {
    "4242424242424242": "success",
    "5555555555554444": "success",
    "4000000000000002": "declined",
    "4000000000009995": "insufficient",
    # Authorized at the provider, but the answer never reaches the shop (a timeout).
    "4000000000000119": "timeout",
    # Authorized, but the capture fails.
    "4000000000000341": "capturefail",
}


class TestCardForm(PaymentMethodForm):
    """Card fields for the test provider; the result is a token, the number goes no further."""

    __test__ = False

    sensitive_fields = ("card_number", "card_expiry", "card_cvc")
    checkout_template = "checkout/partials/_card_fields.html"

    card_number = forms.CharField(
        label=gettext_lazy("Card number"),
        max_length=23,
        widget=CardInput({"autocomplete": "cc-number", "inputmode": "numeric"}),
    )
    card_expiry = forms.CharField(
        label=gettext_lazy("Expiry (MM/YY)"),
        max_length=7,
        widget=CardInput({"autocomplete": "cc-exp", "placeholder": "MM/YY"}),
    )
    card_cvc = forms.CharField(
        label=gettext_lazy("Security code"),
        max_length=4,
        widget=CardInput({"autocomplete": "cc-csc", "inputmode": "numeric"}),
    )

    def clean_card_number(self) -> str:
        number = re.sub(r"[\s-]", "", self.cleaned_data["card_number"])
        if not luhn_valid(number):
            raise forms.ValidationError(gettext_lazy("This card number is not valid."))
        return number

    def clean_card_expiry(self) -> tuple[int, int]:
        match = re.fullmatch(
            r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", self.cleaned_data["card_expiry"]
        )
        if not match or not 1 <= int(match[1]) <= 12:
            raise forms.ValidationError(gettext_lazy("Enter the expiry date as MM/YY."))
        month, year = int(match[1]), int(match[2])
        year = year + 2000 if year < 100 else year
        today = timezone.localdate()
        if (year, month) < (today.year, today.month):
            raise forms.ValidationError(gettext_lazy("This card has expired."))
        return month, year

    def clean_card_cvc(self) -> str:
        cvc = self.cleaned_data["card_cvc"].strip()
        if not re.fullmatch(r"\d{3,4}", cvc):
            raise forms.ValidationError(
                gettext_lazy("The security code is the 3 or 4 digits on the card.")
            )
        return cvc

    def payment_method(self) -> str:
        """The token a hosted card form would return: the test behaviour, never the number."""
        behaviour = TEST_CARDS.get(self.cleaned_data["card_number"], "unknown")
        return f"pm_test_{behaviour}_{secrets.token_hex(8)}"


def _intent(row: TestPaymentIntent) -> Intent:
    return Intent(
        id=row.id,
        status=row.status,
        amount=row.amount,
        currency=row.currency,
        idempotency_key=row.idempotency_key,
        created_at=row.created_at,
    )


def _behaviour(payment_method: str) -> str:
    match = re.fullmatch(r"pm_test_([a-z]+)_[0-9a-f]+", payment_method)
    return match[1] if match else "unknown"


class TestCardProvider:
    """Accepts 4242 4242 4242 4242 and 5555 5555 5555 4444; declines 4000 0000 0000 0002 and
    4000 0000 0000 9995; times out on 4000 0000 0000 0119 (after authorizing) and fails to
    capture 4000 0000 0000 0341.

    Every write is its own durable transaction: calling the provider inside the shop's order
    transaction raises, as the shop must never charge a card while it holds row locks.
    """

    __test__ = False  # not a pytest test class

    name = "test"
    payment_form_class = TestCardForm

    def _messages(self, behaviour: str) -> str:
        return {
            "declined": _("Your card was declined. No money was taken."),
            "insufficient": _("Your card has insufficient funds. No money was taken."),
            "capturefail": _("Your card could not be charged. No money was taken."),
        }.get(behaviour, _("This shop takes test cards only: use 4242 4242 4242 4242."))

    def create_intent(
        self, *, amount: Decimal, currency: str, idempotency_key: str, description: str
    ) -> Intent:
        try:
            with transaction.atomic(durable=True):
                row, _created = TestPaymentIntent.objects.get_or_create(
                    idempotency_key=idempotency_key,
                    defaults={
                        "id": "pi_test_" + secrets.token_hex(12),
                        "amount": amount,
                        "currency": currency,
                        "description": description[:200],
                    },
                )
        except IntegrityError:
            # The same key sent twice at once: the other call created it.
            row = TestPaymentIntent.objects.get(idempotency_key=idempotency_key)
        return _intent(row)

    def confirm(self, *, intent_id: str, payment_method: str) -> Intent:
        behaviour = _behaviour(payment_method)
        with transaction.atomic(durable=True):
            row = TestPaymentIntent.objects.select_for_update().get(pk=intent_id)
            if row.status in (TestIntentStatus.AUTHORIZED, TestIntentStatus.CAPTURED):
                return _intent(row)
            if row.status != TestIntentStatus.REQUIRES_CONFIRMATION:
                raise PaymentDeclined(self._messages("declined"))
            row.payment_method = payment_method
            if behaviour in ("success", "timeout", "capturefail"):
                row.status = TestIntentStatus.AUTHORIZED
            else:
                row.status = TestIntentStatus.FAILED
            row.save(update_fields=["payment_method", "status", "updated_at"])
        if row.status == TestIntentStatus.FAILED:
            raise PaymentDeclined(self._messages(behaviour))
        if behaviour == "timeout":
            raise PaymentProviderError("The test provider timed out (it did authorize).")
        return _intent(row)

    def capture(self, *, intent_id: str) -> Intent:
        with transaction.atomic(durable=True):
            row = TestPaymentIntent.objects.select_for_update().get(pk=intent_id)
            if row.status == TestIntentStatus.CAPTURED:
                return _intent(row)  # captured once, however often asked
            if row.status != TestIntentStatus.AUTHORIZED:
                raise PaymentDeclined(self._messages("capturefail"))
            if _behaviour(row.payment_method) == "capturefail":
                raise PaymentDeclined(self._messages("capturefail"))
            row.status = TestIntentStatus.CAPTURED
            row.captures += 1
            row.save(update_fields=["status", "captures", "updated_at"])
        return _intent(row)

    def void(self, *, intent_id: str) -> Intent:
        with transaction.atomic(durable=True):
            row = TestPaymentIntent.objects.select_for_update().get(pk=intent_id)
            if row.status in (
                TestIntentStatus.REQUIRES_CONFIRMATION,
                TestIntentStatus.AUTHORIZED,
            ):
                row.status = TestIntentStatus.VOIDED
                row.save(update_fields=["status", "updated_at"])
            elif row.status == TestIntentStatus.CAPTURED:
                raise PaymentProviderError("A captured intent is refunded, not voided.")
        return _intent(row)

    def refund(self, *, intent_id: str) -> Intent:
        with transaction.atomic(durable=True):
            row = TestPaymentIntent.objects.select_for_update().get(pk=intent_id)
            if row.status == TestIntentStatus.CAPTURED:
                row.status = TestIntentStatus.REFUNDED
                row.save(update_fields=["status", "updated_at"])
            elif row.status != TestIntentStatus.REFUNDED:
                raise PaymentProviderError("Only a captured intent can be refunded.")
        return _intent(row)

    def retrieve(self, *, intent_id: str) -> Intent:
        return _intent(TestPaymentIntent.objects.get(pk=intent_id))

    def intents_created_since(self, *, since: datetime.datetime) -> list[Intent]:
        return [_intent(row) for row in TestPaymentIntent.objects.filter(created_at__gte=since)]


def payment_provider() -> PaymentProvider:
    return import_string(settings.SHOP_PAYMENT_PROVIDER)()
