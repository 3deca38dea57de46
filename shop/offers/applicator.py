"""Pricing: fetch what pricing reads once, then compute with pure functions.

Fetch: `pricing_context(visitor, *, catalog=None, now=None)` gathers the offer catalog (the
per-process snapshot, versioned through the shared cache like segments, or offers just loaded from
the database when placing an order), the live offers the visitor qualifies for and one `now`
into a frozen `PricingContext`. A request builds it once (`request_pricing_context`).

Compute: `basket_price(*, lines, context, ...)` and `list_prices(products, context)` read only
their arguments: no cache, no clock, no query. The product card, product page, basket, checkout
and order placement all go through them, so every page shows the same figures.
"""

from __future__ import annotations

import bisect
import datetime
import operator
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kernel.languages import texts_of
from kernel.money import (
    currency_default,
    from_hundredths,
    hundredths,
    money_format,
    money_round,
    rounding_step,
    share,
)
from kernel.snapshot import Snapshot
from personalization.decisions import decision
from personalization.visitor import Visitor
from shop.catalog.models import Product

from .conditions import CompiledOffer, offer_qualifies, offer_reasons, product_targets
from .models import Offer, OfferKind, OfferScope
from .results import Discount, PricedLine, PriceResult, VoucherTerms
from .shipping import SHIPPING_METHODS


@dataclass(frozen=True)
class Qualified:
    """The offers a visitor qualifies for, by priority, with their ids, and those a basket
    must consider even if they cover none of its lines (free shipping, codes: they explain)."""

    offers: tuple[CompiledOffer, ...]
    ids: frozenset[int]
    considered_always: tuple[CompiledOffer, ...]

    @classmethod
    def of(cls, offers: Iterable[CompiledOffer]) -> Qualified:
        offers = tuple(offers)
        return cls(
            offers,
            frozenset(offer.id for offer in offers),
            tuple(o for o in offers if o.kind == OfferKind.FREE_SHIPPING or o.code),
        )


# Visitor classes whose qualifying offers a catalog remembers (see OfferCatalog.qualified).
QUALIFIED_MEMO_SIZE = 4096
# Products whose covering offers a catalog remembers (see OfferCatalog.covering).
COVERS_MEMO_SIZE = 20_000


def sentence_reader() -> tuple[str, str]:
    """What an offer's sentence depends on besides the offer: the language and time zone."""
    return get_language() or "", timezone.get_current_timezone_name()


# Offers apply by priority, then in the order they were made (a C-level key: pricing sorts
# hundreds of offers when national ones stack).
_order = operator.attrgetter("priority", "id")


