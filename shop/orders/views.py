from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from .access import (
    LookupUnavailable,
    order_lookup_failed,
    order_lookup_limited,
    order_remember,
    order_visible,
)
from .delivery import delivery_estimate
from .forms import OrderFindForm
from .models import TIMELINE, Order, OrderStatus


def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = get_object_or_404(
        Order.objects.prefetch_related("lines", "events", "discounts"), number=number
    )
    if not order_visible(request, order):
        # Not 403: an order number alone must not confirm that the order exists.
        raise Http404
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "timeline": order_timeline(order),
            "placed": "placed" in request.GET,
            "arrives": delivery_estimate(order),
        },
    )


def order_timeline(order: Order) -> list[dict[str, Any]]:
    """Each step of the happy path with its event (or None while still to come)."""
    events = {event.status: event for event in order.events.all()}
    steps: list[dict[str, Any]] = [
        {"status": OrderStatus(s), "event": events.get(s)} for s in TIMELINE
    ]
    if OrderStatus.AWAITING_PAYMENT in events and OrderStatus.PAID not in events:
        # Written before the money was taken: the wait (or why it ended) leads the timeline.
        awaiting = OrderStatus.AWAITING_PAYMENT
        steps.insert(0, {"status": awaiting, "event": events[awaiting]})
    if OrderStatus.CANCELLED in events:
        steps = [step for step in steps if step["event"]]
        steps.append({"status": OrderStatus.CANCELLED, "event": events[OrderStatus.CANCELLED]})
    done = [step for step in steps if step["event"]]
    for step in steps:
        step["current"] = bool(done) and step is done[-1]
    return steps


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    assert request.user.is_authenticated  # login_required
    orders = Order.objects.filter(user=request.user).prefetch_related("lines")
    return render(request, "orders/order_list.html", {"orders": orders})


def order_find(request: HttpRequest) -> HttpResponse:
    try:
        limited = request.method == "POST" and order_lookup_limited(request)
    except LookupUnavailable:
        context = {"form": OrderFindForm(), "unavailable": True}
        return render(request, "orders/order_find.html", context, status=503)
    if limited:
        # Nothing is looked up: a guesser learns nothing more, right or wrong.
        context = {"form": OrderFindForm(), "limited": True}
        return render(request, "orders/order_find.html", context, status=429)
    form = OrderFindForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid() and form.order is not None:  # a valid form found its order
            order_remember(request, form.order)
            return redirect(form.order)
        if form.looked_up:
            order_lookup_failed(request)
    return render(request, "orders/order_find.html", {"form": form})
