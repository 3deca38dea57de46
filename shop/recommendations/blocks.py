"""The recommendation blocks a slot's variant can show (registered in PERSONALIZATION_BLOCKS).

Each block is two steps. `choose` is a pure function of the visitor's facts, the page (the
product shown, the basket's products) and the precomputed tables: one query, no writes, the
same answer for the same inputs, so a page cache can key a page by it. `render` turns the
choice into HTML. Every product shown carries the sentence that says why.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.regions import place_name
from personalization.conf import app_settings
from personalization.decisions import decision
from personalization.models import RegionSet
from personalization.visitor import Visitor
from shop.catalog.listing import listing_prices
from shop.catalog.models import PetType, Product

from . import services
from .seasons import shopping_season
from .services import Recommendation

LIMIT = 8

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Page:
    """What the page offers a block besides the visitor: its product, the basket's products."""

    product: Product | None = None
    basket: Collection[int] = frozenset()

    @classmethod
    def from_context(cls, context: Mapping[str, Any]) -> Page:
        product = context.get("product")
        return cls(
            product=product if isinstance(product, Product) else None,
            basket=frozenset(context.get("basket_product_ids") or ()),
        )

    @property
    def excluded(self) -> frozenset[int]:
        """Never recommended: what is in the basket, and the product on the page."""
        return frozenset({*self.basket, *([self.product.pk] if self.product else [])})


@dataclass(frozen=True)
class Choice:
    """What a block shows: a title, and each product with why it is there."""

    title: str
    items: tuple[tuple[Product, str], ...] = field(default=())
    key: str = ""

    @property
    def product_ids(self) -> tuple[int, ...]:
        """The decision, for a page cache's key and for tests."""
        return tuple(product.pk for product, _why in self.items)


class RecommendationBlock:
    key = ""
    label: Any = ""
    template = "recommendations/partials/_block.html"

    def choose(self, *, visitor: Visitor, page: Page) -> Choice | None:
        raise NotImplementedError

    def render(
        self, *, request: Any, context: Mapping[str, Any], link: Callable[[str], str]
    ) -> str:
        visitor = getattr(request, "visitor", None)
        if visitor is None:
            return ""
        page = Page.from_context(context)
        if page.product is not None:
            _page_products(request)[page.product.pk] = page.product
        try:
            choice = choice_decided(
                request,
                self.key,
                page.product.pk if page.product is not None else None,
                tuple(sorted(page.basket)),
            )
        except DatabaseError:
            # A recommendation is never worth an error page: the place is left out.
            logger.warning("Recommendation block %s failed", self.key, exc_info=True)
            return ""
        if choice is None or not choice.items:
            return ""
        products = [product for product, _why in choice.items]
        return render_to_string(
            self.template,
            {
                "choice": choice,
                "block": self,
                "cards": [(p, why, link(p.get_absolute_url())) for p, why in choice.items],
                "product_prices": listing_prices(request, products),
            },
            request=request,
        )


def held_out(visitor: Visitor) -> bool:
    """In the site-wide personalization holdout: shown only what everyone is shown (what the
    page's product or basket goes with, the shop's best sellers), nothing from their facts."""
    return bool(visitor.get("holdout"))


def _items(found: list[Recommendation], why: Callable[[Recommendation], str]) -> tuple:
    return tuple((rec.product, why(rec)) for rec in found)


class BoughtTogether(RecommendationBlock):
    """On a product page: what is bought with this product."""

    key = "bought-together"
    label = _("Bought together (product page)")

    def choose(self, *, visitor: Visitor, page: Page) -> Choice | None:
        if page.product is None:
            return None
        found = services.bought_together(
            product_ids=[page.product.pk], exclude=page.excluded, limit=LIMIT
        )
        name = page.product.name
        return Choice(
            str(_("Often bought together")),
            _items(found, lambda rec: str(_("Often bought with %(name)s") % {"name": name})),
            self.key,
        )


class GoesWellWith(RecommendationBlock):
    """In the basket: what goes with what is in it."""

    key = "goes-well-with"
    label = _("Goes well with (basket)")

    def choose(self, *, visitor: Visitor, page: Page) -> Choice | None:
        if not page.basket:
            return None
        found = services.bought_together(
            product_ids=sorted(page.basket), exclude=page.excluded, limit=4
        )
        return Choice(
            str(_("Goes well with your basket")),
            _items(
                found,
                lambda rec: (
                    str(_("Goes well with %(name)s") % {"name": rec.because.name})
                    if rec.because
                    else ""
                ),
            ),
            self.key,
        )


