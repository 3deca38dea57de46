"""The shop's next-best-action providers (listed in settings.PERSONALIZATION_ACTION_PROVIDERS).

Each reads the visitor's facts and the shared state (`context.shared("orders")`, "basket"),
never the database: choosing costs the same however many providers there are."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from kernel.regions import SOUTHERN_COUNTRIES, place_name
from personalization.actions.base import Action, ActionContext
from personalization.visitor import Visitor
from shop.basket.models import Basket
from shop.catalog.models import Season
from shop.checkout.models import PaymentStatus
from shop.offers.shipping import SHIPPING_METHODS
from shop.orders.delivery import delivery_estimate
from shop.orders.models import Order, OrderStatus

from .emergency import EARLY_HOURS, help_nearby
from .guides import guide_for_category

EVERYWHERE = frozenset({"home", "account", "order", "basket"})
NOT_ON_BASKET = frozenset({"home", "account", "order"})
DAY = datetime.timedelta(days=1)


def _orders(context: ActionContext) -> tuple[Order, ...]:
    return context.shared("orders", ())


def _events(order: Order) -> dict[str, datetime.datetime]:
    return {event.status: event.created_at for event in order.events.all()}


def _today(visitor: Visitor, context: ActionContext) -> datetime.date:
    local = visitor.get("local_date")
    return local if isinstance(local, datetime.date) else context.now.date()


def _end_of(day: datetime.date, context: ActionContext) -> datetime.datetime:
    return datetime.datetime.combine(day + DAY, datetime.time(), tzinfo=context.now.tzinfo)


# Order on its way -----------------------------------------------------------------------------


def order_arriving(visitor: Visitor, context: ActionContext) -> Iterator[Action]:
    """ "Arriving Thursday — track it" for each paid order not yet delivered."""
    today = _today(visitor, context)
    for order in _orders(context):
        estimate = delivery_estimate(order)
        if estimate is None:
            continue
        if estimate <= today:
            title = _("Arriving today — track it")
        elif estimate == today + DAY:
            title = _("Arriving tomorrow — track it")
        else:
            title = _("Arriving %(weekday)s — track it") % {
                "weekday": formats.date_format(estimate, "l")
            }
        method = SHIPPING_METHODS.get(order.shipping_method)
        yield Action(
            kind="order-arriving",
            key=f"order-arriving:{order.number}",
            title=title,
            url=order.get_absolute_url(),
            cta=_("Track your order"),
            score=80 if order.status == OrderStatus.SHIPPED else 60,
            why=_(
                "Your order %(number)s is on its way to %(region)s by %(method)s delivery: we "
                "expect it on %(date)s."
            )
            % {
                "number": order.number,
                "region": place_name(order.region) or order.region,
                "method": str(method.name).lower() if method else order.shipping_method,
                "date": formats.date_format(estimate, "DATE_FORMAT"),
            },
            places=EVERYWHERE,
            expires_at=_end_of(estimate + 2 * DAY, context),
        )


# Delivered: the care guide, then a review ----------------------------------------------------

GUIDE_DAYS = 10  # the care guide is suggested for this long after delivery
REVIEW_FROM_DAYS, REVIEW_UNTIL_DAYS = 7, 45  # then the review request


def _delivered(context: ActionContext) -> Iterator[tuple[Order, datetime.datetime]]:
    for order in _orders(context):
        if order.status == OrderStatus.DELIVERED:
            delivered = _events(order).get(OrderStatus.DELIVERED)
            if delivered is not None:
                yield order, delivered


def care_guide(visitor: Visitor, context: ActionContext) -> Iterator[Action]:
    """The care guide for what arrived in the last days ("Settling a new cat tree")."""
    for order, delivered in _delivered(context):
        if not (datetime.timedelta(0) <= context.now - delivered < GUIDE_DAYS * DAY):
            continue
        for line in order.lines.all():
            product = line.product
            guide = guide_for_category(product.category_id) if product else None
            if guide is None or product is None:
                continue
            yield Action(
                kind="care-guide",
                key=f"care-guide:{order.number}:{guide.slug}",
                title=guide.title,
                body=guide.summary,
                url=guide.get_absolute_url(),
                cta=_("Read the guide"),
                score=40,
                why=_("Your %(product)s arrived on %(date)s: a few tips help it settle in.")
                % {
                    "product": line.product_name,
                    "date": formats.date_format(delivered, "DATE_FORMAT"),
                },
                places=NOT_ON_BASKET,
                expires_at=delivered + GUIDE_DAYS * DAY,
                weekly_cap=4,
            )
            break


def review_request(visitor: Visitor, context: ActionContext) -> Iterator[Action]:
    """A week after delivery: how is what you bought? (signed-in customers: verified buyers)."""
    if not (context.user is not None and context.user.is_authenticated):
        return
    reviewed: frozenset[int] = context.shared("reviewed", frozenset())
    for order, delivered in _delivered(context):
        age = context.now - delivered
        if not (REVIEW_FROM_DAYS * DAY <= age < REVIEW_UNTIL_DAYS * DAY):
            continue
        for line in order.lines.all():
            if line.product_id is None or line.product_id in reviewed:
                continue
            yield Action(
                kind="review-request",
                key=f"review-request:{order.number}:{line.product_id}",
                title=_("How is the %(product)s? Tell other pet owners")
                % {"product": line.product_name},
                url=reverse("lifecycle:review", kwargs={"product_id": line.product_id}),
                cta=_("Rate it"),
                score=30,
                why=_(
                    "You bought %(product)s and it arrived %(days)d days ago: your rating helps "
                    "others choose."
                )
                % {"product": line.product_name, "days": age.days},
                places=frozenset({"home", "account", "order"}),
                expires_at=delivered + REVIEW_UNTIL_DAYS * DAY,
                weekly_cap=2,
            )
            break


# Running low ---------------------------------------------------------------------------------

BOUGHT = {OrderStatus.PAID, OrderStatus.PACKED, OrderStatus.SHIPPED, OrderStatus.DELIVERED}
LOW_LEAD_DAYS = 5  # suggested this many days before the pack should run out
LOW_UNTIL_DAYS = 21  # and for this long after


def _pets(visitor: Visitor) -> int:
    """How many pets eat from the pack: the visitor's answer when they gave one, else one."""
    answer = visitor.get("answer.pet_count")
    return answer if isinstance(answer, int) and 1 <= answer <= 20 else 1