@dataclass(frozen=True)
class OfferCatalog:
    """Every active offer, with two indexes: where an offer is for (so that a visitor is
    checked against the few offers of their region, not against all of them), and what it
    applies to (so that a basket is priced with the offers that can touch its lines)."""

    offers: tuple[CompiledOffer, ...]
    index: dict[str, tuple[CompiledOffer, ...]]
    by_code: dict[str, CompiledOffer]
    # CompiledOffer.targets() → ids of the offers applying to it.
    by_target: dict[str, frozenset[int]] = field(default_factory=dict)
    # Offers that cover every product found under their targets: `covers` need not be asked.
    exact: frozenset[int] = frozenset()
    # Every moment an offer starts or ends: between two of them, the same offers are live.
    boundaries: tuple[datetime.datetime, ...] = ()
    # The visitor facts that decide the offers without a segment → those offers (qualified()).
    memo: dict[tuple[Any, ...], Qualified] = field(default_factory=dict, compare=False, repr=False)
    # (product id, category id, its parent's id, pet type) → the offers covering it (covering).
    covers_memo: dict[tuple[Any, ...], tuple[int, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # (language, time zone) → offer id → the offer's sentence (offer_sentence).
    sentences: dict[tuple[str, str], dict[int, str]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def candidates(self, visitor: Visitor) -> list[CompiledOffer]:
        keys = ["*", f"country:{visitor.country}", f"region:{visitor.region}"]
        keys += [f"set:{slug}" for slug in visitor.get("region_sets", ())]
        found = {offer.id: offer for key in keys for offer in self.index.get(key, ())}
        return sorted(found.values(), key=_order)

    def qualified(self, visitor: Visitor, now: datetime.datetime) -> Qualified:
        """The offers live at `now` that the visitor qualifies for, by priority.

        Offers without a segment depend only on the facts in the key below and on which
        offers are live, which changes only at the catalog's boundaries: they are worked out
        once per kind of visitor and period. Offers with a segment are checked each time."""
        key = (
            bisect.bisect_right(self.boundaries, now),
            bool(visitor.get("holdout")),
            visitor.country,
            visitor.region,
            frozenset(visitor.get("region_sets", ())),
            visitor.get("area"),
            bool(visitor.get("signed_in")),
            bool(visitor.get("has_ordered")),
        )
        shared = self.memo.get(key)
        if shared is None:
            shared = Qualified.of(
                offer
                for offer in self.candidates(visitor)
                if offer.segment_id is None and offer.live(now) and offer_qualifies(offer, visitor)
            )
            if len(self.memo) >= QUALIFIED_MEMO_SIZE:
                self.memo.clear()
            self.memo[key] = shared
        # offer_qualifies checks the whole audience, where the offer is for included.
        targeted = [
            offer
            for offer in self.segment_offers
            if offer.live(now) and offer_qualifies(offer, visitor)
        ]
        return Qualified.of(sorted((*shared.offers, *targeted), key=_order)) if targeted else shared

    @cached_property
    def segment_offers(self) -> tuple[CompiledOffer, ...]:
        return tuple(offer for offer in self.offers if offer.segment_id is not None)

    @cached_property
    def by_id(self) -> dict[int, CompiledOffer]:
        return {offer.id: offer for offer in self.offers}

    @cached_property
    def rank(self) -> dict[int, int]:
        """Offer id → its place in the order offers apply (sorting ids by it is cheaper than
        sorting offers by `_order`, with hundreds of them)."""
        return {offer.id: place for place, offer in enumerate(sorted(self.offers, key=_order))}

    def sentence(self, offer: CompiledOffer, reader: tuple[str, str] | None = None) -> str:
        """The offer's sentence (`offer_sentence`), worked out once per language and time zone
        (`reader`: `sentence_reader()`, when the caller has it)."""
        worded = self.sentences_in(reader or sentence_reader())
        found = worded.get(offer.id)
        if found is None:
            found = worded[offer.id] = offer_sentence(offer)
        return found

    def sentences_in(self, reader: tuple[str, str]) -> dict[int, str]:
        """Offer id → its sentence for `reader` (`sentence_reader()`), as far as worded yet:
        pricing reads hundreds of them when national offers stack."""
        worded = self.sentences.get(reader)
        if worded is None:
            worded = self.sentences[reader] = {}
        return worded

    def touching(self, products: Iterable[Product], among: Set[int]) -> dict[int, list[int]]:
        """Offer id → the positions of the products it covers, for the offers `among` (those
        the visitor qualifies for) covering any."""
        found: dict[int, list[int]] = {}
        for position, product in enumerate(products):
            for offer_id in self.covering(product):
                if offer_id in among:
                    positions = found.get(offer_id)
                    if positions is None:
                        found[offer_id] = [position]
                    else:
                        positions.append(position)
        return found

    def covering(self, product: Product) -> tuple[int, ...]:
        """The ids of the offers covering the product, whoever they are for: worked out once
        per product (as its category and pet type place it) while the offers stay the same."""
        category = product.category
        key = (product.pk, category.pk, category.parent_id, product.pet_type)
        found = self.covers_memo.get(key)
        if found is None:
            exact, by_id, ids = self.exact, self.by_id, set()
            for target in product_targets(product):
                for offer_id in self.by_target.get(target, ()):
                    if offer_id in exact or by_id[offer_id].covers(product):
                        ids.add(offer_id)
            found = tuple(ids)
            if len(self.covers_memo) >= COVERS_MEMO_SIZE:
                self.covers_memo.clear()
            self.covers_memo[key] = found
        return found


def _index_keys(offer: CompiledOffer) -> list[str]:
    # The narrowest targeting is enough: the offer's other conditions are checked anyway.
    if offer.regions:
        return [f"region:{code}" for code in offer.regions]
    if offer.region_sets:
        return [f"set:{slug}" for slug in offer.region_sets]
    if offer.countries:
        return [f"country:{code}" for code in offer.countries]
    return ["*"]


def offers_load() -> OfferCatalog:
    offers = Offer.objects.filter(is_active=True).prefetch_related(
        "categories", "products", "region_sets"
    )
    compiled = tuple(
        CompiledOffer(
            id=o.pk, names=texts_of(o, "name"), kind=o.kind, value=o.value,
            buy_quantity=o.buy_quantity,
            get_quantity=o.get_quantity, scope=o.scope,
            category_ids=frozenset(c.pk for c in o.categories.all()),
            product_ids=frozenset(p.pk for p in o.products.all()),
            pet_types=frozenset(o.pet_types), min_subtotal=o.min_subtotal,
            countries=frozenset(o.countries), regions=frozenset(o.regions),
            region_sets=frozenset(s.slug for s in o.region_sets.all()), area=o.area,
            segment_id=o.segment_id, signed_in_only=o.signed_in_only,
            first_order_only=o.first_order_only, starts_at=o.starts_at, ends_at=o.ends_at,
            priority=o.priority, exclusive=o.exclusive, code=o.code.strip().upper(),
            store_only=o.store_only, store_id=o.store_id,
            usage_limit=o.usage_limit,
            per_customer_limit=o.per_customer_limit, times_used=o.times_used,
        )
        for o in offers
    )  # fmt: skip
    return catalog_build(compiled)


def catalog_build(compiled: Iterable[CompiledOffer]) -> OfferCatalog:
    """A catalog of compiled offers, with its indexes."""
    compiled = tuple(compiled)
    index: dict[str, list[CompiledOffer]] = {}
    by_target: dict[str, set[int]] = {}
    for offer in compiled:
        for key in _index_keys(offer):
            index.setdefault(key, []).append(offer)
        for key in offer.targets():
            by_target.setdefault(key, set()).add(offer.id)
    moments = {at for offer in compiled for at in (offer.starts_at, offer.ends_at) if at}
    return OfferCatalog(
        compiled,
        {key: tuple(found) for key, found in index.items()},
        {offer.code: offer for offer in compiled if offer.code},
        {key: frozenset(ids) for key, ids in by_target.items()},
        frozenset(offer.id for offer in compiled if offer.targets_exact()),
        tuple(sorted(moments)),
    )


# The offer index is built from offers, their categories, products and region sets (by slug):
# a change to any of them refreshes it (registered in OffersConfig.ready()).
OFFERS = Snapshot(
    "offers",
    load=offers_load,
    depends_on=(
        "offers.Offer",
        "offers.Offer_categories",
        "offers.Offer_products",
        "offers.Offer_region_sets",
        "personalization.RegionSet",
    ),
)


def offers_cached() -> OfferCatalog:
    return OFFERS.get()


def offers_changed() -> None:
    """Offers changed in a way no signal reports (use counts updated in bulk): tell everyone."""
    OFFERS.bump()


def offers_recheck() -> None:
    """This process's offers priced differently from the database's: check the version."""
    OFFERS.recheck()


def code_normalize(code: str) -> str:
    return code.strip().upper()


def sentence_until(name: str, ends_at: datetime.datetime | None) -> str:
    """An offer's or voucher's name, and its end date when it has one."""
    if ends_at is None:
        return name
    # The last day it is valid, in the shop's time zone (an end at midnight is the day before).
    last_moment = timezone.localtime(ends_at - datetime.timedelta(microseconds=1))
    until = formats.date_format(last_moment, "MONTH_DAY_FORMAT")
    return _("%(offer)s, until %(date)s") % {"offer": name, "date": until}


def offer_sentence(offer: CompiledOffer) -> str:
    return sentence_until(offer.shown_name, offer.ends_at)


@dataclass(frozen=True)
class VisitorOffer:
    """An offer the visitor qualifies for; why, and its sentence, worked out when read (in the
    language of whoever reads them)."""

    offer: CompiledOffer
    visitor: Visitor = field(compare=False, repr=False)
    catalog: OfferCatalog | None = field(default=None, compare=False, repr=False)

    @cached_property
    def reasons(self) -> tuple[str, ...]:
        return tuple(offer_reasons(self.offer, self.visitor) or ())

    @cached_property
    def sentence(self) -> str:
        if self.catalog is not None:
            return self.catalog.sentence(self.offer)
        return offer_sentence(self.offer)


# Fetch: everything pricing reads, gathered once.


@dataclass(frozen=True)
class PricingContext:
    """What pricing reads, fetched once: the offers (for codes), the live offers this visitor
    qualifies for by priority (with their sentences), and the one moment prices are for."""

    catalog: OfferCatalog
    qualified: Qualified
    now: datetime.datetime
    visitor: Visitor = field(compare=False, repr=False)

    @cached_property
    def offers(self) -> tuple[VisitorOffer, ...]:
        return tuple(
            VisitorOffer(offer, self.visitor, self.catalog) for offer in self.qualified.offers
        )

    @property
    def to_show(self) -> tuple[VisitorOffer, ...]:
        """The offers a visitor may be told about: not store codes (shown at their store)."""
        return tuple(vo for vo in self.offers if not vo.offer.store_only)


def offers_for_visitor(
    visitor: Visitor, *, catalog: OfferCatalog, now: datetime.datetime
) -> list[VisitorOffer]:
    """Offers live at `now` that this visitor qualifies for (whatever the basket), by priority."""
    return [
        VisitorOffer(offer, visitor, catalog) for offer in catalog.qualified(visitor, now).offers
    ]


def pricing_context(
    visitor: Visitor, *, catalog: OfferCatalog | None = None, now: datetime.datetime | None = None
) -> PricingContext:
    """Gather what pricing reads for this visitor: from the process's snapshot of offers, or
    from `catalog` (offers just loaded from the database, when placing an order), at `now`
    (the visitor's moment unless told)."""
    catalog = catalog if catalog is not None else offers_cached()
    now = now if now is not None else visitor.now
    return PricingContext(
        catalog=catalog, qualified=catalog.qualified(visitor, now), now=now, visitor=visitor
    )


def _offers_shown(context: PricingContext) -> tuple[tuple[int, tuple[str, ...], str], ...]:
    # Prices are a function of the products and these offers; the reasons and the sentence are
    # shown with them (worded here, inside the decision, as they read the visitor).
    return tuple(
        (vo.offer.id, tuple(map(str, vo.reasons)), str(vo.sentence)) for vo in context.offers
    )


# Where "offers-shown", answered for this request's own visitor, leaves the context it built.
_CONTEXT_BUILT = "_offers_context_built"


@decision("offers-shown", shared=True)
def offers_shown_decided(request: HttpRequest) -> tuple[tuple[int, tuple[str, ...], str], ...]:
    """What a page shows of the visitor's offers (hence of its prices), worded once for every
    visitor with the same values of the facts they read."""
    context = pricing_context(request.visitor)  # type: ignore[attr-defined]
    vars(request)[_CONTEXT_BUILT] = context  # built once: "offers" takes it
    return _offers_shown(context)


def _shown_by_offers_shown(_context: PricingContext) -> tuple[()]:
    # What the page shows of the context is the "offers-shown" answer, recorded beside this one.
    return ()


@decision("offers", key=_shown_by_offers_shown)
def pricing_decided(request: HttpRequest) -> PricingContext:
    """The offers (hence prices) for the request's visitor: a decision pages are shared by."""
    offers_shown_decided(request)
    visitor = request.visitor  # type: ignore[attr-defined]
    built: PricingContext | None = vars(request).pop(_CONTEXT_BUILT, None)
    # Equal, not the same object: one may be the request's lazy stand-in for the other.
    return built if built is not None and built.visitor == visitor else pricing_context(visitor)


def request_pricing_context(request: HttpRequest) -> PricingContext:
    """The request's visitor's pricing context, built on first use and kept on the request."""
    held: PricingContext | None = getattr(request, "_pricing_context", None)
    if held is None:
        held = pricing_decided(request)
        request._pricing_context = held  # type: ignore[attr-defined]
    return held


# Compute: pure functions of their arguments.


# The kinds as plain strings: comparing a string with an enum member costs three times more,
# once or twice per offer and basket.
_PERCENT, _FIXED, _FREE_SHIPPING, _BUY_X_GET_Y = (
    str(kind.value)
    for kind in (OfferKind.PERCENT, OfferKind.FIXED, OfferKind.FREE_SHIPPING, OfferKind.BUY_X_GET_Y)
)


class _Ledger:
    """A basket's lines in whole hundredths (kernel.money) while offers take their discounts
    off them, one after another, each from what the ones before left."""

    __slots__ = ("units", "quantities", "gross", "taken", "step")

    def __init__(self, lines: list[PricedLine], currency: str) -> None:
        self.units = [hundredths(line.unit_price) for line in lines]
        self.quantities = [line.quantity for line in lines]
        self.gross = [unit * line.quantity for unit, line in zip(self.units, lines, strict=True)]
        self.taken = [0] * len(lines)
        self.step = rounding_step(currency)

    def percent_off(self, positions: Iterable[int], rate: int) -> int:
        """Take `rate` (a percentage in hundredths: 5 % is 500) off each line, rounded to the
        currency's unit; returns the total."""
        gross, taken, step = self.gross, self.taken, self.step
        # left × percent ÷ 100 with the percent in hundredths (÷ 10,000), rounded half up to
        # the step: kernel.money.share written out, as it runs for every line of every offer.
        unit = 10_000 * step
        total_taken = 0
        for position in positions:
            left = gross[position] - taken[position]
            amount = (2 * left * rate + unit) // (2 * unit) * step
            if amount > left:
                amount = left
            taken[position] += amount
            total_taken += amount
        return total_taken

    def benefit(self, offer: CompiledOffer, positions: Iterable[int]) -> int:
        """Take a fixed amount or buy-x-get-y offer's discount off the lines at `positions`
        (those it covers, in the basket's order; a line already free takes nothing more);
        returns the amount taken. Percentages go to `percent_off`."""
        kind = offer.kind
        gross, taken = self.gross, self.taken
        covered = [position for position in positions if gross[position] > taken[position]]
        if not covered:
            return 0
        total_taken = 0
        if kind == _FIXED:
            base = sum(gross[position] - taken[position] for position in covered)
            remaining = min(offer.value_hundredths, base)
            for position in covered[:-1]:
                # Spread over the lines in proportion; the last line takes what rounding left.
                amount = share(remaining * (gross[position] - taken[position]), base, self.step)
                taken[position] += amount
                total_taken += amount
            taken[covered[-1]] += remaining - total_taken
            return remaining
        if kind == _BUY_X_GET_Y:
            group = offer.buy_quantity + offer.get_quantity
            for position in covered:
                free_units = (self.quantities[position] // group) * offer.get_quantity
                amount = min(self.units[position] * free_units, gross[position] - taken[position])
                taken[position] += amount
                total_taken += amount
        return total_taken

    def settle(self, lines: list[PricedLine]) -> None:
        """Write the discounts taken onto the lines."""
        for line, taken in zip(lines, self.taken, strict=True):
            line.discount = from_hundredths(taken)


def basket_price(
    *,
    lines: Iterable[tuple[Product, int]],
    context: PricingContext,
    codes: Sequence[str] = (),
    shipping_method: str = "standard",
    vouchers: Sequence[VoucherTerms] = (),
) -> PriceResult:
    """Price a basket with the codes entered, from what `context` gathered.

    `vouchers` are the personal vouchers among the codes, looked up for this shopper
    (`shop.offers.vouchers.vouchers_for_codes`): they are not part of the shared offers."""
    now = context.now
    priced = [PricedLine(product, quantity, product.price) for product, quantity in lines]
    subtotal = sum((line.gross for line in priced), Decimal(0))
    entered = {code_normalize(code) for code in codes if code.strip()}
    catalog = context.catalog
    qualifying = context.qualified.ids
    reader = sentence_reader()
    problems: dict[str, str] = {}
    by_code = context.catalog.by_code
    personal = {voucher.code: voucher for voucher in vouchers if voucher.code in entered}
    for code in entered:
        offer = by_code.get(code)
        if offer is None and code in personal:
            if personal[code].problem:
                problems[code] = personal[code].problem
        elif offer is None:
            problems[code] = _("“%(code)s” is not a code we know.") % {"code": code}
        elif offer.store_only:
            problems[code] = _("“%(code)s” is for use at our store: show it at the till.") % {
                "code": code
            }
        elif offer.usage_limit is not None and offer.times_used >= offer.usage_limit:
            problems[code] = _("“%(code)s” has just been used up.") % {"code": code}
        elif not offer.live(now):
            problems[code] = _("“%(code)s” is no longer valid.") % {"code": code}
        elif offer.id not in qualifying:
            problems[code] = _("“%(code)s” is not valid for you or your region.") % {"code": code}

    currency = currency_default()
    ledger = _Ledger(priced, currency)
    discounts: list[Discount] = []
    free_shipping_from: list[Decimal] = []
    exclusive_taken = free = False
    # Only offers that may cover a line, and those that explain themselves without one: any
    # other gives no discount and says nothing, so leaving it out changes nothing.
    touching = catalog.touching((line.product for line in priced), qualifying)
    considered = set(touching)
    considered.update(offer.id for offer in context.qualified.considered_always)
    by_id = catalog.by_id
    sentences = catalog.sentences_in(reader)
    percent_off = ledger.percent_off
    for offer_id in sorted(considered, key=catalog.rank.__getitem__):
        offer = by_id[offer_id]
        if (offer.guarded or exclusive_taken) and not _admitted(
            offer, entered, subtotal, discounts, exclusive_taken, problems, free_shipping_from
        ):
            continue
        kind = offer.kind
        if kind == _PERCENT:  # most of a basket's offers when national ones stack
            taken = percent_off(touching.get(offer_id, ()), offer.value_hundredths)
        elif kind == _FREE_SHIPPING:
            taken, free = 0, True
        else:
            taken = ledger.benefit(offer, touching.get(offer_id, ()))
        if not taken and kind != _FREE_SHIPPING:
            continue
        sentence = sentences.get(offer_id) or catalog.sentence(offer, reader)
        discounts.append(
            Discount(offer_id, sentence, from_hundredths(taken), kind == _FREE_SHIPPING, offer.code)
        )
        exclusive_taken = offer.exclusive
    discounts += _voucher_discount(personal, ledger, problems, exclusive_taken, discounts)
    ledger.settle(priced)

    method = SHIPPING_METHODS.get(shipping_method, SHIPPING_METHODS["standard"])
    # Every discount's amount was taken off the lines: their sum is what the lines lost.
    after_discounts = subtotal - from_hundredths(sum(ledger.taken))
    shipping = Decimal(0) if free else method.price_for(after_discounts)
    missing = None
    if shipping:
        # Standard shipping is priced on the basket after discounts; free-shipping offers'
        # minimums on the basket before them.
        gaps = [threshold - subtotal for threshold in free_shipping_from]
        if method.free_from is not None:
            gaps.append(method.free_from - after_discounts)
        if gaps:
            missing = money_round(min(gaps), currency)
    return PriceResult(
        lines=priced,
        discounts=discounts,
        shipping=shipping,
        shipping_method=method.code,
        currency=currency,
        code_problems=problems,
        missing_for_free_shipping=missing if missing and missing > 0 else None,
    )


def _admitted(
    offer: CompiledOffer,
    entered: Set[str],
    subtotal: Decimal,
    discounts: list[Discount],
    exclusive_taken: bool,
    problems: dict[str, str],
    free_shipping_from: list[Decimal],
) -> bool:
    """Whether a guarded offer (`CompiledOffer.guarded`), or any offer after an exclusive one,
    applies to this basket; when it does not, a code entered for it says why in `problems`,
    and a free-shipping minimum not reached goes to `free_shipping_from`."""
    if offer.store_only or (offer.code and offer.code not in entered):
        return False
    if offer.min_subtotal is not None and subtotal < offer.min_subtotal:
        if offer.kind == _FREE_SHIPPING:
            free_shipping_from.append(offer.min_subtotal)
        if offer.code:
            problems[offer.code] = _("“%(code)s” needs a basket of at least %(amount)s.") % {
                "code": offer.code,
                "amount": money_format(offer.min_subtotal),
            }
        return False
    if exclusive_taken or (offer.exclusive and discounts):
        if offer.code:
            problems[offer.code] = _("“%(code)s” cannot be combined with %(other)s.") % {
                "code": offer.code,
                "other": discounts[0].sentence if discounts else "",
            }
        return False
    return True


def _voucher_discount(
    personal: dict[str, VoucherTerms],
    ledger: _Ledger,
    problems: dict[str, str],
    exclusive_taken: bool,
    discounts: list[Discount],
) -> list[Discount]:
    """The one personal voucher an order may use, after the offers: the best one entered."""
    usable = sorted(
        (voucher for voucher in personal.values() if not voucher.problem),
        key=lambda voucher: (-voucher.percent, voucher.code),
    )
    if not usable:
        return []
    best, *others = usable
    for other in others:
        problems[other.code] = _(
            "Only one personal voucher can be used per order: “%(code)s” was not used."
        ) % {"code": other.code}
    if exclusive_taken:
        problems[best.code] = _("“%(code)s” cannot be combined with %(other)s.") % {
            "code": best.code,
            "other": discounts[0].sentence,
        }
        return []
    taken = ledger.percent_off(range(len(ledger.gross)), hundredths(best.percent))
    if not taken:
        return []
    return [
        Discount(None, best.sentence, from_hundredths(taken), False, best.code, voucher_id=best.id)
    ]


@dataclass(frozen=True)
class ProductPrice:
    price: Decimal
    was: Decimal | None
    badges: tuple[str, ...]


def list_prices(products: Iterable[Product], context: PricingContext) -> dict[int, ProductPrice]:
    """What one unit of each product costs now, and the offers that could make it cheaper:
    every card of a listing priced in one call."""
    catalog = context.catalog
    qualifying = context.qualified.ids
    reader = sentence_reader()
    prices = {}
    for product in products:
        if product.pk in prices:
            continue
        unit = basket_price(lines=[(product, 1)], context=context).lines[0].total
        was = product.price if unit < product.price else product.compare_at_price
        badge_offers = sorted(catalog.touching([product], qualifying), key=catalog.rank.__getitem__)
        badges = tuple(
            catalog.sentence(offer, reader)
            for offer in map(catalog.by_id.__getitem__, badge_offers)
            if offer.kind != OfferKind.FREE_SHIPPING
            and not offer.code
            and offer.scope != OfferScope.BASKET
        )
        prices[product.pk] = ProductPrice(unit, was if was and was > unit else None, badges)
    return prices


def request_list_prices(
    request: HttpRequest, products: Iterable[Product]
) -> dict[int, ProductPrice]:
    """A listing's prices for the request's visitor: how the catalogue's views price cards."""
    return list_prices(products, request_pricing_context(request))
