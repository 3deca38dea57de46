"""Whether an offer is for this visitor, and which basket lines it covers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from kernel.languages import text_in
from kernel.money import hundredths
from kernel.scheduling import is_live
from personalization.facts import fact_display
from personalization.slots import content, segment_result
from personalization.visitor import Visitor

from .models import Area, OfferScope

if TYPE_CHECKING:
    from shop.catalog.models import Product


# Slots: pricing reads a handful of fields of hundreds of offers per basket when national
# offers stack, and reads them faster from slots than from each offer's own dictionary.
@dataclass(frozen=True, slots=True)
class CompiledOffer:
    """An offer as pricing reads it: plain values and id sets, no queries."""

    id: int
    # Every language's name (language → text): the snapshot serves all languages.
    names: dict[str, str] = field(hash=False)
    kind: str
    value: Decimal
    buy_quantity: int
    get_quantity: int
    scope: str
    category_ids: frozenset[int]
    product_ids: frozenset[int]
    pet_types: frozenset[str]
    min_subtotal: Decimal | None
    countries: frozenset[str]
    regions: frozenset[str]
    region_sets: frozenset[str]
    area: str
    segment_id: int | None
    signed_in_only: bool
    first_order_only: bool
    starts_at: Any
    ends_at: Any
    priority: int
    exclusive: bool
    code: str
    store_only: bool
    store_id: int | None
    usage_limit: int | None
    per_customer_limit: int | None
    times_used: int
    # The value in whole hundredths, as pricing computes (kernel.money.hundredths).
    value_hundredths: int = field(init=False, compare=False, repr=False)
    # Whether pricing must check more than the visitor before applying it (the basket, the
    # codes entered, the till): most stacking offers need not be (applicator._admitted).
    guarded: bool = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "value_hundredths", hundredths(self.value))
        guarded = self.store_only or bool(self.code) or self.min_subtotal is not None
        object.__setattr__(self, "guarded", guarded or self.exclusive)

    @property
    def shown_name(self) -> str:
        """The name in the active language, else in English."""
        return text_in(self.names)

    def live(self, at: datetime.datetime) -> bool:
        """In force at `at` (kernel.scheduling's one rule) and not used up."""
        if not is_live(self.starts_at, self.ends_at, at):
            return False
        return self.usage_limit is None or self.times_used < self.usage_limit

    def covers(self, product: Product) -> bool:
        """Whether a product gets the offer: in its scope, and for its pet types if any are
        named ("cat food" is the Food category for cats)."""
        if self.pet_types and product.pet_type not in self.pet_types:
            return False
        if self.scope == OfferScope.PRODUCTS:
            return product.pk in self.product_ids
        if self.scope == OfferScope.CATEGORIES:
            category = product.category
            return category.pk in self.category_ids or category.parent_id in self.category_ids
        return True  # the whole basket, or every product of the named pet types

    def targets(self) -> tuple[str, ...]:
        """Keys of what the offer applies to, as `product_targets` names a product: a product
        the offer covers has at least one of them (`covers` still decides)."""
        if self.scope == OfferScope.PRODUCTS:
            return tuple(f"product:{pk}" for pk in self.product_ids)
        if self.scope == OfferScope.CATEGORIES:
            return tuple(f"category:{pk}" for pk in self.category_ids)
        if self.pet_types:
            return tuple(f"pet:{pet_type}" for pet_type in self.pet_types)
        return ("*",)

    def targets_exact(self) -> bool:
        """Whether every product with one of `targets()` is covered: only pet types named
        beside products or categories leave `covers` something more to check."""
        return not (self.pet_types and self.scope in (OfferScope.PRODUCTS, OfferScope.CATEGORIES))


def product_targets(product: Product) -> tuple[str, ...]:
    """Keys under which offers that may cover the product are indexed (see `targets`)."""
    category = product.category
    keys = ["*", f"product:{product.pk}", f"category:{category.pk}", f"pet:{product.pet_type}"]
    if category.parent_id is not None:
        keys.append(f"category:{category.parent_id}")
    return tuple(keys)


def offer_qualifies(offer: CompiledOffer, visitor: Visitor) -> bool:
    """Whether the offer is for this visitor: `offer_reasons` without the words."""
    return offer_reasons(offer, visitor, explain=False) is not None


def offer_reasons(
    offer: CompiledOffer, visitor: Visitor, *, explain: bool = True
) -> list[str] | None:
    """Why the offer is for this visitor (facts in plain words), or None if it is not.

    Without `explain`, only whether: an empty list, the words left out (they cost far more
    than the checks)."""
    if visitor.get("holdout") and (
        offer.countries or offer.regions or offer.region_sets or offer.area
        or offer.segment_id is not None
    ):  # fmt: skip
        return None  # the personalization holdout gets only the offers everyone gets
    reasons = []
    if offer.countries:
        if visitor.country not in offer.countries:
            return None
        if explain:
            reasons.append(
                _("you are in %(place)s") % {"place": fact_display("country", visitor.country)}
            )
    if offer.regions:
        if visitor.region not in offer.regions:
            return None
        if explain:
            reasons.append(
                _("you are in %(place)s") % {"place": fact_display("region", visitor.region)}
            )
    if offer.region_sets:
        inside = offer.region_sets & set(visitor.get("region_sets", ()))
        if not inside:
            return None
        if explain:
            reasons.append(
                _("you are in %(area)s")
                % {"area": fact_display("region_sets", tuple(sorted(inside)))}
            )
    if offer.area:
        if visitor.get("area") != offer.area:
            return None
        if explain:
            reasons.append(
                _("your area is rural") if offer.area == Area.RURAL else _("your area is urban")
            )
    if offer.segment_id is not None:
        segment = content().segments.get(offer.segment_id)
        matched = segment_result(segment, visitor) if segment is not None else None
        if matched is None:
            return None
        if explain:
            reasons.extend(str(reason) for reason in matched)
    if offer.signed_in_only:
        if not visitor.get("signed_in"):
            return None
        if explain:
            reasons.append(_("you are signed in"))
    if offer.first_order_only:
        if visitor.get("has_ordered"):
            return None
        if explain:
            reasons.append(_("this is your first order"))
    return reasons