def _pack_label(product: Any) -> str:
    size = product.pack_size.normalize()
    return f"{size:f} {product.get_pack_unit_display()}"


def running_low(visitor: Visitor, context: ActionContext) -> Iterator[Action]:
    """ "Your 2 kg dog food should be running low — reorder", on the right day."""
    orders = [o for o in _orders(context) if o.status in BOUGHT]
    basket: Basket | None = context.shared("basket")
    in_basket = {line.product_id for line in basket.lines_for_display()} if basket else set()
    newest: dict[int, datetime.datetime] = {}
    for order in orders:  # newest first: the first order of a product is its latest
        for line in order.lines.all():
            if line.product_id is not None:
                newest.setdefault(line.product_id, order.created_at)
    pets = _pets(visitor)
    for order in orders:
        events = _events(order)
        arrived = events.get(OrderStatus.DELIVERED) or order.created_at + 3 * DAY
        for line in order.lines.all():
            product = line.product
            days_per_pack = product.days_per_pack if product else None
            if product is None or days_per_pack is None or not product.is_active:
                continue
            if newest.get(product.pk) != order.created_at or product.pk in in_basket:
                continue  # bought again since, or already on its way back into the basket
            empty = arrived + datetime.timedelta(days=days_per_pack * line.quantity / pets)
            if not (empty - LOW_LEAD_DAYS * DAY <= context.now < empty + LOW_UNTIL_DAYS * DAY):
                continue
            category = product.category.name if product.category_id else product.name
            yield Action(
                kind="running-low",
                key=f"running-low:{product.pk}",
                title=_("Your %(size)s %(what)s should be running low — reorder")
                % {
                    "size": _pack_label(product),
                    "what": category[:1].lower() + category[1:],
                },
                body=product.name,
                url=reverse("lifecycle:reorder", kwargs={"product_id": product.pk}),
                method="post",
                cta=_("Reorder"),
                score=70,
                why=ngettext(
                    "You ordered %(product)s on %(date)s; one pet eats a pack in about %(days)d "
                    "days.",
                    "You ordered %(product)s on %(date)s; %(pets)d pets eat a pack in about "
                    "%(days)d days.",
                    pets,
                )
                % {
                    "product": product.name,
                    "date": formats.date_format(order.created_at, "DATE_FORMAT"),
                    "pets": pets,
                    "days": round(days_per_pack / pets),
                },
                places=NOT_ON_BASKET,
                weekly_cap=5,
            )


