from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from shop.basket.services import basket_for_request
from shop.orders.access import order_remember, order_visible
from shop.orders.models import Order

from .forms import CheckoutForm
from .payments import PaymentDeclined
from .services import CheckoutError, checkout_totals, order_place


def checkout(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        # The same form sent again (double click, reload): show the order it already placed.
        placed = Order.objects.filter(idempotency_key=request.POST.get("token", "")).first()
        if placed is not None and order_visible(request, placed):
            return redirect(placed.get_absolute_url() + "?placed=1")
    basket = basket_for_request(request)
    if basket is None or basket.is_empty:
        return redirect("basket:detail")
    if request.method == "POST":
        form = CheckoutForm(request.POST, subtotal=basket.subtotal)
        if form.is_valid():
            try:
                order = order_place(
                    basket=basket,
                    details=form.details(),
                    card=form.card(),
                    idempotency_key=form.cleaned_data["token"],
                    user=request.user,
                    language=get_language(),
                )
            except (PaymentDeclined, CheckoutError) as error:
                # Nothing was charged or saved; the basket and the typed address stay.
                form.add_error(None, str(error))
            else:
                order_remember(request, order)
                return redirect(order.get_absolute_url() + "?placed=1")
    else:
        initial = {}
        if request.user.is_authenticated:
            initial = {"email": request.user.email, "name": request.user.get_full_name()}
        form = CheckoutForm(initial=initial, subtotal=basket.subtotal)
    method = form.data.get("shipping_method") if form.is_bound else "standard"
    totals = checkout_totals(
        basket=basket, shipping_method=method if method in ("standard", "express") else "standard"
    )
    return render(
        request, "checkout/checkout.html", {"form": form, "basket": basket, "totals": totals}
    )
