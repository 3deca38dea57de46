from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Model, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from personalization.experiments.events import record_return
from personalization.profiling import erased_email
from shop.catalog.models import Product
from shop.catalog.snapshots import CATALOG
from shop.offers.models import OrderDiscount

from .models import Order, OrderEvent, OrderStatus

EmailRow = TypeVar("EmailRow", bound=Model)

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
    paid = order.status != OrderStatus.AWAITING_PAYMENT
    order.status = status
    order.save(update_fields=["status", "tracking_number"])
    if status == OrderStatus.CANCELLED:
        _restock(order)
        if paid:  # money taken and given back: counts against the experiments it was placed in
            number, total = order.number, order.total
            transaction.on_commit(lambda: record_return(order_id=number, value=total))
    return order_event_add(order=order, status=status, note=note, by=by, notify=notify)


def _restock(order: Order) -> None:
    for line in order.lines.exclude(product=None):
        assert line.product_id is not None  # excluded above
        Product.objects.filter(pk=line.product_id).update(stock=F("stock") + line.quantity)
    CATALOG.bump()  # update() sends no signal: pages showing this stock change


def order_event_email_queue(*, event_id: int) -> None:
    """Hand the e-mail to a worker; if the broker is down, the pending sweep sends it later."""
    from .tasks import send_order_event_email

    try:
        send_order_event_email.delay(event_id)
    except Exception:
        logger.warning("Could not queue the e-mail of order event %s", event_id, exc_info=True)


def order_event_email_send(*, event_id: int, now: datetime | None = None) -> bool:
    """Try one event's e-mail if it is due; returns whether it was sent now.

    The try is claimed first in a short transaction of its own (a counted attempt and the time
    of the next one), so a second sweep or worker skips this e-mail while it is being sent, and
    no row stays locked while the mail server answers. The outcome is written after sending.
    A crash between sending and writing is the one case that sends again, after the back-off.
    """
    now = now or timezone.now()
    event = _email_claim(event_id=event_id, now=now)
    if event is None:
        return False
    order = event.order
    try:
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
    except Exception as error:  # one bad e-mail must never stop the others
        _email_failure_record(event=event, error=error)
        return False
    OrderEvent.objects.filter(pk=event.pk).update(
        emailed_at=timezone.now(), email_next_attempt_at=None, email_error=""
    )
    return True


def _email_claim(*, event_id: int, now: datetime) -> OrderEvent | None:
    return email_claim(due=OrderEvent.objects.email_due(at=now), pk=event_id, now=now)


def email_claim(*, due: QuerySet[EmailRow], pk: int, now: datetime) -> EmailRow | None:
    """Claim row `pk` of the e-mails `due` for sending: counted as an attempt with the next one
    scheduled, under a row lock another worker skips (so two never send the same e-mail, and a
    worker killed midway leaves it to the retry). Shared by every transactional e-mail outbox
    (order events, support replies): rows with `email_attempts` and `email_next_attempt_at`."""
    with transaction.atomic():
        row = due.select_for_update(skip_locked=True).filter(pk=pk).first()
        if row is None:
            return None
        outbox: Any = row  # any model with the two fields above
        outbox.email_attempts += 1
        outbox.email_next_attempt_at = now + email_retry_delay(attempts=outbox.email_attempts)
        row.save(update_fields=["email_attempts", "email_next_attempt_at"])
    return row


def email_retry_delay(*, attempts: int) -> timedelta:
    """How long to wait after the given number of tries: the first delay, doubling."""
    return timedelta(seconds=settings.SHOP_EMAIL_RETRY_DELAY * 2 ** (attempts - 1))


def email_failure_is_permanent(error: Exception) -> bool:
    """Whether sending the same e-mail again can only fail the same way (an SMTP 5xx answer
    about this recipient or message). Connection trouble, timeouts and 4xx answers are
    temporary; so are refusals of our own greeting, login or sender, which staff can fix."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    if isinstance(
        error,
        smtplib.SMTPConnectError
        | smtplib.SMTPHeloError
        | smtplib.SMTPAuthenticationError
        | smtplib.SMTPSenderRefused,
    ):
        return False
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def _email_error_text(error: Exception, *, address: str) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = [_smtp_answer(code, message) for code, message in error.recipients.values()]
        text = "; ".join(answers)
    elif isinstance(error, smtplib.SMTPResponseException):
        text = _smtp_answer(error.smtp_code, error.smtp_error)
    else:
        text = f"{type(error).__name__}: {error}"
    # The address is on the order already; keeping no copy here leaves erasure one place to scrub.
    if address:
        text = text.replace(address, "(customer)")
    return text[: OrderEvent._meta.get_field("email_error").max_length]


def _smtp_answer(code: int, message: bytes | str) -> str:
    if isinstance(message, bytes):
        message = message.decode("utf-8", errors="replace")
    return f"{code} {message}"


def _email_failure_record(*, event: OrderEvent, error: Exception) -> None:
    permanent = email_failure_is_permanent(error)
    gave_up = permanent or event.email_attempts >= settings.SHOP_EMAIL_MAX_ATTEMPTS
    fields: dict = {"email_error": _email_error_text(error, address=event.order.email)}
    if gave_up:
        fields.update(email_failed_at=timezone.now(), email_next_attempt_at=None)
    OrderEvent.objects.filter(pk=event.pk).update(**fields)
    logger.warning(
        "The e-mail of order event %s failed (attempt %s, %s): %s",
        event.pk,
        event.email_attempts,
        "given up" if gave_up else f"next try at {event.email_next_attempt_at:%Y-%m-%d %H:%M}",
        fields["email_error"],
        exc_info=not isinstance(error, smtplib.SMTPException | OSError),
    )


def order_emails_send_pending(*, now: datetime | None = None, older_than_seconds: int = 60) -> int:
    """Try every e-mail that is due, each on its own; returns how many went out.

    E-mails younger than a minute are left to the worker their event queued.
    """
    now = now or timezone.now()
    due = (
        OrderEvent.objects.email_due(at=now)
        .filter(created_at__lte=now - timedelta(seconds=older_than_seconds))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    return sum(order_event_email_send(event_id=pk, now=now) for pk in list(due))


@transaction.atomic
def order_emails_retry(*, orders) -> int:
    """Give the failed e-mails of these orders a fresh set of tries, starting now."""
    events = list(
        OrderEvent.objects.email_failed().filter(order__in=orders).values_list("pk", flat=True)
    )
    OrderEvent.objects.filter(pk__in=events).update(
        email_failed_at=None, email_attempts=0, email_next_attempt_at=None, email_error=""
    )
    for pk in events:
        transaction.on_commit(partial(order_event_email_queue, event_id=pk))
    return len(events)
