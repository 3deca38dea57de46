"""Journeys (a trigger and delayed steps), who is on one (runs) and what they were sent.

A `Message` is one step for one run: the unique pair (run, step) is what makes a step happen at
most once whatever the workers do. Its e-mail keeps its own delivery state, like order e-mails.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Trigger(models.TextChoices):
    ORDER_PAID = "order_paid", _("Order placed (paid)")
    ORDER_SHIPPED = "order_shipped", _("Order shipped")
    ORDER_DELIVERED = "order_delivered", _("Order delivered")
    BASKET_LEFT = "basket_left", _("Basket left without ordering")
    SIGNED_UP = "signed_up", _("First visit (signed up) without an order")
    ANSWERED = "answered", _("Answered a profile question")


class Anchor(models.TextChoices):
    """The moment a step's delay counts from; a step waits until its moment has happened."""

    START = "start", _("The trigger")
    SHIPPED = "shipped", _("The order is shipped")
    DELIVERED = "delivered", _("The order is delivered")


class StepKind(models.TextChoices):
    # Service messages about an order the customer placed: sent whatever the marketing choice.
    TRANSACTIONAL = "transactional", _("Transactional (about an order; no consent needed)")
    MARKETING = "marketing", _("Marketing (needs consent, counts against the cap)")


class LinkTarget(models.TextChoices):
    ORDER = "order", _("The order's page")
    PRODUCT = "product", _("The product's page")
    BASKET = "basket", _("The basket")
    HOME = "home", _("The home page")


def _salt() -> str:
    return secrets.token_hex(8)


