from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from personalization.actions.services import action_clicked
from personalization.middleware import StorefrontRequest
from shop.basket.services import BasketError, basket_add, basket_for_request
from shop.catalog.models import Product

from .models import CareGuide


@require_POST
def reorder(request: StorefrontRequest, product_id: int) -> HttpResponse:
    """ "Reorder": the product in the basket (once: pressing twice adds nothing more), then the
    basket, one step from checkout."""
    product = get_object_or_404(Product, pk=product_id, is_active=True)
    basket = basket_for_request(request, create=True)
    assert basket is not None  # create=True finds or makes one
    if any(line.product_id == product.pk for line in basket.lines_for_display()):
        messages.info(request, _("“%(name)s” is already in your basket.") % {"name": product.name})
    else:
        try:
            basket_add(basket=basket, product=product, quantity=1, visitor=request.visitor)
        except BasketError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("“%(name)s” is in your basket.") % {"name": product.name})
    if request.POST.get("nba"):
        action_clicked(request)
    return redirect("basket:detail")


@require_safe
def guide(request: StorefrontRequest, slug: str) -> HttpResponse:
    guide = get_object_or_404(
        CareGuide.objects.select_related("category"), slug=slug, is_active=True
    )
    return render(request, "lifecycle/guide.html", {"guide": guide})
