from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.debug import sensitive_post_parameters

from shop.basket.services import basket_for_request
from shop.offers.services import codes_clear, codes_for_request
from shop.orders.access import order_remember

from .forms import CheckoutForm
from .payments import PaymentDeclined, payment_provider
from .services import CheckoutError, checkout_order_placed, checkout_price, order_place
from .shipping import SHIPPING_METHODS

# The test provider's card fields; a hosted-fields provider posts only a token.
CARD_FIELDS = ("card_number", "card_expiry", "card_cvc")


@sensitive_post_parameters(*CARD_FIELDS)
def checkout(request: HttpRequest) -> HttpResponse:
    basket = basket_for_request(request)
    if request.method == "POST":
        # The same form sent again (double click, reload): show the order it already placed,
        # but only to the basket it was placed from.
        placed = checkout_order_placed(token=request.POST.get("token", ""), basket=basket)
        if placed is not None:
            order_remember(request, placed)
            return redirect(placed.get_absolute_url() + "?placed=1")
    if basket is None or basket.is_empty:
        return redirect("basket:detail")
    codes = codes_for_request(request)
    # Each delivery method priced with the visitor's offers, for the choice and the summary.
    prices = {
        code: checkout_price(
            basket=basket, visitor=request.visitor, codes=codes, shipping_method=code
        )
        for code in SHIPPING_METHODS
    }
    shipping_prices = {code: result.shipping for code, result in prices.items()}
    payment_form_class = payment_provider().payment_form_class
    if request.method == "POST":
        form = CheckoutForm(request.POST, basket=basket, shipping_prices=shipping_prices)
        payment_form = payment_form_class(request.POST)
        if all([form.is_valid(), payment_form.is_valid()]):
            try:
                order = order_place(
                    basket=basket,
                    details=form.details(),
                    payment_method=payment_form.payment_method(),
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    user=request.user,
                    language=get_language(),
                    visitor=request.visitor,
                    codes=codes,
                    expected_discount=form.cleaned_data["expected_discount"],
                )
            except (PaymentDeclined, CheckoutError) as error:
                # Nothing was charged; the basket and the typed address stay.
                form.add_error(None, str(error))
            else:
                order_remember(request, order)
                codes_clear(request=request)
                return redirect(order.get_absolute_url() + "?placed=1")
        # Shown again: a new token for the next attempt; card fields always render empty.
        form.token_renew()
    else:
        initial = {}
        if request.user.is_authenticated:
            initial = {"email": request.user.email, "name": request.user.get_full_name()}
        form = CheckoutForm(initial=initial, basket=basket, shipping_prices=shipping_prices)
        payment_form = payment_form_class()
    method = form.data.get("shipping_method") if form.is_bound else "standard"
    price = prices.get(method) or prices["standard"]
    # What the shopper sees now; placement refuses if the discounts changed meanwhile.
    form.fields["expected_discount"].initial = price.discount_total
    if form.is_bound:
        form.data["expected_discount"] = str(price.discount_total)
    return render(
        request,
        "checkout/checkout.html",
        {"form": form, "payment_form": payment_form, "basket": basket, "price": price},
    )