class Journey(models.Model):
    name = models.CharField(_("name"), max_length=100)
    key = models.SlugField(_("key"), unique=True)
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    active = models.BooleanField(
        _("active"),
        default=False,
        help_text=_("Only triggers that happen while the journey is active start it."),
    )
    # Set when the journey is switched on: earlier orders and baskets never start it.
    active_since = models.DateTimeField(_("active since"), null=True, blank=True, editable=False)
    holdout_percent = models.PositiveSmallIntegerField(
        _("holdout (%)"),
        default=0,
        validators=[MaxValueValidator(50)],
        help_text=_(
            "This share of customers starts the journey but is sent nothing, so the journey "
            "can be compared with no journey."
        ),
    )
    experiment = models.ForeignKey(
        "experiments.Experiment",
        verbose_name=_("experiment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Optional: compare the journey with no journey in an experiment (kind offer) whose "
            "control arm gets no journey. A customer who takes part in it is held out when "
            "their account tests in the control arm; the holdout share is then not used."
        ),
    )
    salt = models.CharField(max_length=16, default=_salt, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("journey")
        verbose_name_plural = _("journeys")

    def __str__(self) -> str:
        return self.name

    def holds_out(self, user_pk: int) -> bool:
        """Whether this customer is in the holdout: a stable hash, the same on every worker."""
        digest = hashlib.sha256(f"{self.salt}:holdout:{user_pk}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64 * 100 < self.holdout_percent


class Step(models.Model):
    journey = models.ForeignKey(
        Journey, verbose_name=_("journey"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    anchor = models.CharField(
        _("after"), max_length=10, choices=Anchor.choices, default=Anchor.START
    )
    delay_days = models.PositiveSmallIntegerField(_("wait (days)"), default=0)
    delay_hours = models.PositiveSmallIntegerField(_("and hours"), default=0)
    kind = models.CharField(
        _("kind"), max_length=15, choices=StepKind.choices, default=StepKind.MARKETING
    )
    segment = models.ForeignKey(
        "personalization.Segment",
        verbose_name=_("only for segment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    only_without_new_order = models.BooleanField(
        _("only if not ordered since"),
        default=False,
        help_text=_("Skip this step if the customer placed an order after the journey began."),
    )
    send_email = models.BooleanField(_("also e-mail"), default=True)
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("text"))
    link = models.CharField(
        _("button leads to"), max_length=10, choices=LinkTarget.choices, default=LinkTarget.ORDER
    )
    cta = models.CharField(_("button label"), max_length=40)

    class Meta:
        ordering = ("journey", "position", "id")
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self) -> str:
        return f"{self.journey} {self.position}: {self.subject}"

    @property
    def delay(self) -> timedelta:
        return timedelta(days=self.delay_days, hours=self.delay_hours)


class Contact(models.Model):
    """A customer as journeys see them: marketing consent, language and time zone.

    Its row is also what a sender locks while it checks the frequency cap, so two workers never
    both send the customer's last allowed message."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="journey_contact",
    )
    marketing_email = models.BooleanField(_("marketing e-mails allowed"), default=False)
    marketing_changed_at = models.DateTimeField(_("marketing choice made"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return str(self.user)


class Run(models.Model):
    """One customer on one journey, started by one trigger (an order, a basket, a sign-up)."""

    journey = models.ForeignKey(
        Journey, verbose_name=_("journey"), on_delete=models.CASCADE, related_name="runs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="journey_runs",
    )
    # What started it ("order:42", "basket:7:1732950000", "signup"): one run per trigger.
    key = models.CharField(max_length=60)
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("started"))
    holdout = models.BooleanField(_("holdout"), default=False)
    # The journey's experiment arm the customer's account tests in, and its hashed visitor id:
    # what their messages' events are recorded under.
    arm = models.ForeignKey(
        "experiments.Arm", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    experiment_visitor = models.CharField(max_length=32, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ("-started_at",)
        verbose_name = _("run")
        verbose_name_plural = _("runs")
        constraints = [
            models.UniqueConstraint(fields=["journey", "user", "key"], name="journey_run_once")
        ]
        indexes = [
            models.Index(fields=["journey"], condition=models.Q(finished_at=None), name="run_open")
        ]

    def __str__(self) -> str:
        return f"{self.journey} — {self.user}"


class MessageState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped (condition not met)")
    HELD_OUT = "held_out", _("Held out")


class EmailState(models.TextChoices):
    NONE = "none", _("No e-mail")
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # The worker died after handing it to the mail server and before noting the answer.
    UNCONFIRMED = "unconfirmed", _("Perhaps sent (worker stopped midway; not sent again)")


class JourneyMessageQuerySet(models.QuerySet):
    def due(self, *, at) -> JourneyMessageQuerySet:
        return self.filter(state=MessageState.SCHEDULED, due_at__lte=at)

    def email_due(self, *, at) -> JourneyMessageQuerySet:
        return self.filter(state=MessageState.SENT, email_state=EmailState.PENDING).filter(
            models.Q(email_next_attempt_at=None) | models.Q(email_next_attempt_at__lte=at)
        )

    def shown(self) -> JourneyMessageQuerySet:
        """What the customer sees in their inbox: sent messages, newest first."""
        return self.filter(state=MessageState.SENT).order_by("-sent_at", "-id")


class Message(models.Model):
    run = models.ForeignKey(
        Run, verbose_name=_("run"), on_delete=models.CASCADE, related_name="messages"
    )
    step = models.ForeignKey(
        Step, verbose_name=_("step"), on_delete=models.CASCADE, related_name="messages"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="journey_messages",
    )
    kind = models.CharField(_("kind"), max_length=15, choices=StepKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=MessageState.choices, default=MessageState.SCHEDULED
    )
    due_at = models.DateTimeField(_("due"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Filled in when sent, in the customer's language: what they read never changes afterwards.
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    cta = models.CharField(_("button label"), max_length=60, blank=True)
    read_at = models.DateTimeField(_("opened"), null=True, blank=True)
    clicked_at = models.DateTimeField(_("clicked"), null=True, blank=True)
    email_state = models.CharField(
        _("e-mail"), max_length=12, choices=EmailState.choices, default=EmailState.NONE
    )
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_next_attempt_at = models.DateTimeField(_("next e-mail attempt"), null=True, blank=True)
    email_claimed_at = models.DateTimeField(_("e-mail handed over"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_error = models.CharField(_("e-mail error"), max_length=500, blank=True)

    objects = JourneyMessageQuerySet.as_manager()

    class Meta:
        ordering = ("-due_at", "-id")
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [models.UniqueConstraint(fields=["run", "step"], name="journey_step_once")]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(state="scheduled"),
                name="message_scheduled",
            ),
            models.Index(fields=["user", "sent_at"], name="message_user_sent"),
        ]

    def __str__(self) -> str:
        return self.subject or str(self.step)

    @property
    def unread(self) -> bool:
        return self.read_at is None


class DemoClock(models.Model):
    """How far the demo clock was moved ahead (`manage.py demo_clock`); one row, demo only.

    Journeys read their "now" as the real time plus this offset when JOURNEYS_DEMO_CLOCK is on
    (the laptop default), so a demo order's week plays out in minutes, quiet hours included."""

    offset = models.DurationField(default=timedelta)

    class Meta:
        verbose_name = _("demo clock")
        verbose_name_plural = _("demo clock")

    def __str__(self) -> str:
        return str(self.offset)
