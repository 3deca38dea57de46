"""Settle every payment whose outcome the shop does not know, and every charge it has no
record of. Runs every five minutes (`shop.checkout.tasks.payments_reconcile`) and from
`manage.py reconcile_payments`; each step is idempotent, so a crash half-way is fixed by the
next run.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter

from django.utils import timezone

from shop.orders.models import OrderStatus

from .models import PAYMENT_OPEN_STATUSES, Payment, PaymentStatus
from .payments import Intent, IntentStatus, PaymentDeclined, PaymentProvider, payment_provider
from .services import order_payment_captured, order_payment_failed, payment_record

logger = logging.getLogger(__name__)

# How long a checkout may still be taking the money before reconciliation steps in.
PAYMENT_GRACE = datetime.timedelta(minutes=10)
# How far back the provider's intents are listed to find charges we have no record of.
LOOKBACK = datetime.timedelta(days=3)


def payments_reconcile(
    *, now: datetime.datetime | None = None, grace: datetime.timedelta = PAYMENT_GRACE
) -> dict[str, int]:
    """Bring our payments and orders in line with the provider; returns what was done."""
    now = now or timezone.now()
    cutoff = now - grace
    provider = payment_provider()
    done: Counter[str] = Counter()
    by_key = {
        intent.idempotency_key: intent
        for intent in provider.intents_created_since(since=now - LOOKBACK)
    }
    open_payments = Payment.objects.filter(
        provider=provider.name, status__in=PAYMENT_OPEN_STATUSES
    ).select_related("order")
    for payment in open_payments:
        outcome = _payment_settle(provider, payment, by_key.get(payment.idempotency_key), cutoff)
        done[outcome] += 1
    for intent in provider.intents_created_since(since=now - LOOKBACK):
        outcome = _intent_settle(provider, intent, cutoff)
        if outcome:
            done[outcome] += 1
    if any(key != "waiting" for key in done):
        logger.info("Payments reconciled: %s", dict(done))
    return dict(done)


def _payment_settle(
    provider: PaymentProvider, payment: Payment, listed: Intent | None, cutoff
) -> str:
    order = payment.order
    if not payment.intent_id and listed is not None:
        # The intent was created but the shop never wrote its id down.
        payment_record(payment=payment, intent_id=listed.id)
    if not payment.intent_id:
        if payment.created_at > cutoff:
            return "waiting"
        order_payment_failed(provider=provider, payment=payment, error="no payment intent")
        return "cancelled"
    intent = provider.retrieve(intent_id=payment.intent_id)
    if intent.status == IntentStatus.CAPTURED:
        # The money is taken: the order is paid (or, if it was cancelled, refunded).
        order = order_payment_captured(provider=provider, payment=payment)
        return "refunded" if order.status == OrderStatus.CANCELLED else "paid"
    if payment.created_at > cutoff:
        return "waiting"
    if intent.status == IntentStatus.AUTHORIZED:
        valid = (
            order.status == OrderStatus.AWAITING_PAYMENT
            and intent.amount == order.total
            and intent.currency == order.currency
        )
        if not valid:
            order_payment_failed(
                provider=provider,
                payment=payment,
                error="authorized for an order that cannot be paid",
                status=PaymentStatus.VOIDED,
            )
            return "voided"
        try:
            provider.capture(intent_id=intent.id)
        except PaymentDeclined as declined:
            order_payment_failed(provider=provider, payment=payment, error=str(declined))
            return "cancelled"
        order_payment_captured(provider=provider, payment=payment)
        return "paid"
    status = {
        IntentStatus.VOIDED: PaymentStatus.VOIDED,
        IntentStatus.REFUNDED: PaymentStatus.REFUNDED,
    }.get(intent.status, PaymentStatus.FAILED)
    # Never confirmed, declined, voided or refunded: the order will not be paid.
    order_payment_failed(
        provider=provider, payment=payment, error=f"intent {intent.status}", status=status
    )
    return "cancelled"


def _intent_settle(provider: PaymentProvider, intent: Intent, cutoff) -> str:
    """Give back money the provider holds for no order, or for a cancelled one."""
    if intent.status not in (
        IntentStatus.AUTHORIZED,
        IntentStatus.CAPTURED,
        IntentStatus.REQUIRES_CONFIRMATION,
    ):
        return ""
    payment = (
        Payment.objects.filter(idempotency_key=intent.idempotency_key)
        .select_related("order")
        .first()
    )
    if payment is not None and payment.order.status != OrderStatus.CANCELLED:
        return ""
    if payment is None and intent.created_at > cutoff:
        return ""
    if intent.status == IntentStatus.CAPTURED:
        provider.refund(intent_id=intent.id)
        outcome, status = "refunded", PaymentStatus.REFUNDED
    else:
        provider.void(intent_id=intent.id)
        outcome, status = "voided", PaymentStatus.VOIDED
    if payment is not None:
        payment_record(payment=payment, intent_id=intent.id, status=status)
    logger.warning("Intent %s had no order to pay: %s", intent.id, outcome)
    return outcome
