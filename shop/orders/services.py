from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from personalization.profiling import erased_email
from shop.catalog.models import Product
from shop.offers.models import OrderDiscount

from .models import EMAILED_STATUSES, Order, OrderEvent, OrderStatus

logger = logging.getLogger(__name__)


@transaction.atomic
def orders_personal_data_erase(*, user) -> None:
    """Scrub an erased account's personal data from its orders and every copy of it.

    Orders stay (the law requires the shop to keep what was sold, for how much, when and where
    it was delivered) but lose their link to the account and the phone number, and the e-mail
    address is replaced — in the orders and in the offer-use records that copied it.
    """
    email = erased_email(user.pk)
    orders = Order.objects.filter(user=user)
    OrderDiscount.objects.filter(Q(order__in=orders) | Q(customer=user)).update(
        customer_email=email, customer_key="", customer=None
    )
    orders.update(user=None, phone="", email=email)


def order_event_add(
    *, order: Order, status: str, note: str = "", by=None, notify: bool = True
) -> OrderEvent:
    """Record a step in the order's timeline and queue its e-mail once committed."""
    event = OrderEvent.objects.create(
        order=order, status=status, note=note, created_by=by, notify=notify
    )
    if event.needs_email:
        transaction.on_commit(lambda: order_event_email_queue(event_id=event.pk))
    return event


@transaction.atomic
def order_status_set(
    *,
    order: Order,
    status: str,
    tracking_number: str = "",
    note: str = "",
    by=None,
    notify: bool = True,
) -> OrderEvent:
    """Move an order to a new status, as staff do from the admin."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if not order.can_move_to(status):
        raise ValidationError(
            _("An order that is %(current)s cannot become %(new)s.")
            % {"current": order.get_status_display(), "new": OrderStatus(status).label}
        )
    tracking_number = tracking_number.strip()
    if status == OrderStatus.SHIPPED:
        if not tracking_number:
            raise ValidationError(_("A shipped order needs a tracking number."))
        order.tracking_number = tracking_number
        note = note or _("Tracking number: %(number)s") % {"number": tracking_number}
    order.status = status
    order.save(update_fields=["status", "tracking_number"])
    if status == OrderStatus.CANCELLED:
        _restock(order)
    return order_event_add(order=order, status=status, note=note, by=by, notify=notify)


def _restock(order: Order) -> None:
    for line in order.lines.exclude(product=None):
        Product.objects.filter(pk=line.product_id).update(stock=F("stock") + line.quantity)


def order_event_email_queue(*, event_id: int) -> None:
    """Hand the e-mail to a worker; if the broker is down, the pending sweep sends it later."""
    from .tasks import send_order_event_email

    try:
        send_order_event_email.delay(event_id)
    except Exception:
        logger.warning("Could not queue the e-mail of order event %s", event_id, exc_info=True)


def order_event_email_send(*, event_id: int) -> bool:
    """Send one event's e-mail exactly once; returns whether it was sent now."""
    with transaction.atomic():
        event = (
            OrderEvent.objects.select_for_update()
            .select_related("order")
            .filter(pk=event_id)
            .first()
        )
        if event is None or not event.needs_email:
            return False
        order = event.order
        with translation.override(order.language):
            context = {
                "order": order,
                "event": event,
                "lines": list(order.lines.all()),
                "discounts": list(order.discounts.all()),
                "site_url": settings.SHOP_SITE_URL,
            }
            subject = render_to_string("orders/email/subject.txt", context).strip()
            body = render_to_string("orders/email/body.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [order.email])
        event.emailed_at = timezone.now()
        event.save(update_fields=["emailed_at"])
    return True


def order_emails_send_pending(*, older_than_seconds: int = 60) -> int:
    """Send every e-mail that could not be queued or failed; returns how many went out."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    pending = OrderEvent.objects.filter(
        emailed_at__isnull=True, notify=True, created_at__lte=cutoff, status__in=EMAILED_STATUSES
    ).values_list("pk", flat=True)
    return sum(order_event_email_send(event_id=pk) for pk in list(pending))