class BecauseYouBought(RecommendationBlock):
    """For a customer who has ordered: what goes with what they bought."""

    key = "because-you-bought"
    label = _("Because you bought (customers)")

    def choose(self, *, visitor: Visitor, page: Page) -> Choice | None:
        bought = visitor.get("recent_purchases") or []
        if not bought or held_out(visitor):
            return None
        found = services.bought_together(product_ids=bought, exclude=page.excluded, limit=LIMIT)
        return Choice(
            str(_("Because you bought")),
            _items(
                found,
                lambda rec: (
                    str(_("Because you bought %(name)s") % {"name": rec.because.name})
                    if rec.because
                    else ""
                ),
            ),
            self.key,
        )


def visitor_pet(visitor: Visitor, product: Product | None = None) -> tuple[str, str] | None:
    """The pet to recommend for, and why: their answer, else what they bought for, else the
    product they are looking at, else what they looked at most. In the holdout: only the
    product's."""
    if held_out(visitor):
        if product is not None and product.pet_type in PetType.values:
            return product.pet_type, "product"
        return None
    answer = visitor.get("answer.pet")
    if answer in PetType.values:
        return answer, "answer"
    ordered = [pet for pet in visitor.get("ordered_pets") or [] if pet in PetType.values]
    if ordered:
        return ordered[0], "orders"
    if product is not None and product.pet_type in PetType.values:
        return product.pet_type, "product"
    viewed = visitor.get("viewed_most")
    if viewed in PetType.values:
        return viewed, "viewed"
    return None


def pet_reason(pet: str, source: str) -> str:
    name = str(PetType(pet).label).lower()
    sentences = {
        "answer": _("Because you have a %(pet)s"),
        "orders": _("Because you shop for your %(pet)s"),
        "product": _("For a %(pet)s, like this product"),
        "viewed": _("Because you looked at %(pet)s products most"),
    }
    return str(sentences[source] % {"pet": name})


class ForYourPet(RecommendationBlock):
    """The best sellers for the visitor's pet."""

    key = "for-your-pet"
    label = _("For your pet")

    def choose(self, *, visitor: Visitor, page: Page) -> Choice | None:
        found_pet = visitor_pet(visitor, page.product)
        if found_pet is None:
            return None
        pet, source = found_pet
        found = services.pet_best_sellers(pet=pet, exclude=page.excluded, limit=LIMIT)
        reason = pet_reason(pet, source)
        title = _("For your %(pet)s") if source != "product" else _("Best sellers for a %(pet)s")
        return Choice(
            str(title % {"pet": str(PetType(pet).label).lower()}),
            _items(found, lambda rec: reason),
            self.key,
        )


class RecentlyViewed(RecommendationBlock):
    """What the visitor looked at lately (only remembered with personalization consent)."""

    key = "recently-viewed"
    label = _("Recently viewed")

    def choose(self, *, visitor: Visitor, page: Page) -> Choice | None:
        viewed = visitor.get("recently_viewed") or []
        if not visitor.allows("personalization") or not viewed or held_out(visitor):
            return None
        found = services.products_by_id(product_ids=viewed, exclude=page.excluded, limit=LIMIT)
        return Choice(
            str(_("Recently viewed")),
            _items(found, lambda rec: str(_("You looked at this recently"))),
            self.key,
        )


class ContinueWhereYouLeftOff(RecommendationBlock):
    """The last product looked at and not bought yet, to pick up from there."""

    key = "continue"
    label = _("Continue where you left off")

    def choose(self, *, visitor: Visitor, page: Page) -> Choice | None:
        viewed = visitor.get("recently_viewed") or []
        if not visitor.allows("personalization") or not viewed or held_out(visitor):
            return None
        found = services.products_by_id(product_ids=viewed, exclude=page.excluded, limit=1)
        return Choice(
            str(_("Continue where you left off")),
            _items(found, lambda rec: str(_("You were looking at this"))),
            self.key,
        )


def _area_label(area: str) -> str:
    if area.startswith("set:"):
        slug = area.removeprefix("set:")
        return next((s.name for s in RegionSet.objects.cached() if s.slug == slug), slug)
    return place_name(area)


