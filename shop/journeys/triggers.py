"""Who starts a journey: found by looking at what happened, not told by the apps below.

Every few minutes (and whenever the demo clock moves) each active journey looks for its
trigger in the recent past — paid, shipped and delivered orders in the orders' timeline,
accounts' baskets left alone, sign-ups without an order, profile answers — and starts a run for
each account it finds. The unique (journey, customer, trigger key) makes this safe to repeat
and to run on two workers at once. Guests (orders without an account) start no journey: they
have no inbox and gave no marketing choice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from kernel.regions import time_zone_for
from personalization.experiments.assignment import (
    arm_pick,
    experiments,
    is_enrolled,
    visitor_hash,
)
from personalization.experiments.models import VisitorAccount
from personalization.models import Answer
from shop.basket.models import Basket
from shop.orders.models import Order, OrderEvent, OrderStatus

from .models import Contact, Journey, Run, Trigger

ORDER_TRIGGERS = {
    Trigger.ORDER_PAID: OrderStatus.PAID,
    Trigger.ORDER_SHIPPED: OrderStatus.SHIPPED,
    Trigger.ORDER_DELIVERED: OrderStatus.DELIVERED,
}


def runs_start(*, now: datetime) -> int:
    """Start a run for every trigger of every active journey not yet started; returns how many
    were started now."""
    started = 0
    for journey in Journey.objects.filter(active=True, active_since__isnull=False):
        assert journey.active_since is not None  # filtered above
        since = max(journey.active_since, now - timedelta(days=settings.JOURNEYS_TRIGGER_DAYS))
        runs = list(_candidates(journey, since=since, now=now))
        if not runs:
            continue
        _contacts_ensure(runs)
        before = Run.objects.filter(journey=journey).count()
        Run.objects.bulk_create(runs, ignore_conflicts=True)
        started += Run.objects.filter(journey=journey).count() - before
    return started


def _run(journey: Journey, *, user_id: int, key: str, at: datetime, **extra) -> Run:
    holdout, arm_id, visitor = _assignment(journey, user_id=user_id, at=at)
    return Run(
        journey=journey,
        user_id=user_id,
        key=key,
        started_at=at,
        holdout=holdout,
        arm_id=arm_id,
        experiment_visitor=visitor,
        **extra,
    )


def _assignment(journey: Journey, *, user_id: int, at: datetime) -> tuple[bool, int | None, str]:
    """(held out?, arm id, hashed visitor id) for a customer starting the journey.

    With a running experiment, the arm is the one the customer's account tests in — the arm
    it was given (kept on the account), else the experiment's own hash of its visitor id — so
    the orders the shop records for that visitor count in the same arm as the journey's
    messages. Customers outside the experiment, and journeys without one, use the journey's
    own holdout share."""
    entry = experiments().by_id.get(journey.experiment_id) if journey.experiment_id else None
    if entry is not None and entry.is_running(at):
        account = VisitorAccount.objects.filter(user_id=user_id).first()
        if account is not None and is_enrolled(entry, account.visitor_id):
            arm = entry.arm(account.assignments.get(entry.key, "")) or arm_pick(
                entry, account.visitor_id
            )
            return arm.is_control, arm.id, visitor_hash(account.visitor_id)
    return journey.holds_out(user_id), None, ""


def _candidates(journey: Journey, *, since: datetime, now: datetime) -> Iterable[Run]:
    if journey.trigger in ORDER_TRIGGERS:
        events = (
            OrderEvent.objects.filter(
                status=ORDER_TRIGGERS[Trigger(journey.trigger)],
                created_at__gte=since,
                created_at__lte=now,
                order__user__isnull=False,
            )
            .exclude(
                Exists(
                    Run.objects.filter(
                        journey=journey, user=OuterRef("order__user"), order=OuterRef("order")
                    )
                )
            )
            .select_related("order")
            .prefetch_related("order__lines")
        )
        for event in events:
            order = event.order
            assert order.user_id is not None  # filtered above
            line = next(iter(order.lines.all()), None)
            yield _run(
                journey,
                user_id=order.user_id,
                key=f"order:{order.pk}",
                at=event.created_at,
                order=order,
                product_id=line.product_id if line else None,
            )
    elif journey.trigger == Trigger.BASKET_LEFT:
        idle = timedelta(hours=settings.JOURNEYS_BASKET_IDLE_HOURS)
        baskets = (
            Basket.objects.filter(
                owner__isnull=False, updated_at__gte=since, updated_at__lte=now - idle
            )
            .filter(lines__isnull=False)
            .distinct()
            .prefetch_related("lines")
        )
        for basket in baskets:
            assert basket.owner_id is not None  # filtered above
            basket_line = next(iter(basket.lines.all()), None)
            yield _run(
                journey,
                user_id=basket.owner_id,
                # A basket changed again later is left again: a new run, not the same one.
                key=f"basket:{basket.pk}:{int(basket.updated_at.timestamp())}",
                at=basket.updated_at + idle,
                product_id=basket_line.product_id if basket_line else None,
            )
    elif journey.trigger == Trigger.SIGNED_UP:
        users = (
            get_user_model()
            .objects.filter(date_joined__gte=since, date_joined__lte=now, is_staff=False)
            .exclude(Exists(Order.objects.filter(user=OuterRef("pk"))))
            .exclude(Exists(Run.objects.filter(journey=journey, user=OuterRef("pk"), key="signup")))
        )
        for user in users:
            yield _run(journey, user_id=user.pk, key="signup", at=user.date_joined)
    elif journey.trigger == Trigger.ANSWERED:
        answers = Answer.objects.filter(answered_at__gte=since, answered_at__lte=now).order_by(
            "answered_at"
        )
        seen: set[int] = set()
        for answer in answers:
            if answer.user_id not in seen:
                seen.add(answer.user_id)
                yield _run(journey, user_id=answer.user_id, key="answer", at=answer.answered_at)


def _contacts_ensure(runs: list[Run]) -> None:
    """A contact for each customer, with the language and time zone of the order that started
    the run (a delivery address says where the customer lives); existing ones are kept."""
    contacts = {}
    for run in runs:
        order = run.order
        contacts[run.user_id] = Contact(
            user_id=run.user_id,
            language=order.language if order else settings.LANGUAGE_CODE,
            time_zone=(time_zone_for(order.country, order.region) or "") if order else "",
        )
    Contact.objects.bulk_create(contacts.values(), ignore_conflicts=True)
