"""Conversations between shoppers and the support team, and what the team works with."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.images import validate_image_upload


def attachment_path(instance: Message, filename: str) -> str:
    # A random name: a picture someone sent is not found by guessing its file name.
    suffix = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "img"
    return f"support/{secrets.token_urlsafe(18)}.{suffix}"


def conversation_token_new() -> str:
    # Unguessable: a guest's conversation is found by its token, never by a counting id.
    return secrets.token_urlsafe(18)


class Topic(models.TextChoices):
    ORDER = "order", _("An order")
    PRODUCT = "product", _("A product")
    DELIVERY = "delivery", _("Delivery")
    OTHER = "other", _("Something else")


class ConversationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Waiting(models.TextChoices):
    US = "us", _("Waiting for us")
    SHOPPER = "shopper", _("Waiting for the shopper")


class ConversationQuerySet(models.QuerySet):
    def of_customer(self, *, user_id: int | None, email: str) -> ConversationQuerySet:
        """Every conversation of one customer: their account's, or their e-mail's as a guest."""
        # Addresses are stored lower-cased (conversation_start), so the plain index serves.
        email = email.strip().lower()
        if user_id:
            return self.filter(models.Q(user_id=user_id) | models.Q(email=email))
        return self.filter(email=email)

    def overdue(self, *, at) -> ConversationQuerySet:
        return self.filter(status=ConversationStatus.OPEN, waiting=Waiting.US, due_at__lt=at)


class Conversation(models.Model):
    token = models.CharField(max_length=32, unique=True, default=conversation_token_new)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="support_conversations",
    )
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Tokyo")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, default=Topic.OTHER)
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ConversationStatus.choices,
        default=ConversationStatus.OPEN,
    )
    waiting = models.CharField(
        _("waiting for"), max_length=10, choices=Waiting.choices, default=Waiting.US
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_assigned",
    )
    # What the shopper was promised: an answer by this time (from the team's shifts).
    due_at = models.DateTimeField(_("answer due by"), null=True, blank=True)
    # The customer's hour of the day when they asked, for the first-response report.
    local_hour = models.PositiveSmallIntegerField(_("customer's hour"), default=0)
    first_response_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    # What /why/ showed about the visitor when they last wrote (personal facts left out).
    visitor_facts = models.JSONField(_("visitor facts"), default=dict, blank=True)
    # Bumped by every message, and mirrored in the cache, so an open page polls for free.
    version = models.PositiveIntegerField(default=1)
    csat = models.PositiveSmallIntegerField(_("helpful (1–5)"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last message at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ("-updated_at",)
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [
            models.Index(fields=["status", "waiting", "-updated_at"]),
            models.Index(fields=["-updated_at"]),
            models.Index(fields=["status", "waiting", "due_at"]),
            models.Index(fields=["email"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(csat__isnull=True) | models.Q(csat__gte=1, csat__lte=5),
                name="support_csat_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} — {self.name or self.email}"

    @property
    def is_open(self) -> bool:
        return self.status == ConversationStatus.OPEN

    def is_overdue(self, *, at) -> bool:
        return (
            self.is_open
            and self.waiting == Waiting.US
            and self.due_at is not None
            and self.due_at < at
        )


class MessageQuerySet(models.QuerySet):
    def email_due(self, *, at) -> MessageQuerySet:
        """Staff replies to e-mail now: not seen on the page, not sent, not given up, due."""
        return self.filter(
            from_staff=True,
            seen_at__isnull=True,
            emailed_at__isnull=True,
            email_failed_at__isnull=True,
            email_next_attempt_at__lte=at,
        )


class Message(models.Model):
    """One message. A staff reply not seen on the page is e-mailed (same outbox as orders')."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_staff = models.BooleanField(default=False)
    body = models.TextField(_("message"), max_length=4000)
    attachment = models.ImageField(
        _("picture"),
        upload_to=attachment_path,
        blank=True,
        validators=[validate_image_upload],
    )
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_next_attempt_at = models.DateTimeField(null=True, blank=True)
    email_failed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=300, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ("created_at", "id")
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(
                fields=["email_next_attempt_at"],
                name="support_msg_email_due",
                condition=models.Q(from_staff=True, emailed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.body[:60]


class SavedReply(models.Model):
    """A reply staff send often; its text is written in every language (modeltranslation)."""

    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders: {name}, {order_number}, {delivery_estimate}. They are filled in "
            "when the reply is chosen."
        ),
    )

    class Meta:
        ordering = ("title",)
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")

    def __str__(self) -> str:
        return self.title


class Shift(models.Model):
    """When an agent answers, in the team's time zone (SHOP_SUPPORT_HOURS["time_zone"])."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="support_shifts",
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta:
        ordering = ("weekday", "starts")
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")), name="support_shift_ends_after"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class Closure(models.Model):
    """A day the team is closed besides the country's public holidays (company days off)."""

    date = models.DateField(_("date"), unique=True)
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        ordering = ("date",)
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")

    def __str__(self) -> str:
        return f"{self.date} {self.reason}"