SEASON_WORDS = {
    "winter": _("this winter"),
    "spring": _("this spring"),
    "summer": _("this summer"),
    "autumn": _("this autumn"),
}


def popular_title(area: str, season: str, *, narrowest: str) -> str:
    """Said as it is: a fallback to the whole country says "across Japan", not "near you"."""
    when = SEASON_WORDS[season]
    if area == "":
        return str(_("Popular in our shop %(when)s") % {"when": when})
    if "-" not in area and not area.startswith("set:") and area != narrowest:
        return str(
            _("Popular across %(place)s %(when)s") % {"place": place_name(area), "when": when}
        )
    return str(_("Popular in %(place)s %(when)s") % {"place": _area_label(area), "when": when})


class PopularNearYou(RecommendationBlock):
    """What sells in the visitor's region in their season, else a wider area, named as such."""

    key = "popular-near-you"
    label = _("Popular near you this season")

    def choose(self, *, visitor: Visitor, page: Page) -> Choice | None:
        if held_out(visitor):
            return self._whole_shop(page, visitor.now)
        country = visitor.get("country") or ""
        region = visitor.get("region") or ""
        local_date = visitor.get("local_date") or timezone.localdate(visitor.now)
        season = shopping_season(
            local_date.month, country=country, region=region, latitude=visitor.get("latitude")
        )
        sets = [f"set:{slug}" for slug in visitor.get("region_sets") or ()]
        areas = [a for a in (region, *sets, country) if a]
        area = services.popular_area(areas=areas, season=season)
        if area is None:
            return None
        found = services.popular_in(area=area, season=season, exclude=page.excluded, limit=LIMIT)
        title = popular_title(area, season, narrowest=areas[0] if areas else "")
        return Choice(title, _items(found, lambda rec: title), self.key)

    def _whole_shop(self, page: Page, now: datetime.datetime) -> Choice | None:
        """What the holdout sees: the whole shop's best sellers in the shop's own season (its
        country, its time zone), whoever and wherever the visitor is."""
        season = shopping_season(
            timezone.localdate(now).month, country=app_settings.DEFAULT_COUNTRY
        )
        if services.popular_area(areas=(), season=season) is None:
            return None
        found = services.popular_in(area="", season=season, exclude=page.excluded, limit=LIMIT)
        title = popular_title("", season, narrowest="")
        return Choice(title, _items(found, lambda rec: title), self.key)


BOUGHT_TOGETHER = BoughtTogether()
GOES_WELL_WITH = GoesWellWith()
BECAUSE_YOU_BOUGHT = BecauseYouBought()
FOR_YOUR_PET = ForYourPet()
RECENTLY_VIEWED = RecentlyViewed()
CONTINUE = ContinueWhereYouLeftOff()
POPULAR_NEAR_YOU = PopularNearYou()

BLOCKS = {
    block.key: block
    for block in (BOUGHT_TOGETHER, GOES_WELL_WITH, BECAUSE_YOU_BOUGHT, FOR_YOUR_PET,
                  RECENTLY_VIEWED, CONTINUE, POPULAR_NEAR_YOU)
}  # fmt: skip


def _page_products(request: Any) -> dict[int, Product | None]:
    """The product a page shows, kept for its blocks (asked again for a later visitor, the
    decision reads it from the database)."""
    return vars(request).setdefault("_recommendations_products", {})


def _choice_shown(choice: Choice | None) -> tuple | None:
    """What a block shows of its choice: its title, and each product with why."""
    if choice is None:
        return None
    return (choice.key, str(choice.title), tuple((p.pk, str(why)) for p, why in choice.items))


@decision("recommendations", key=_choice_shown, shared=True)
def choice_decided(
    request: Any, block_key: str, product_id: int | None, basket: tuple[int, ...]
) -> Choice | None:
    """A block's choice for this visitor on this page: a decision, so a page cache shares a
    page between visitors shown the same products for the same reasons."""
    product = None
    if product_id is not None:
        products = _page_products(request)
        if product_id not in products:
            products[product_id] = Product.objects.filter(pk=product_id).first()
        product = products[product_id]
    page = Page(product=product, basket=frozenset(basket))
    return BLOCKS[block_key].choose(visitor=request.visitor, page=page)
