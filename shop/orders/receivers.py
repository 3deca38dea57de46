"""The shop's part of "Download my data" and "Erase my data" (personalization's signals)."""

from __future__ import annotations

from django.dispatch import receiver

from personalization.profiling import data_erased, data_exported
from shop.basket.models import Basket
from shop.basket.services import SESSION_KEY as BASKET_KEY

from .access import SESSION_KEY as ORDERS_KEY
from .models import Order
from .services import orders_personal_data_erase


@receiver(data_exported, dispatch_uid="orders_export")
def export_orders(sender, request, **kwargs) -> dict:
    user = request.user
    if not user.is_authenticated:
        return {}
    orders = Order.objects.filter(user=user).prefetch_related("lines")
    return {
        "account": {"email": user.email, "name": user.get_full_name()},
        "orders": [
            {
                "number": order.number,
                "placed": order.created_at.isoformat(),
                "name": order.name,
                "email": order.email,
                "phone": order.phone,
                "address": {
                    "country": order.country,
                    "region": order.region,
                    "postal_code": order.postal_code,
                    "city": order.city,
                    "address": order.address,
                },
                "status": order.status,
                "total": str(order.total),
                "currency": order.currency,
                "lines": [
                    {
                        "product": line.product_name,
                        "quantity": line.quantity,
                        "total": str(line.total),
                    }
                    for line in order.lines.all()
                ],  # fmt: skip
            }
            for order in orders
        ],
    }


@receiver(data_erased, dispatch_uid="shop_erase")
def erase_shop_data(sender, request, **kwargs) -> None:
    """The basket goes; orders are records: they stay, scrubbed of the shopper's details."""
    if request.user.is_authenticated:
        Basket.objects.filter(owner=request.user).delete()
        orders_personal_data_erase(user=request.user)
    basket_id = request.session.pop(BASKET_KEY, None)
    if basket_id:
        Basket.objects.filter(pk=basket_id, owner=None).delete()
    request.session.pop(ORDERS_KEY, None)
