from __future__ import annotations

import datetime
from importlib import import_module
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from personalization.experiments.events import EventKind, record
from shop.catalog.models import Product

from .models import Basket, BasketLine

if TYPE_CHECKING:
    from personalization.visitor import Visitor

SESSION_KEY = "basket_id"
MAX_LINE_QUANTITY = 99
# An anonymous basket nobody has touched for this long, and no live session holds, is deleted
# by the nightly housekeeping (tasks.purge_abandoned_baskets).
ABANDONED_AFTER = datetime.timedelta(days=30)


class BasketError(Exception):
    """A change the basket refused, with a message for the shopper."""


def basket_for_request(request: HttpRequest, *, create: bool = False) -> Basket | None:
    """The basket of whoever makes the request: the account's, else the session's."""
    user = request.user
    if user.is_authenticated:
        if create:
            return Basket.objects.get_or_create(owner=user)[0]
        return Basket.objects.filter(owner=user).first()
    basket_id = request.session.get(SESSION_KEY)
    basket = Basket.objects.filter(pk=basket_id, owner=None).first() if basket_id else None
    if basket is None and create:
        basket = Basket.objects.create()
        request.session[SESSION_KEY] = basket.pk
    return basket


def basket_for_request_cached(request: HttpRequest) -> Basket | None:
    """`basket_for_request`, loaded once per request for what only reads it while the page
    renders: the header's mini basket and the next best action share one basket and its lines."""
    if "_basket_cached" not in vars(request):
        vars(request)["_basket_cached"] = basket_for_request(request)
    return vars(request)["_basket_cached"]


def _quantity_check(product: Product, quantity: int) -> int:
    if not product.is_active:
        raise BasketError(_("“%(name)s” is no longer sold.") % {"name": product.name})
    if quantity < 1:
        raise BasketError(_("Choose a quantity of at least 1."))
    if product.stock < 1:
        raise BasketError(_("“%(name)s” is out of stock.") % {"name": product.name})
    if quantity > min(product.stock, MAX_LINE_QUANTITY):
        raise BasketError(
            _("Only %(stock)d of “%(name)s” can be ordered.")
            % {"stock": min(product.stock, MAX_LINE_QUANTITY), "name": product.name}
        )
    return quantity


@transaction.atomic
def basket_add(
    *, basket: Basket, product: Product, quantity: int = 1, visitor: Visitor | None = None
) -> BasketLine:
    """Add units of a product, keeping the line within the stock; the visitor's experiments
    count it once it is committed."""
    if quantity < 1:
        raise BasketError(_("Choose a quantity of at least 1."))
    line = BasketLine.objects.select_for_update().filter(basket=basket, product=product).first()
    current = line.quantity if line else 0
    _quantity_check(product, current + quantity)
    if line is None:
        line = BasketLine.objects.create(basket=basket, product=product, quantity=quantity)
    else:
        line.quantity = current + quantity
        line.save(update_fields=["quantity"])
    basket.save(update_fields=["updated_at"])
    if visitor is not None:
        value = product.price * quantity
        transaction.on_commit(lambda: record(visitor, EventKind.ADD_TO_BASKET, value=value))
    return line


@transaction.atomic
def basket_set_quantity(*, basket: Basket, product: Product, quantity: int) -> BasketLine | None:
    """Set a line's quantity; zero removes the line."""
    if quantity == 0:
        basket_remove(basket=basket, product=product)
        return None
    _quantity_check(product, quantity)
    line, _created = BasketLine.objects.update_or_create(
        basket=basket, product=product, defaults={"quantity": quantity}
    )
    basket.save(update_fields=["updated_at"])
    return line


def basket_remove(*, basket: Basket, product: Product) -> None:
    BasketLine.objects.filter(basket=basket, product=product).delete()


@transaction.atomic
def basket_merge(*, source: Basket, target: Basket) -> None:
    """Move an anonymous basket into an account's: quantities add up, within the stock."""
    if source.pk == target.pk:
        return
    existing = {line.product_id: line for line in target.lines.select_for_update()}
    for line in source.lines.select_related("product"):
        limit = min(line.product.stock, MAX_LINE_QUANTITY)
        if not line.product.is_active or limit < 1:
            continue
        if line.product_id in existing:
            kept = existing[line.product_id]
            kept.quantity = min(kept.quantity + line.quantity, limit)
            kept.save(update_fields=["quantity"])
        else:
            BasketLine.objects.create(
                basket=target, product=line.product, quantity=min(line.quantity, limit)
            )
    source.delete()


def basket_adopt(*, request: HttpRequest, user) -> None:
    """On sign-in, merge the session's anonymous basket into the account's."""
    basket_id = request.session.pop(SESSION_KEY, None)
    source = Basket.objects.filter(pk=basket_id, owner=None).first() if basket_id else None
    if source is None:
        return
    target = Basket.objects.filter(owner=user).first()
    if target is None:
        source.owner = user
        source.save(update_fields=["owner", "updated_at"])
    else:
        basket_merge(source=source, target=target)


class Purged(NamedTuple):
    sessions: int
    baskets: int


def baskets_abandoned_purge(
    *, now: datetime.datetime, older_than: datetime.timedelta = ABANDONED_AFTER
) -> Purged:
    """Delete expired sessions, then anonymous baskets untouched for `older_than` that no live
    session holds any more (nobody can reach them). Account baskets are never deleted."""
    # Sessions live in the database (settings: a cache outage must never empty a basket), so
    # the live ones can be read to find the baskets they still hold.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = store.get_model_class().objects
    expired = sessions.filter(expire_date__lt=now).count()
    store.clear_expired()
    candidates = set(
        Basket.objects.filter(owner=None, updated_at__lt=now - older_than).values_list(
            "pk", flat=True
        )
    )
    if candidates:
        decoder = store()
        live = sessions.filter(expire_date__gte=now).values_list("session_data", flat=True)
        for data in live.iterator(chunk_size=2000):
            candidates.discard(decoder.decode(data).get(SESSION_KEY))
    abandoned = Basket.objects.filter(
        pk__in=candidates, owner=None, updated_at__lt=now - older_than
    )
    deleted = abandoned.delete()[1].get(Basket._meta.label, 0)
    return Purged(sessions=expired, baskets=deleted)
