from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from kernel.money import money_format
from kernel.regions import place_name
from personalization.experiments.events import EventKind, record
from personalization.identity import visitor_id
from personalization.visitor import Visitor
from shop.basket.services import basket_for_request
from shop.offers.results import PriceResult
from shop.offers.services import codes_clear, codes_for_request
from shop.offers.shipping import SHIPPING_METHODS
from shop.offers.vouchers import vouchers_for_request
from shop.orders.access import order_remember

from .forms import CheckoutForm
from .payments import PaymentDeclined, payment_provider
from .services import (
    CheckoutError,
    checkout_order_placed,
    checkout_price,
    checkout_visitor,
    discount_changes,
    order_place,
)

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
    vouchers = vouchers_for_request(request, codes)

    def priced(visitor: Visitor) -> dict[str, PriceResult]:
        """Each delivery method priced for the visitor, for the choice and the summary."""
        return {
            code: checkout_price(
                basket=basket, visitor=visitor, codes=codes, shipping_method=code,
                vouchers=vouchers,
            )
            for code in SHIPPING_METHODS
        }  # fmt: skip

    prices = priced(checkout_visitor(request=request, address=None))
    payment_form_class = payment_provider().payment_form_class
    if request.method == "POST":
        form = CheckoutForm(request.POST, basket=basket, shipping_prices=_shipping(prices))
        payment_form = payment_form_class(request.POST)
        if all([form.is_valid(), payment_form.is_valid()]):
            # Regional prices follow where the order goes, not where the shopper browses from.
            method = form.cleaned_data["shipping_method"]
            seen = prices[method]
            visitor = checkout_visitor(request=request, address=form.cleaned_data)
            prices = priced(visitor)
            form.shipping_prices_set(_shipping(prices))
            expected = form.cleaned_data["expected_total"]
            if expected is not None and expected != prices[method].total:
                place = place_name(form.cleaned_data["region"] or form.cleaned_data["country"])
                changes = discount_changes(seen=seen, now=prices[method], place=place)
                total = {"total": money_format(prices[method].total)}
                form.add_error(
                    None,
                    " ".join([*changes, _("Your total for this address is %(total)s: please "
                                          "check it and place the order again.") % total]),
                )  # fmt: skip
            else:
                try:
                    order = order_place(
                        basket=basket,
                        details=form.details(),
                        payment_method=payment_form.payment_method(),
                        idempotency_key=form.cleaned_data["idempotency_key"],
                        user=request.user,
                        language=get_language(),
                        visitor=visitor,
                        codes=codes,
                        expected_discount=form.cleaned_data["expected_discount"],
                        visitor_id=visitor_id(request, issue=False),
                    )
                except (PaymentDeclined, CheckoutError) as error:
                    # Nothing was charged; the basket and the typed address stay, with the
                    # figures placing it would now charge.
                    form.add_error(None, str(error))
                    prices = priced(checkout_visitor(request=request, address=form.cleaned_data))
                else:
                    order_remember(request, order)
                    codes_clear(request=request)
                    return redirect(order.get_absolute_url() + "?placed=1")
        # Shown again: a new token for the next attempt; card fields always render empty.
        form.token_renew()
    else:
        record(request, EventKind.CHECKOUT)  # the checkout page shown: a checkout started
        initial = {}
        if request.user.is_authenticated:
            initial = {"email": request.user.email, "name": request.user.get_full_name()}
        form = CheckoutForm(initial=initial, basket=basket, shipping_prices=_shipping(prices))
        payment_form = payment_form_class()
    method = form.data.get("shipping_method") if form.is_bound else "standard"
    price = prices.get(method) or prices["standard"]
    # What the shopper sees now; placement refuses if the total or discounts differ from it.
    form.fields["expected_discount"].initial = price.discount_total
    form.fields["expected_total"].initial = price.total
    if form.is_bound:
        form.data["expected_discount"] = str(price.discount_total)
        form.data["expected_total"] = str(price.total)
    return render(
        request,
        "checkout/checkout.html",
        {"form": form, "payment_form": payment_form, "basket": basket, "price": price},
    )


def _shipping(prices: dict[str, PriceResult]) -> dict[str, Decimal]:
    return {code: result.shipping for code, result in prices.items()}
