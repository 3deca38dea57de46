from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from personalization.actions.services import action_clicked, action_rate_limited
from personalization.middleware import StorefrontRequest
from shop.basket.services import BasketError, basket_add, basket_for_request
from shop.catalog.models import Product

from .forms import ReviewForm
from .models import CareGuide
from .reviews import ReviewRefused, has_bought, review_add


@require_POST
def reorder(request: StorefrontRequest, product_id: int) -> HttpResponse:
    """ "Reorder": the product in the basket (once: pressing twice adds nothing more), then the
    basket, one step from checkout."""
    product = get_object_or_404(Product, pk=product_id, is_active=True)
    if action_rate_limited(request, "lifecycle.reorder"):
        # Nothing is created: a script posting in a loop makes no baskets.
        messages.error(request, _("Too many requests at once. Please try again in a minute."))
        return redirect("basket:detail")
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


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review(request: StorefrontRequest, product_id: int) -> HttpResponse:
    """Rate a product the customer bought (1–5) with an optional comment."""
    product = get_object_or_404(Product, pk=product_id)
    if not has_bought(user=request.user, product=product):
        return render(request, "lifecycle/review.html", {"product": product, "refused": True},
                      status=403)  # fmt: skip
    assert request.user.is_authenticated  # login_required
    initial = {"author_name": request.user.first_name or _("A customer")}
    form = ReviewForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            review_add(user=request.user, product=product, **form.cleaned_data)
        except ReviewRefused as error:
            form.add_error(None, str(error))
        else:
            if request.POST.get("nba"):
                action_clicked(request)
            messages.success(request, _("Thank you! Your review is on the product page."))
            return redirect(product)
    return render(request, "lifecycle/review.html", {"product": product, "form": form},
                  status=400 if form.errors else 200)  # fmt: skip