# Basket waiting, payment failed ---------------------------------------------------------------

BASKET_IDLE = datetime.timedelta(hours=1)
PAYMENT_FAILED_DAYS = 3


def basket_waiting(visitor: Visitor, context: ActionContext) -> Iterator[Action]:
    """ "You left 3 items in your basket", an hour after it was last touched."""
    basket: Basket | None = context.shared("basket")
    if basket is None or basket.is_empty or context.now - basket.updated_at < BASKET_IDLE:
        return
    count = basket.quantity
    yield Action(
        kind="basket-waiting",
        key=f"basket-waiting:{basket.pk}",
        title=ngettext(
            "You left %(count)d item in your basket",
            "You left %(count)d items in your basket",
            count,
        )
        % {"count": count},
        url=reverse("basket:detail"),
        cta=_("See your basket"),
        score=50,
        why=_("Your basket has been waiting since %(date)s.")
        % {"date": formats.date_format(basket.updated_at, "DATETIME_FORMAT")},
        places=frozenset({"home", "account"}),
        weekly_cap=3,
    )


def payment_failed(visitor: Visitor, context: ActionContext) -> Iterator[Action]:
    """ "Your card was declined — try again": the latest order's card was refused, the basket
    is still there, and nothing was ordered since."""
    orders = _orders(context)
    basket: Basket | None = context.shared("basket")
    if not orders or basket is None or basket.is_empty:
        return
    latest = orders[0]
    if latest.status != OrderStatus.CANCELLED or context.now - latest.created_at > (
        PAYMENT_FAILED_DAYS * DAY
    ):
        return
    if not any(p.status == PaymentStatus.FAILED for p in latest.payments.all()):
        return
    yield Action(
        kind="payment-failed",
        key=f"payment-failed:{latest.number}",
        title=_("Your card was declined — try again"),
        body=_("Your basket is kept: nothing was charged."),
        url=reverse("checkout:checkout"),
        cta=_("Try again"),
        score=90,
        why=_("The payment for order %(number)s on %(date)s did not go through.")
        % {
            "number": latest.number,
            "date": formats.date_format(latest.created_at, "DATETIME_FORMAT"),
        },
        places=EVERYWHERE,
        expires_at=latest.created_at + PAYMENT_FAILED_DAYS * DAY,
    )


PENDING_AFTER = datetime.timedelta(minutes=10)


def payment_pending(visitor: Visitor, context: ActionContext) -> Iterator[Action]:
    """An order still awaiting payment ten minutes on (the card company has not answered):
    say that we are on it, and where to see it, rather than leave the shopper guessing."""
    for order in _orders(context):
        age = context.now - order.created_at
        if order.status != OrderStatus.AWAITING_PAYMENT or not PENDING_AFTER <= age < DAY:
            continue
        yield Action(
            kind="payment-pending",
            key=f"payment-pending:{order.number}",
            title=_("We are still confirming the payment for order %(number)s")
            % {"number": order.number},
            body=_("You will not be charged twice; we e-mail you as soon as it is settled."),
            url=order.get_absolute_url(),
            cta=_("See your order"),
            score=85,
            why=_("Your card company has not answered yet about order %(number)s.")
            % {"number": order.number},
            places=EVERYWHERE,
            expires_at=order.created_at + DAY,
        )


# Season ahead ---------------------------------------------------------------------------------

SEASON_CATEGORIES: dict[str, str] = {
    Season.WINTER: "winter-warmth",
    Season.SUMMER: "summer-cooling",
    Season.RAINY: "rainy-season",
}
# Cold regions get ready earlier: Hokkaido and Tohoku, Scotland's Highlands, Alaska.
COLD_REGIONS = {"JP-01", "JP-02", "JP-03", "JP-05", "JP-06", "US-AK"}
LEAD_DAYS, COLD_LEAD_DAYS = 21, 45
NORTHERN = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring",
            6: "summer", 7: "summer", 8: "summer", 9: "autumn", 10: "autumn",
            11: "autumn"}  # fmt: skip
OPPOSITE = {"winter": "summer", "summer": "winter", "spring": "autumn", "autumn": "spring"}


def _season_on(day: datetime.date, *, southern: bool, country: str) -> str:
    if country == "JP" and day.month == 6:
        return Season.RAINY  # tsuyu: Japan's rainy season has its own coats and boots
    northern = NORTHERN[day.month]
    return OPPOSITE[northern] if southern else northern


