"""The database connection dies at each step of taking the money; reconciliation then settles
every order and every charge, however often it runs and wherever it crashes itself."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import InterfaceError, OperationalError

from shop.checkout import services
from shop.checkout.models import Payment, PaymentStatus, TestPaymentIntent
from shop.checkout.payments import TestCardProvider
from shop.checkout.reconciliation import payments_reconcile
from shop.checkout.tasks import payments_reconcile as payments_reconcile_task
from shop.orders.models import Order, OrderStatus

from .conftest import SUCCESS


def _fail_before(method):
    def broken(self, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    return broken


def _fail_after(method):
    def broken(self, **kwargs):
        method(self, **kwargs)
        raise OperationalError("server closed the connection unexpectedly")

    return broken


def _fail_paid_event(original):
    def broken(*, order, status, **kwargs):
        if status == OrderStatus.PAID:
            raise InterfaceError("connection already closed")
        return original(order=order, status=status, **kwargs)

    return broken


# Where the connection dies, and what the order must become once reconciled.
STEPS = {
    "after order commit": ("create_intent", _fail_before, OrderStatus.CANCELLED),
    "after create_intent": ("create_intent", _fail_after, OrderStatus.CANCELLED),
    "after confirm": ("confirm", _fail_after, OrderStatus.PAID),
    "after capture": ("capture", _fail_after, OrderStatus.PAID),
    "before marking paid": (None, None, OrderStatus.PAID),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("step", list(STEPS))
def test_a_connection_lost_at_any_step_is_settled_by_reconciliation(
    step, buy, stocked, ten, assert_consistent, monkeypatch, later
):
    method, breaker, settled = STEPS[step]
    if method:
        monkeypatch.setattr(TestCardProvider, method, breaker(getattr(TestCardProvider, method)))
    else:
        monkeypatch.setattr(services, "order_event_add", _fail_paid_event(services.order_event_add))
    with pytest.raises((OperationalError, InterfaceError)):
        buy(SUCCESS)
    monkeypatch.undo()  # the connection is back
    order = Order.objects.get()
    assert order.status == OrderStatus.AWAITING_PAYMENT  # committed before any money moved
    assert_consistent(settled=False)

    payments_reconcile(now=later)
    order.refresh_from_db()
    assert order.status == settled
    assert_consistent()
    payment = Payment.objects.get()
    assert payment.status == (
        PaymentStatus.CAPTURED if settled == OrderStatus.PAID else PaymentStatus.FAILED
    )
    for intent in TestPaymentIntent.objects.all():
        assert intent.status == ("captured" if settled == OrderStatus.PAID else "voided")

    # Running it again changes nothing.
    assert payments_reconcile(now=later) == {}
    assert_consistent()


@pytest.mark.django_db(transaction=True)
def test_a_crash_in_the_middle_of_reconciliation_is_safe_to_run_again(
    buy, monkeypatch, assert_consistent, later
):
    monkeypatch.setattr(TestCardProvider, "confirm", _fail_after(TestCardProvider.confirm))
    with pytest.raises(OperationalError):
        buy(SUCCESS)
    monkeypatch.undo()
    # Reconciliation captures, then dies before it marks the order paid.
    monkeypatch.setattr(
        "shop.checkout.reconciliation.order_payment_captured",
        _fail_before(None).__get__(object()),
    )
    with pytest.raises(OperationalError):
        payments_reconcile(now=later)
    monkeypatch.undo()
    assert TestPaymentIntent.objects.get().status == "captured"
    assert payments_reconcile(now=later) == {"paid": 1}
    assert Order.objects.get().status == OrderStatus.PAID
    assert TestPaymentIntent.objects.get().captures == 1
    assert_consistent()


@pytest.mark.django_db
def test_a_payment_still_in_flight_is_left_alone(buy, monkeypatch, later):
    monkeypatch.setattr(TestCardProvider, "create_intent", _fail_before(None))
    with pytest.raises(OperationalError):
        buy(SUCCESS)
    monkeypatch.undo()
    assert payments_reconcile() == {"waiting": 1}
    assert Order.objects.get().status == OrderStatus.AWAITING_PAYMENT
    assert payments_reconcile(now=later) == {"cancelled": 1}


def _orphan(key: str, *, capture: bool):
    provider = TestCardProvider()
    intent = provider.create_intent(
        amount=Decimal(500), currency="JPY", idempotency_key=key, description="x"
    )
    provider.confirm(intent_id=intent.id, payment_method=SUCCESS)
    if capture:
        provider.capture(intent_id=intent.id)
    return intent


@pytest.mark.django_db
def test_money_held_or_taken_for_no_order_is_given_back(later):
    held, taken = _orphan("nobody-1", capture=False), _orphan("nobody-2", capture=True)
    assert payments_reconcile() == {}  # too recent: a checkout may still be writing its order
    assert payments_reconcile(now=later) == {"voided": 1, "refunded": 1}
    assert TestPaymentIntent.objects.get(pk=held.id).status == "voided"
    assert TestPaymentIntent.objects.get(pk=taken.id).status == "refunded"
    assert payments_reconcile(now=later) == {}


@pytest.mark.django_db
def test_money_taken_for_an_order_cancelled_meanwhile_is_refunded(
    buy, monkeypatch, assert_consistent, later
):
    monkeypatch.setattr(TestCardProvider, "capture", _fail_after(TestCardProvider.capture))
    with pytest.raises(OperationalError):
        buy(SUCCESS)
    monkeypatch.undo()
    order = Order.objects.get()
    # Staff cancel the waiting order (the customer phoned) before reconciliation runs.
    services.order_status_set(order=order, status=OrderStatus.CANCELLED)
    services.offer_uses_release(order=order)
    assert payments_reconcile(now=later) == {"refunded": 1}
    assert TestPaymentIntent.objects.get().status == "refunded"
    assert Order.objects.get().status == OrderStatus.CANCELLED
    assert Payment.objects.get().status == PaymentStatus.REFUNDED
    assert_consistent()


@pytest.mark.django_db
def test_the_task_runs_in_process_without_a_broker_and_the_command_reports(capsys):
    assert payments_reconcile_task.delay().get() == {}
    call_command("reconcile_payments")
    assert "Payments reconciled: nothing to do." in capsys.readouterr().out
