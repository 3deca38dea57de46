from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from .forms import BasketLineForm
from .services import BasketError, basket_add, basket_for_request, basket_set_quantity


@require_GET
def basket_detail(request: HttpRequest) -> HttpResponse:
    return render(request, "basket/basket.html", {"basket": basket_for_request(request)})


def _answer(request: HttpRequest, *, fallback: str, partial: str) -> HttpResponse:
    """Answer a basket change.

    htmx gets the changed fragment with the header's mini basket and the messages swapped out
    of band (always 200: a refused change is shown, not swallowed as an error response). A plain
    form post is redirected back, the message waiting on the next page.
    """
    if request.htmx:
        return render(request, partial, {"basket": basket_for_request(request)})
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