def _season_blurb(season: str) -> str:
    blurbs: dict[str, str] = {
        Season.WINTER: _("Paw balm, sweaters and heated beds before the cold sets in."),
        Season.SUMMER: _("Cooling mats and summer grooming before the heat."),
        Season.RAINY: _("Raincoats and quick-dry towels for the rainy weeks."),
    }
    return blurbs.get(season, "")


def season_ahead(visitor: Visitor, context: ActionContext) -> Iterator[Action]:
    """The season about to start (or just started) where the visitor is: "Winter is coming to
    Hokkaido — paw balm, sweaters", weeks earlier where it is cold."""
    today = _today(visitor, context)
    country, region = visitor.country, visitor.region
    # As the clock resolver decides the season fact: below the equator, or a southern country.
    latitude = visitor.get("latitude")
    southern = latitude < 0 if latitude is not None else country in SOUTHERN_COUNTRIES
    lead = COLD_LEAD_DAYS if region in COLD_REGIONS else LEAD_DAYS
    now_season = _season_on(today, southern=southern, country=country)
    ahead = _season_on(today + datetime.timedelta(days=lead), southern=southern, country=country)
    started = _season_on(today - datetime.timedelta(days=lead), southern=southern, country=country)
    if ahead != now_season and ahead in SEASON_CATEGORIES:
        season, coming = ahead, True
    elif started != now_season and now_season in SEASON_CATEGORIES:
        season, coming = now_season, False
    else:
        return
    yield _season_action(season, coming, region or "", today.year, get_language())


@lru_cache(maxsize=1024)
def _season_action(season: str, coming: bool, region: str, year: int, _language: str) -> Action:
    """The action for a season where the visitor is, worded in the active language (the last
    argument keys it): the same for everyone in the region, so worded once per process."""
    # A region reads well in a sentence ("in Hokkaido"); a country often needs an article.
    where = place_name(region) if region else ""
    label = str(Season(season).label)
    values = {"season": label, "lower": label[:1].lower() + label[1:], "where": where}
    if where:
        title = (_("%(season)s is coming to %(where)s — get ready") if coming
                 else _("%(season)s in %(where)s: what helps now")) % values  # fmt: skip
        why = (_("The %(lower)s starts soon where you are (%(where)s).") if coming else
               _("The %(lower)s has just begun where you are (%(where)s).")) % values  # fmt: skip
    else:
        title = (_("%(season)s is coming — get ready") if coming
                 else _("%(season)s is here: what helps now")) % values  # fmt: skip
        why = (_("The %(lower)s starts soon where you are.") if coming else
               _("The %(lower)s has just begun where you are.")) % values  # fmt: skip
    return Action(
        kind="season-ahead",
        key=f"season-ahead:{season}:{year}",
        title=title,
        body=_season_blurb(season),
        url=reverse("catalog:category", kwargs={"slug": SEASON_CATEGORIES[season]}),
        cta=_("See what helps"),
        score=20,
        why=why,
        places=frozenset({"home"}),
        weekly_cap=3,
    )


# The early-morning emergency path -------------------------------------------------------------


def early_morning(visitor: Visitor, context: ActionContext) -> Iterator[Action]:
    """A phone before 6 a.m. local time: nobody shops for fun then. "Is it urgent?" leads to the
    emergency steps, with the nearest open store or partner vet and its number."""
    if visitor.device != "mobile" or visitor.get("local_hour") not in EARLY_HOURS:
        return
    nearby = help_nearby(visitor, at=context.now)
    body = _("Tell us, and we show you what to do now and who can help.")
    secondary_label = secondary_url = ""
    if nearby is not None:
        body = nearby.sentence
        if nearby.store.phone:
            secondary_label = _("Call %(name)s") % {"name": nearby.store.name}
            secondary_url = "tel:" + "".join(c for c in nearby.store.phone if c in "+0123456789")
    yield Action(
        kind="early-morning",
        key="early-morning",
        title=_("Is it urgent?"),
        body=body,
        url=reverse("stores:emergency"),
        cta=_("Yes, help me now"),
        score=100,
        why=_(
            "It is %(hour)d a.m. where you are and you are on a phone: at this hour people "
            "usually need help, not a sale."
        )
        % {"hour": visitor.get("local_hour")},
        places=frozenset({"home", "account"}),
        secondary_label=secondary_label,
        secondary_url=secondary_url,
        not_now_label=_("No, just browsing"),
    )
