"""Journeys at work: schedule each run's steps, deliver messages in daytime, e-mail them.

Never twice: a step becomes a `Message` row once per run (unique run + step, written with
`ignore_conflicts`); a message is delivered by whoever claims its row (`SELECT … FOR UPDATE SKIP
LOCKED` on PostgreSQL: a second worker passes over it), and its e-mail is claimed again, in a
short transaction of its own, before the mail server is called with no row locked. An e-mail
whose worker died after the claim (so perhaps after the mail server took it) stays "being sent";
after JOURNEYS_EMAIL_LEASE_MINUTES it becomes "perhaps sent" and is NOT sent again: a lifecycle
message twice is worse than once missed, and the message itself is still in the customer's
inbox. Staff can send such an e-mail again from the admin.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from personalization.experiments.events import EventKind, record_assigned
from personalization.slots import content, segment_result
from personalization.visitor import Visitor, resolve_visitor
from shop.orders.models import Order, OrderStatus
from shop.orders.services import email_failure_is_permanent, email_retry_delay

from .daytime import daytime_next, zone_or_default
from .models import (
    Anchor,
    Contact,
    DemoClock,
    EmailState,
    LinkTarget,
    Message,
    MessageState,
    Run,
    Step,
    StepKind,
)
from .placeholders import placeholders_fill
from .triggers import runs_start

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "journeys.unsubscribe"
ANCHOR_STATUS = {Anchor.SHIPPED: OrderStatus.SHIPPED, Anchor.DELIVERED: OrderStatus.DELIVERED}


def journeys_now() -> datetime:
    """The time journeys run at: now, moved ahead by the demo clock where it is on."""
    now = timezone.now()
    if settings.JOURNEYS_DEMO_CLOCK:
        offset = DemoClock.objects.filter(pk=1).values_list("offset", flat=True).first()
        now += offset or timedelta()
    return now


# Scheduling ---------------------------------------------------------------------------------


def steps_schedule(*, now: datetime) -> int:
    """Turn every step whose moment has come into a message (scheduled, skipped or held out);
    returns how many messages were written."""
    runs = (
        Run.objects.filter(finished_at=None, journey__active=True)
        .select_related("journey", "order", "user")
        .prefetch_related("journey__steps", "messages", "order__events")
    )
    written = 0
    for run in runs:
        steps = list(run.journey.steps.all())
        done = {message.step_id for message in run.messages.all()}
        if run.order is not None and run.order.status == OrderStatus.CANCELLED:
            Run.objects.filter(pk=run.pk).update(finished_at=now)
            continue
        visitor: list[Visitor] = []  # resolved once per run, only if a step tests a segment
        new = []
        for step in steps:
            if step.pk in done:
                continue
            anchor = _anchor_at(run, step)
            if anchor is None or anchor + step.delay > now:
                continue
            if run.holdout:
                state = MessageState.HELD_OUT
            elif _conditions_met(run, step, now=now, visitor=visitor):
                state = MessageState.SCHEDULED
            else:
                state = MessageState.SKIPPED
            new.append(
                Message(
                    run=run,
                    step=step,
                    user_id=run.user_id,
                    kind=step.kind,
                    state=state,
                    due_at=anchor + step.delay,
                )
            )
        if new:
            before = Message.objects.filter(run=run).count()
            Message.objects.bulk_create(new, ignore_conflicts=True)
            added = Message.objects.filter(run=run).count() - before
            written += added
            # Held out: the moment the customer would have been sent it is their exposure.
            if run.holdout and added:
                for message in new[:added]:
                    message_event(run, EventKind.EXPOSURE, at=message.due_at)
        if len(done) + len(new) >= len(steps):
            Run.objects.filter(pk=run.pk).update(finished_at=now)
    return written


def _anchor_at(run: Run, step: Step) -> datetime | None:
    """When the step's delay starts counting, or None while its moment has not come."""
    if step.anchor == Anchor.START:
        return run.started_at
    if run.order is None:
        return None
    status = ANCHOR_STATUS[Anchor(step.anchor)]
    times = [event.created_at for event in run.order.events.all() if event.status == status]
    return min(times) if times else None


