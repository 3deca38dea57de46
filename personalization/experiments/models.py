"""Experiments: a slot's variants or an offer tested against a control, arm by arm.

Editors and merchandisers keep `Experiment` and its `Arm`s in the admin. What visitors do is
stored twice: raw `ExperimentEvent`s for a retention window, and one `Enrollment` row per
visitor and experiment that the batch writer keeps up to date; reports read Enrollment.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.scheduling import is_live, live_q, schedule_errors


def salt_new() -> str:
    return secrets.token_hex(8)


class ExperimentKind(models.TextChoices):
    SLOT = "slot", _("Slot content")
    OFFER = "offer", _("Offer")
    # Built in, never edited in the admin: the site-wide holdout against everyone else.
    HOLDOUT = "holdout", _("Personalization holdout")


class ExperimentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RUNNING = "running", _("Running")
    STOPPED = "stopped", _("Stopped")


class Metric(models.TextChoices):
    CONVERSION = "conversion", _("Conversion (order placed)")
    REVENUE = "revenue", _("Revenue per visitor")
    MARGIN = "margin", _("Margin per visitor")
    ADD_TO_BASKET = "add_to_basket", _("Add to basket")
    CTA_CLICK = "cta_click", _("Button click")
    CHECKOUT = "checkout", _("Checkout started")
    RETURN_RATE = "return_rate", _("Return rate (orders cancelled or refunded)")


# What an experiment may be decided on; the rest only guard against harm.
PRIMARY_METRICS = (
    Metric.CONVERSION,
    Metric.REVENUE,
    Metric.MARGIN,
    Metric.ADD_TO_BASKET,
    Metric.CTA_CLICK,
)


class ExperimentQuerySet(models.QuerySet):
    def running(self, *, at) -> ExperimentQuerySet:
        """Running and inside their start and end: those that enrol visitors at `at`."""
        return self.filter(live_q(at), status=ExperimentStatus.RUNNING)


class Experiment(models.Model):
    """A test of a slot's content (arms are variants) or of an offer (the shop targets offers
    at arms through the fact `experiment.<key>`)."""

    key = models.SlugField(
        _("key"),
        unique=True,
        help_text=_("Used in rules as the fact experiment.<key>, e.g. winter-offer."),
    )
    name = models.CharField(_("name"), max_length=100)
    hypothesis = models.TextField(_("hypothesis"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=ExperimentKind.choices, default=ExperimentKind.SLOT
    )
    slot = models.ForeignKey(
        "personalization.Slot",
        verbose_name=_("slot"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="experiments",
        help_text=_("For a slot experiment: the slot whose content is tested."),
    )
    segment = models.ForeignKey(
        "personalization.Segment",
        verbose_name=_("segment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="experiments",
        help_text=_("Only visitors in this segment take part. Empty: every visitor."),
    )
    # Never edited: a new salt would reshuffle every visitor.
    salt = models.CharField(_("salt"), max_length=32, default=salt_new, editable=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExperimentStatus.choices,
        default=ExperimentStatus.DRAFT,
    )
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    primary_metric = models.CharField(
        _("primary metric"),
        max_length=20,
        choices=[(m.value, m.label) for m in PRIMARY_METRICS],
        default=Metric.CONVERSION,
    )
    guardrail_metrics = models.JSONField(
        _("guardrail metrics"),
        default=list,
        blank=True,
        help_text=_("Metrics that must not get worse."),
    )
    traffic_percent = models.PositiveSmallIntegerField(
        _("traffic share (%)"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Share of eligible visitors who take part."),
    )
    winner = models.ForeignKey(
        "Arm",
        verbose_name=_("winner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True, editable=False)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ExperimentQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "key")
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")
        # Editors run tests of content, merchandisers tests of offers.
        permissions = [
            ("manage_slot_experiments", _("Can manage experiments on slot content")),
            ("manage_offer_experiments", _("Can manage experiments on offers")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=models.Q(status="running"),
                name="one_running_experiment_per_slot",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def fact(self) -> str:
        return f"experiment.{self.key}"

    def is_running(self, at) -> bool:
        """The plain predicate of ExperimentQuerySet.running."""
        return self.status == ExperimentStatus.RUNNING and is_live(self.starts_at, self.ends_at, at)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.kind == ExperimentKind.SLOT and not self.slot_id:
            errors["slot"] = _("A slot experiment needs a slot.")
        if self.kind == ExperimentKind.OFFER and self.slot_id:
            errors["slot"] = _("An offer experiment has no slot.")
        errors.update(schedule_errors(self.starts_at, self.ends_at))
        unknown = set(self.guardrail_metrics or []) - set(Metric.values)
        if unknown:
            errors["guardrail_metrics"] = _("Unknown metrics: %(names)s") % {
                "names": ", ".join(sorted(unknown))
            }
        if errors:
            raise ValidationError(errors)


class Arm(models.Model):
    """One version in a test. A slot experiment's control without a variant shows what the
    rules would show."""

    experiment = models.ForeignKey(
        Experiment, verbose_name=_("experiment"), on_delete=models.CASCADE, related_name="arms"
    )
    key = models.SlugField(_("key"), max_length=30, help_text=_("e.g. control, b, treatment."))
    name = models.CharField(_("name"), max_length=100)
    weight = models.PositiveIntegerField(_("weight"), default=1, validators=[MinValueValidator(1)])
    is_control = models.BooleanField(_("control"), default=False)
    variant = models.ForeignKey(
        "personalization.Variant",
        verbose_name=_("variant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="arms",
        help_text=_("Empty in the control: what the rules would show."),
    )

    class Meta:
        ordering = ("experiment", "-is_control", "id")
        verbose_name = _("arm")
        verbose_name_plural = _("arms")
        constraints = [
            models.UniqueConstraint(fields=["experiment", "key"], name="arm_key_unique"),
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="arm_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"


class EventKind(models.TextChoices):
    EXPOSURE = "exposure", _("Exposure")
    CLICK = "click", _("Button click")
    ADD_TO_BASKET = "add_to_basket", _("Add to basket")
    CHECKOUT = "checkout", _("Checkout started")
    ORDER = "order", _("Order placed")
    RETURN = "return", _("Order cancelled or refunded")


class ExperimentEvent(models.Model):
    """One thing an enrolled visitor did, kept for `PERSONALIZATION_EXPERIMENT_EVENT_DAYS`."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="events")
    arm = models.ForeignKey(Arm, on_delete=models.CASCADE, related_name="events")
    visitor = models.CharField(_("visitor (hashed)"), max_length=32)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True)
    margin = models.DecimalField(_("margin"), max_digits=14, decimal_places=2, null=True)
    order_id = models.CharField(_("order"), max_length=40, blank=True)
    device = models.CharField(_("device"), max_length=10, blank=True)
    region = models.CharField(_("region"), max_length=10, blank=True)
    segments = models.JSONField(_("segments"), default=list, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ("at", "id")
        verbose_name = _("experiment event")
        verbose_name_plural = _("experiment events")
        indexes = [
            models.Index(fields=["at"], name="experiment_event_at"),
            models.Index(fields=["experiment", "kind", "at"], name="experiment_event_kind"),
            models.Index(
                fields=["order_id"],
                condition=~models.Q(order_id=""),
                name="experiment_event_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.experiment_id}/{self.arm_id}"


class Enrollment(models.Model):
    """One visitor in one experiment, with running totals the batch writer keeps."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="enrollments")
    arm = models.ForeignKey(Arm, on_delete=models.CASCADE, related_name="enrollments")
    visitor = models.CharField(_("visitor (hashed)"), max_length=32)
    first_exposure_at = models.DateTimeField(_("first exposure"), null=True)
    first_exposure_on = models.DateField(_("day of first exposure"), null=True)
    last_event_at = models.DateTimeField(_("last event"))
    device = models.CharField(_("device"), max_length=10, blank=True)
    region = models.CharField(_("region"), max_length=10, blank=True)
    segments = models.JSONField(_("segments"), default=list, blank=True)
    exposures = models.PositiveIntegerField(_("exposures"), default=0)
    clicks = models.PositiveIntegerField(_("clicks"), default=0)
    add_to_basket = models.PositiveIntegerField(_("adds to basket"), default=0)
    checkouts = models.PositiveIntegerField(_("checkouts started"), default=0)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    converted = models.BooleanField(_("converted"), default=False)
    revenue = models.DecimalField(_("revenue"), max_digits=14, decimal_places=2, default=0)
    margin = models.DecimalField(_("margin"), max_digits=14, decimal_places=2, default=0)
    returned = models.PositiveIntegerField(_("orders returned"), default=0)
    returned_value = models.DecimalField(
        _("value returned"), max_digits=14, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(
                fields=["experiment", "visitor"], name="enrollment_unique_visitor"
            ),
        ]
        indexes = [
            models.Index(fields=["experiment", "arm"], name="enrollment_arm"),
            models.Index(fields=["experiment", "first_exposure_on"], name="enrollment_day"),
            models.Index(fields=["experiment", "device"], name="enrollment_device"),
            models.Index(fields=["experiment", "region"], name="enrollment_region"),
        ]

    def __str__(self) -> str:
        return f"{self.visitor} in {self.experiment_id}"


class VisitorAccount(models.Model):
    """The visitor id an account tests under, carried over from the browser it first signed
    in on, with the arms it was given: a shopper keeps their arms across sign-in and devices."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="experiment_visitor"
    )
    visitor_id = models.CharField(max_length=22)
    assignments = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("visitor of an account")
        verbose_name_plural = _("visitors of accounts")

    def __str__(self) -> str:
        return str(self.user_id)
