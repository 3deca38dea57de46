"""The built-in test provider behaves like a remote card processor: intents under idempotency
keys, confirm, capture once, void, refund, a listing for reconciliation, and a ledger of its
own that the shop's transactions cannot roll back or write into."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from shop.checkout.models import TestPaymentIntent
from shop.checkout.payments import (
    PaymentDeclined,
    PaymentProviderError,
    TestCardForm,
    TestCardProvider,
    luhn_valid,
)

pytestmark = pytest.mark.django_db


def token(number: str) -> str:
    form = TestCardForm({"card_number": number, "card_expiry": "12/39", "card_cvc": "123"})
    assert form.is_valid(), form.errors
    return form.payment_method()


def new_intent(provider: TestCardProvider, key: str = "key-1"):
    return provider.create_intent(
        amount=Decimal(1000), currency="JPY", idempotency_key=key, description="x"
    )


def test_the_payment_method_is_an_opaque_token_without_the_card_number():
    method = token("4242 4242 4242 4242")
    assert method.startswith("pm_test_")
    assert "4242" not in method and token("4242424242424242") != method


def test_the_success_card_is_authorized_and_captured_once():
    provider = TestCardProvider()
    intent = new_intent(provider)
    assert provider.confirm(
        intent_id=intent.id, payment_method=token("4242424242424242")
    ).status == ("authorized")
    provider.capture(intent_id=intent.id)
    assert provider.capture(intent_id=intent.id).status == "captured"
    assert TestPaymentIntent.objects.get(pk=intent.id).captures == 1


def test_the_same_idempotency_key_gives_the_same_intent():
    provider = TestCardProvider()
    assert new_intent(provider).id == new_intent(provider).id
    assert new_intent(provider, "key-2").id != new_intent(provider).id
    assert TestPaymentIntent.objects.count() == 2


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("4000000000000002", "declined"),
        ("4000000000009995", "insufficient funds"),
        ("4111111111111111", "test cards only"),
    ],
)
def test_other_cards_are_declined_with_a_reason(number, message):
    provider = TestCardProvider()
    intent = new_intent(provider)
    with pytest.raises(PaymentDeclined, match=message):
        provider.confirm(intent_id=intent.id, payment_method=token(number))
    assert provider.retrieve(intent_id=intent.id).status == "failed"


def test_the_timeout_card_authorizes_but_the_answer_is_lost():
    provider = TestCardProvider()
    intent = new_intent(provider)
    with pytest.raises(PaymentProviderError):
        provider.confirm(intent_id=intent.id, payment_method=token("4000000000000119"))
    assert provider.retrieve(intent_id=intent.id).status == "authorized"


def test_the_capture_failure_card_authorizes_and_then_fails_to_capture():
    provider = TestCardProvider()
    intent = new_intent(provider)
    provider.confirm(intent_id=intent.id, payment_method=token("4000000000000341"))
    with pytest.raises(PaymentDeclined, match="could not be charged"):
        provider.capture(intent_id=intent.id)
    assert provider.void(intent_id=intent.id).status == "voided"


def test_void_and_refund():
    provider = TestCardProvider()
    held, taken = new_intent(provider, "held"), new_intent(provider, "taken")
    provider.confirm(intent_id=held.id, payment_method=token("4242424242424242"))
    provider.confirm(intent_id=taken.id, payment_method=token("4242424242424242"))
    provider.capture(intent_id=taken.id)
    assert provider.void(intent_id=held.id).status == "voided"
    assert provider.refund(intent_id=taken.id).status == "refunded"
    assert provider.refund(intent_id=taken.id).status == "refunded"  # twice is once


def test_the_listing_shows_intents_created_since_a_time():
    provider = TestCardProvider()
    intent = new_intent(provider)
    since = timezone.now() - timedelta(minutes=1)
    assert [i.id for i in provider.intents_created_since(since=since)] == [intent.id]
    assert provider.intents_created_since(since=timezone.now() + timedelta(minutes=1)) == []


def test_the_provider_refuses_to_work_inside_the_shops_transaction():
    """The card is never charged while the shop holds locks: the ledger writes are durable."""
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        new_intent(TestCardProvider())


def test_luhn():
    assert luhn_valid("4242424242424242")
    assert not luhn_valid("4242424242424241")
    assert not luhn_valid("42")