def _ordered_since(run: Run) -> bool:
    """Whether the customer placed another order (not cancelled) since the run began."""
    return (
        Order.objects.filter(user_id=run.user_id, created_at__gt=run.started_at)
        .exclude(pk__in=[run.order_id] if run.order_id else [])
        .exclude(status__in=[OrderStatus.CANCELLED, OrderStatus.AWAITING_PAYMENT])
        .exists()
    )


def _conditions_met(run: Run, step: Step, *, now: datetime, visitor: list[Visitor]) -> bool:
    if step.only_without_new_order and _ordered_since(run):
        return False
    if step.segment_id is not None:
        compiled = content().segments.get(step.segment_id)
        if compiled is None:  # a segment without conditions or a broken one matches nobody
            return False
        if not visitor:
            visitor.append(resolve_visitor(user=run.user, now=now))
        return segment_result(compiled, visitor[0]) is not None
    return True


# Delivery ---------------------------------------------------------------------------------


def contact_for(user: Any) -> Contact:
    contact, _created = Contact.objects.get_or_create(user=user)
    return contact


def contact_zone(contact: Contact, user: Any):
    """The customer's time zone: their account's, else their delivery address's, else ours."""
    return zone_or_default(getattr(user, "time_zone", "") or contact.time_zone, settings.TIME_ZONE)


