"""Who may see an order: its account, the browser that placed or looked it up, or staff allowed
to view orders (not every staff account: editors and merchandisers have no business with a
shopper's name, address and phone)."""

from __future__ import annotations

from django.http import HttpRequest

from .models import Order

SESSION_KEY = "order_numbers"


def order_remember(request: HttpRequest, order: Order) -> None:
    numbers = request.session.get(SESSION_KEY, [])
    if order.number not in numbers:
        request.session[SESSION_KEY] = [*numbers, order.number][-20:]


def order_visible(request: HttpRequest, order: Order) -> bool:
    if request.user.is_authenticated and order.user_id == request.user.pk:
        return True
    if request.user.is_staff and request.user.has_perm("orders.view_order"):
        return True
    return order.number in request.session.get(SESSION_KEY, [])
