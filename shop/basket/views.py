from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from shop.offers.applicator import basket_price
from shop.offers.services import CodeRefused, code_add, code_remove, codes_for_request
from shop.offers.vouchers import vouchers_for_request

from .forms import BasketLineForm
from .services import BasketError, basket_add, basket_for_request, basket_set_quantity


def basket_context(request: HttpRequest) -> dict:
    """The basket with its prices for this visitor, offers and codes included."""
    basket = basket_for_request(request)
    codes = codes_for_request(request)
    price = None
    if basket is not None and not basket.is_empty:
        price = basket_price(
            lines=[(line.product, line.quantity) for line in basket.lines_for_display()],
            visitor=request.visitor,
            codes=codes,
            vouchers=vouchers_for_request(request, codes),
        )
    return {"basket": basket, "price": price, "codes": codes}


@require_GET
def basket_detail(request: HttpRequest) -> HttpResponse:
    return render(request, "basket/basket.html", basket_context(request))


def _answer(request: HttpRequest, *, fallback: str, partial: str) -> HttpResponse:
    """Answer a basket change.

    htmx gets the changed fragment with the header's mini basket and the messages swapped out
    of band (always 200: a refused change is shown, not swallowed as an error response). A plain
    form post is redirected back, the message waiting on the next page.
    """
    if request.htmx:
        return render(request, partial, basket_context(request))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return redirect(target)


@require_POST
@vary_on_headers("HX-Request")
def basket_add_view(request: HttpRequest) -> HttpResponse:
    form = BasketLineForm(request.POST)
    if form.is_valid():
        product = form.cleaned_data["product"]
        try:
            basket_add(
                basket=basket_for_request(request, create=True),
                product=product,
                quantity=form.cleaned_data["quantity"],
                visitor=request.visitor,
            )
        except BasketError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("“%(name)s” is in your basket.") % {"name": product.name})
    else:
        messages.error(request, _form_error(form))
    return _answer(request, fallback="basket:detail", partial="basket/partials/_added.html")


@require_POST
@vary_on_headers("HX-Request")
def basket_update_view(request: HttpRequest) -> HttpResponse:
    form = BasketLineForm(request.POST)
    basket = basket_for_request(request)
    if form.is_valid() and basket is not None:
        product = form.cleaned_data["product"]
        try:
            line = basket_set_quantity(
                basket=basket, product=product, quantity=form.cleaned_data["quantity"]
            )
        except BasketError as error:
            messages.error(request, str(error))
        else:
            if line is None:
                messages.success(request, _("“%(name)s” was removed.") % {"name": product.name})
            else:
                messages.success(request, _("Your basket was updated."))
    elif basket is None:
        messages.error(request, _("Your basket is empty."))
    else:
        messages.error(request, _form_error(form))
    return _answer(request, fallback="basket:detail", partial="basket/partials/_basket.html")


def _form_error(form: BasketLineForm) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@require_POST
@vary_on_headers("HX-Request")
def basket_code_view(request: HttpRequest) -> HttpResponse:
    """Add or remove a voucher code; a wrong one gets a message that says why."""
    code = request.POST.get("code", "")
    if request.POST.get("action") == "remove":
        code_remove(request=request, code=code)
        messages.info(request, _("The code was removed."))
    else:
        basket = basket_for_request(request)
        lines = (
            [(line.product, line.quantity) for line in basket.lines_for_display()] if basket else []
        )
        try:
            added, applies = code_add(
                request=request, code=code, lines=lines, visitor=request.visitor
            )
        except CodeRefused as error:
            messages.error(request, str(error))
        else:
            if applies:
                messages.success(request, _("Code “%(code)s” applied.") % {"code": added})
            else:
                messages.info(
                    request,
                    _("Code “%(code)s” is kept, but nothing in your basket qualifies for it yet.")
                    % {"code": added},
                )
    return _answer(request, fallback="basket:detail", partial="basket/partials/_basket.html")
