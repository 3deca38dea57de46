from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from personalization.identity import visitor_id
from shop.basket.services import basket_for_request
from shop.offers.services import codes_clear, codes_for_request
from shop.offers.vouchers import vouchers_for_request
from shop.orders.access import order_remember, order_visible
from shop.orders.models import Order

from .forms import CheckoutForm
from .payments import PaymentDeclined
from .services import CheckoutError, checkout_price, order_place
from .shipping import SHIPPING_METHODS


def checkout(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        # The same form sent again (double click, reload): show the order it already placed.
        placed = Order.objects.filter(idempotency_key=request.POST.get("token", "")).first()
        if placed is not None and order_visible(request, placed):
            return redirect(placed.get_absolute_url() + "?placed=1")
    basket = basket_for_request(request)
    if basket is None or basket.is_empty:
        return redirect("basket:detail")
    codes = codes_for_request(request)
    vouchers = vouchers_for_request(request, codes)
    # Each delivery method priced with the visitor's offers, for the choice and the summary.
    prices = {
        code: checkout_price(
            basket=basket,
            visitor=request.visitor,
            codes=codes,
            shipping_method=code,
            vouchers=vouchers,
        )
        for code in SHIPPING_METHODS
    }
    shipping_prices = {code: result.shipping for code, result in prices.items()}
    if request.method == "POST":
        form = CheckoutForm(request.POST, shipping_prices=shipping_prices)
        if form.is_valid():
            try:
                order = order_place(
                    basket=basket,
                    details=form.details(),
                    card=form.card(),
                    idempotency_key=form.cleaned_data["token"],
                    user=request.user,
                    language=get_language(),
                    visitor=request.visitor,
                    codes=codes,
                    expected_discount=form.cleaned_data["expected_discount"],
                    visitor_id=visitor_id(request, issue=False),
                )
            except (PaymentDeclined, CheckoutError) as error:
                # Nothing was charged or saved; the basket and the typed address stay.
                form.add_error(None, str(error))
            else:
                order_remember(request, order)
                codes_clear(request=request)
                return redirect(order.get_absolute_url() + "?placed=1")
    else:
        initial = {}
        if request.user.is_authenticated:
            initial = {"email": request.user.email, "name": request.user.get_full_name()}
        form = CheckoutForm(initial=initial, shipping_prices=shipping_prices)
    method = form.data.get("shipping_method") if form.is_bound else "standard"
    price = prices.get(method) or prices["standard"]
    # What the shopper sees now; placement refuses if the discounts changed meanwhile.
    form.fields["expected_discount"].initial = price.discount_total
    if form.is_bound:
        form.data = form.data.copy()
        form.data["expected_discount"] = str(price.discount_total)
    return render(
        request, "checkout/checkout.html", {"form": form, "basket": basket, "price": price}
    )