def message_deliver(*, message_id: int, now: datetime) -> str:
    """Show one due message in the customer's inbox, if it is daytime for them and the cap
    allows; returns "sent", "night" or "capped" (both deferred), "skipped" (the customer
    ordered while it waited) or "" if another worker has it.
    """
    with transaction.atomic():
        message = (
            Message.objects.due(at=now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("run__journey", "run__order", "run__product", "step", "user")
            .filter(pk=message_id)
            .first()
        )
        if message is None:
            return ""
        contact = contact_for(message.user)
        # Locked for the cap: a second worker with another message for the same customer
        # waits here, then counts this one.
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        start, end = settings.JOURNEYS_DAYTIME
        morning = daytime_next(
            at=now, zone=contact_zone(contact, message.user), start=start, end=end
        )
        if morning > now:
            Message.objects.filter(pk=message.pk).update(due_at=morning)
            return "night"
        if message.step.only_without_new_order and _ordered_since(message.run):
            # Deferred overnight or by the cap, and the customer ordered meanwhile.
            Message.objects.filter(pk=message.pk).update(state=MessageState.SKIPPED)
            return "skipped"
        if message.kind == StepKind.MARKETING:
            free = _cap_frees_at(user_id=message.user_id, now=now)
            if free is not None:
                Message.objects.filter(pk=message.pk).update(due_at=free)
                return "capped"
        with translation.override(contact.language):
            fields = message_render(message)
        wants_email = message.step.send_email and bool(message.user.email)
        allowed = message.kind == StepKind.TRANSACTIONAL or contact.marketing_email
        Message.objects.filter(pk=message.pk).update(
            state=MessageState.SENT,
            sent_at=now,
            email_state=EmailState.PENDING if wants_email and allowed else EmailState.NONE,
            **fields,
        )
    transaction.on_commit(lambda: message_event(message.run, EventKind.EXPOSURE, at=now))
    return "sent"


def message_event(run: Run, kind: str, *, at: datetime) -> None:
    """Record a message's event in the journey's experiment, if the customer takes part."""
    if run.arm_id is not None and run.experiment_visitor:
        assert run.journey.experiment_id is not None  # an arm is only given with one
        record_assigned(
            experiment_id=run.journey.experiment_id,
            arm_id=run.arm_id,
            visitor=run.experiment_visitor,
            kind=kind,
            at=at,
        )


def _cap_frees_at(*, user_id: int, now: datetime) -> datetime | None:
    """None if another marketing message may go to this customer now, else when it may."""
    window = timedelta(hours=settings.JOURNEYS_CAP_HOURS)
    cap = settings.JOURNEYS_CAP_MESSAGES
    recent = list(
        Message.objects.filter(
            user_id=user_id,
            kind=StepKind.MARKETING,
            state=MessageState.SENT,
            sent_at__gt=now - window,
        )
        .order_by("sent_at")
        .values_list("sent_at", flat=True)
    )
    if len(recent) < cap:
        return None
    oldest = recent[len(recent) - cap]
    assert oldest is not None  # sent messages have a time
    return oldest + window


def message_render(message: Message) -> dict[str, str]:
    """The message's subject, text, link and button in the active language."""
    run, step = message.run, message.step
    order, product, user = run.order, run.product, message.user
    name = user.first_name or (order.name if order else "")
    url = _link(step.link, order=order, product=product)
    values = {
        "name": name,
        "order_number": order.number if order else "",
        "product": product.name if product else "",
        "order_url": settings.SHOP_SITE_URL + (order.get_absolute_url() if order else ""),
        "shop_url": settings.SHOP_SITE_URL + "/",
    }
    return {
        "subject": placeholders_fill(step.subject, values)[:300],
        "body": placeholders_fill(step.body, values),
        "url": url,
        "cta": step.cta[:60],
    }


def _link(target: str, *, order: Order | None, product: Any) -> str:
    if target == LinkTarget.ORDER and order is not None:
        return order.get_absolute_url()
    if target == LinkTarget.PRODUCT and product is not None:
        return product.get_absolute_url()
    if target == LinkTarget.BASKET:
        return reverse("basket:detail")
    if target == LinkTarget.ORDER:
        return reverse("orders:list")
    return reverse("catalog:home")


# E-mail -----------------------------------------------------------------------------------


def message_email_send(*, message_id: int, now: datetime) -> bool:
    """Try one message's e-mail if it is due; returns whether it was sent now."""
    with transaction.atomic():
        message = (
            Message.objects.email_due(at=now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk=message_id)
            .first()
        )
        if message is None:
            return False
        contact = contact_for(message.user)
        if message.kind == StepKind.MARKETING and not contact.marketing_email:
            # Unsubscribed after the message was shown: the e-mail is dropped, never sent.
            Message.objects.filter(pk=message.pk).update(email_state=EmailState.NONE)
            return False
        start, end = settings.JOURNEYS_DAYTIME
        morning = daytime_next(
            at=now, zone=contact_zone(contact, message.user), start=start, end=end
        )
        if morning > now:  # a retry that fell in the night waits for the morning
            Message.objects.filter(pk=message.pk).update(email_next_attempt_at=morning)
            return False
        with translation.override(contact.language):
            email = _email_build(message)
        message.email_attempts += 1
        Message.objects.filter(pk=message.pk).update(
            email_state=EmailState.SENDING,
            email_attempts=message.email_attempts,
            email_claimed_at=now,
        )
    try:
        email.send()
    except Exception as error:  # one bad e-mail must never stop the others
        _email_failure_record(message=message, error=error, now=now)
        return False
    Message.objects.filter(pk=message.pk).update(
        email_state=EmailState.SENT,
        emailed_at=timezone.now(),
        email_next_attempt_at=None,
        email_error="",
    )
    return True


def unsubscribe_token(user_pk: int) -> str:
    return signing.dumps(user_pk, salt=UNSUBSCRIBE_SALT, compress=False)


def unsubscribe_url(user_pk: int) -> str:
    path = reverse("journeys:unsubscribe", kwargs={"token": unsubscribe_token(user_pk)})
    return settings.SHOP_SITE_URL + path


def _email_build(message: Message) -> EmailMessage:
    site = settings.SHOP_SITE_URL
    context = {
        "message": message,
        "link": site + reverse("journeys:go", kwargs={"pk": message.pk}),
        "inbox": site + reverse("journeys:inbox"),
        "unsubscribe": unsubscribe_url(message.user_id)
        if message.kind == StepKind.MARKETING
        else "",
        "shop_name": settings.SHOP_NAME,
    }
    headers = {}
    if context["unsubscribe"]:
        # RFC 8058: mail clients show an unsubscribe button that POSTs to this address.
        headers = {
            "List-Unsubscribe": f"<{context['unsubscribe']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return EmailMessage(
        subject=message.subject,
        body=render_to_string("journeys/email/body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.user.email],
        headers=headers,
    )


def _email_failure_record(*, message: Message, error: Exception, now: datetime) -> None:
    permanent = email_failure_is_permanent(error)
    gave_up = permanent or message.email_attempts >= settings.SHOP_EMAIL_MAX_ATTEMPTS
    text = _error_text(error).replace(message.user.email, "(customer)")[:500]
    if gave_up:
        fields: dict[str, Any] = {"email_state": EmailState.FAILED, "email_next_attempt_at": None}
    else:
        fields = {
            "email_state": EmailState.PENDING,
            "email_next_attempt_at": now + email_retry_delay(attempts=message.email_attempts),
        }
    Message.objects.filter(pk=message.pk).update(email_error=text, **fields)
    logger.warning(
        "The e-mail of journey message %s failed (attempt %s, %s): %s",
        message.pk,
        message.email_attempts,
        "given up" if gave_up else "will retry",
        text,
        exc_info=not isinstance(error, smtplib.SMTPException | OSError),
    )


def _error_text(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{code} {_text(answer)}" for code, answer in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


def _text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer


def emails_unconfirmed_mark(*, now: datetime) -> int:
    """E-mails whose worker stopped after claiming them: perhaps sent, so never sent again."""
    lease = timedelta(minutes=settings.JOURNEYS_EMAIL_LEASE_MINUTES)
    return Message.objects.filter(
        email_state=EmailState.SENDING, email_claimed_at__lt=now - lease
    ).update(email_state=EmailState.UNCONFIRMED)


@transaction.atomic
def emails_retry(*, messages) -> int:
    """Give failed or perhaps-sent e-mails a fresh set of tries (staff, in the admin)."""
    return Message.objects.filter(
        pk__in=messages, email_state__in=[EmailState.FAILED, EmailState.UNCONFIRMED]
    ).update(email_state=EmailState.PENDING, email_attempts=0, email_next_attempt_at=None)


# The sweep --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepReport:
    started: int
    scheduled: int
    delivered: int
    deferred: int
    emailed: int


def journeys_run(*, now: datetime | None = None) -> SweepReport:
    """Start runs, schedule due steps, deliver due messages and send due e-mails, each message
    on its own (one that fails is logged and the rest go on)."""
    now = now or journeys_now()
    started = runs_start(now=now)
    scheduled = steps_schedule(now=now)
    delivered = deferred = emailed = 0
    due = Message.objects.due(at=now).order_by("due_at", "pk").values_list("pk", flat=True)
    for pk in list(due[: settings.JOURNEYS_BATCH]):
        try:
            outcome = message_deliver(message_id=pk, now=now)
        except Exception:
            logger.exception("Journey message %s could not be delivered", pk)
            continue
        delivered += outcome == "sent"
        deferred += outcome in ("night", "capped")
    emails_unconfirmed_mark(now=now)
    pending = Message.objects.email_due(at=now).order_by("pk").values_list("pk", flat=True)
    for pk in list(pending[: settings.JOURNEYS_BATCH]):
        try:
            emailed += message_email_send(message_id=pk, now=now)
        except Exception:
            logger.exception("The e-mail of journey message %s could not be built", pk)
    return SweepReport(started, scheduled, delivered, deferred, emailed)


# The customer's side ----------------------------------------------------------------------


def marketing_unsubscribe(*, token: str, now: datetime | None = None) -> Contact:
    """Stop marketing e-mails for the account the signed token names (raises BadSignature).

    Saying it twice changes nothing; order e-mails still come."""
    user_pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    with transaction.atomic():
        contact, _created = Contact.objects.select_for_update().get_or_create(user_id=user_pk)
        if contact.marketing_email:
            contact.marketing_email = False
            contact.marketing_changed_at = now or timezone.now()
            contact.save(update_fields=["marketing_email", "marketing_changed_at"])
    return contact


def marketing_choice_set(*, user: Any, allowed: bool, language: str) -> Contact:
    """The customer's own choice on their Messages page (also remembers their language)."""
    contact = contact_for(user)
    contact.language = language
    if contact.marketing_email != allowed:
        contact.marketing_email = allowed
        contact.marketing_changed_at = timezone.now()
    contact.save()
    return contact


def message_open(*, message: Message) -> None:
    if message.read_at is None:
        Message.objects.filter(pk=message.pk, read_at=None).update(read_at=timezone.now())


def message_click(*, message: Message) -> None:
    """The customer followed the message's button: counted once, in the experiment too."""
    now = timezone.now()
    Message.objects.filter(pk=message.pk, read_at=None).update(read_at=now)
    if Message.objects.filter(pk=message.pk, clicked_at=None).update(clicked_at=now):
        message_event(message.run, EventKind.CLICK, at=now)
