from __future__ import annotations

from functools import cached_property
from typing import ClassVar

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from personalization.decisions import decision, fact_decided
from personalization.history import viewed_note
from personalization.middleware import StorefrontRequest

from .forms import ProductFilterForm
from .listing import listing_prices
from .models import Category, PetType, Product, Season
from .snapshots import CATALOG

PAGE_SIZE = 24


def catalog_season(visitor) -> str:
    """The season whose products to suggest: the visitor's, and in June in Japan the rainy
    season (tsuyu), which needs its own coats and boots."""
    # The visitor's clock, not the server's: a shared answer keeps to the minute it read.
    local_date = visitor.get("local_date") or timezone.localdate(visitor.now)
    if visitor.country == "JP" and local_date.month == 6:
        return Season.RAINY
    return visitor.get("season") or Season.ALL_YEAR


@decision("home-season", shared=True)
def home_season_decided(request: StorefrontRequest) -> str:
    """What the home page's seasonal list depends on: the visitor's season."""
    return catalog_season(request.visitor)


def home(request: StorefrontRequest) -> HttpResponse:
    season = home_season_decided(request)
    products = Product.objects.active().for_listing()
    seasonal = list(products.filter(season=season).in_stock()[:8])
    newest = list(products.in_stock().order_by("-created_at")[:8])
    return render(
        request,
        "catalog/home.html",
        {
            "season": Season(season),
            "seasonal": seasonal,
            "newest": newest,
            "product_prices": listing_prices(request, [*seasonal, *newest]),
        },
    )


class ListingPaginator(Paginator):
    """A listing's pages, whose count is kept in the process under the catalogue's version:
    counting a category of 25,000 products takes PostgreSQL 20 ms, and the count changes only
    when the catalogue does (every product save and stock change bumps its version)."""

    _counts: ClassVar[dict[tuple[str, str], int]] = {}

    @cached_property
    def count(self) -> int:
        try:
            if not isinstance(self.object_list, QuerySet):
                raise EmptyResultSet
            key = (str(self.object_list.query), CATALOG.version())
        except EmptyResultSet:  # not a query, or one that cannot match (counted for nothing)
            return super().count
        counts = ListingPaginator._counts
        if key not in counts:
            if len(counts) >= 2000:
                counts.clear()  # bounded: old versions and rare filters go
            counts[key] = super().count
        return counts[key]


def product_list(request: StorefrontRequest, slug: str | None = None) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug) if slug else None
    products = Product.objects.active().for_listing()
    if category is not None:
        products = products.in_category(category)
    form = ProductFilterForm(request.GET)
    # Once we know the visitor's pet, listings show its products first-hand: "For your cat".
    pet = fact_decided(request, "answer.pet")
    for_your_pet = pet in PetType.values and "pet" not in request.GET
    if for_your_pet:
        data = request.GET.copy()
        data["pet"] = pet
        form = ProductFilterForm(data)
    page = ListingPaginator(form.filter(products), PAGE_SIZE).get_page(request.GET.get("page"))
    # The page's products are fetched once here; the template reads the same list.
    page.object_list = list(page.object_list)
    return render(
        request,
        "catalog/product_list.html",
        {
            "category": category,
            "subcategories": category.children.all() if category else [],
            "form": form,
            "page": page,
            "query_string": form.active_query_string(),
            "for_your_pet": PetType(pet) if for_your_pet else None,
            "product_prices": listing_prices(request, page.object_list),
        },
    )


@decision("viewed")
def viewed_decided(request: StorefrontRequest, product_id: int, pet_type: str) -> None:
    """Keep the product in the visitor's "recently viewed" cookie (only if they allowed
    personalization). A decision, so a page from the decision cache is noted too."""
    viewed_note(request, product_id, pet_type)


def product_detail(request: StorefrontRequest, slug: str) -> HttpResponse:
    product = get_object_or_404(
        Product.objects.active().select_related("category__parent").prefetch_related("images"),
        slug=slug,
    )
    viewed_decided(request, product.pk, product.pet_type)
    return render(
        request,
        "catalog/product_detail.html",
        {"product": product, "product_prices": listing_prices(request, [product])},
    )
