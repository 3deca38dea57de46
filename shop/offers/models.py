from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.manager import MultilingualManager

from kernel.languages import text_in, texts_of
from kernel.scheduling import Scheduled, ScheduledQuerySet, live_q
from personalization.models import RegionSet, Segment
from shop.catalog.models import Category, Product

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class OfferKind(models.TextChoices):
    PERCENT = "percent", _("Percent off")
    FIXED = "fixed", _("Amount off")
    FREE_SHIPPING = "free_shipping", _("Free shipping")
    BUY_X_GET_Y = "buy_x_get_y", _("Buy X, get Y free")


class OfferScope(models.TextChoices):
    BASKET = "basket", _("Whole basket")
    CATEGORIES = "categories", _("Categories")
    PRODUCTS = "products", _("Products")
    PET_TYPES = "pet_types", _("Pet types")


class Area(models.TextChoices):
    ANY = "", _("Anywhere")
    URBAN = "urban", _("Urban areas")
    RURAL = "rural", _("Rural areas")


class OfferQuerySet(ScheduledQuerySet["Offer"]):
    def live(self, *, at: datetime.datetime) -> Self:
        """Live and not used up."""
        return (
            super()
            .live(at=at)
            .exclude(usage_limit__isnull=False, times_used__gte=models.F("usage_limit"))
        )


class Offer(Scheduled):
    """A promotion: what it gives, on what, to whom, when, and how often."""

    name = models.CharField(
        _("name shown to shoppers"),
        max_length=120,
        help_text=_("One sentence the shopper understands, e.g. “10% off cat food in Kyushu”."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OfferKind.choices)
    value = models.DecimalField(
        _("value"),
        max_digits=12,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0)],
        help_text=_("Percent (10 = 10%) or amount in yen; not used for free shipping."),
    )
    buy_quantity = models.PositiveSmallIntegerField(_("buy"), default=0)
    get_quantity = models.PositiveSmallIntegerField(_("get free"), default=0)
    # What it applies to
    scope = models.CharField(
        _("applies to"), max_length=20, choices=OfferScope.choices, default=OfferScope.BASKET
    )
    categories = models.ManyToManyField(Category, verbose_name=_("categories"), blank=True)
    products = models.ManyToManyField(Product, verbose_name=_("products"), blank=True)
    pet_types = models.JSONField(
        _("pet types"),
        default=list,
        blank=True,
        help_text=_("Only products for these pets (with any scope). Empty: all pets."),
    )
    min_subtotal = models.DecimalField(
        _("minimum basket"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Who gets it
    countries = models.JSONField(_("countries"), default=list, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    region_sets = models.ManyToManyField(RegionSet, verbose_name=_("region sets"), blank=True)
    area = models.CharField(_("area"), max_length=5, choices=Area.choices, blank=True)
    segment = models.ForeignKey(
        Segment, verbose_name=_("segment"), null=True, blank=True, on_delete=models.PROTECT
    )
    signed_in_only = models.BooleanField(_("signed-in shoppers only"), default=False)
    first_order_only = models.BooleanField(_("first order only"), default=False)
    # When and how often
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100, help_text=_("Lower numbers are applied first.")
    )
    exclusive = models.BooleanField(
        _("exclusive"), default=False, help_text=_("Never combined with other offers.")
    )
    code = models.CharField(
        _("voucher code"),
        max_length=30,
        blank=True,
        help_text=_("Leave empty to apply automatically."),
    )
    store_only = models.BooleanField(
        _("store code"),
        default=False,
        help_text=_("A code shown at a store, e.g. “Show KOBE10 at our Kobe store”."),
    )
    store = models.ForeignKey(
        "stores.Store", verbose_name=_("store"), null=True, blank=True, on_delete=models.SET_NULL
    )
    usage_limit = models.PositiveIntegerField(_("total uses"), null=True, blank=True)
    per_customer_limit = models.PositiveIntegerField(_("uses per customer"), null=True, blank=True)
    times_used = models.PositiveIntegerField(_("used"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # modeltranslation's manager, declared rather than swapped in by it at start-up (it leaves
    # one that is already multilingual as it is): the same manager, which type checkers can see.
    objects = MultilingualManager.from_queryset(OfferQuerySet)()

    class Meta:
        ordering = ("priority", "id")
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="offer_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        self.code = self.code.strip().upper()
        if self.kind == OfferKind.PERCENT and not 0 < self.value <= 100:
            errors["value"] = _("A percentage is between 1 and 100.")
        if self.kind == OfferKind.FIXED and self.value <= 0:
            errors["value"] = _("Give the amount taken off.")
        if self.kind == OfferKind.BUY_X_GET_Y and not (self.buy_quantity and self.get_quantity):
            errors["buy_quantity"] = _("Say how many to buy and how many are free.")
        errors.update(self.schedule_errors())
        if self.store_only and not (self.code and self.store_id):
            errors["store"] = _("A store code needs a code and its store.")
        if errors:
            raise ValidationError(errors)

    def status(self, at) -> str:
        status = super().status(at)
        if (
            status == "live"
            and self.usage_limit is not None
            and self.times_used >= self.usage_limit
        ):
            return "used up"
        return status


class OrderDiscount(models.Model):
    """A discount an order got, kept as it was even if the offer changes later."""

    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.CASCADE, related_name="discounts"
    )
    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), null=True, on_delete=models.SET_NULL, related_name="uses"
    )
    sentence = models.CharField(_("discount"), max_length=300)
    code = models.CharField(_("code"), max_length=30, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    free_shipping = models.BooleanField(_("free shipping"), default=False)
    voucher = models.ForeignKey(
        "PersonalVoucher",
        verbose_name=_("personal voucher"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="uses",
    )
    customer_email = models.EmailField(_("customer e-mail"))
    # Who used it, whatever way they typed their address: see customer_key().
    customer_key = models.CharField(_("customer key"), max_length=64, blank=True, editable=False)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("id",)
        verbose_name = _("order discount")
        verbose_name_plural = _("order discounts")
        indexes = [models.Index(fields=["offer", "customer_key"])]

    def __str__(self) -> str:
        return self.sentence


# Providers that ignore dots in the local part of an address (and their other domain names).
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def email_normalize(email: str) -> str:
    """One customer's address however they typed it: case, a `+tag`, and dots where the
    provider ignores them make no difference."""
    local, _at, domain = email.strip().lower().rpartition("@")
    if not local:
        return email.strip().lower()
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), DOTLESS_DOMAINS[domain]
    return f"{local}@{domain}"


def customer_key(email: str) -> str:
    """What "once per customer" counts: a digest of the normalised address (not the address
    itself, so that use records hold no readable e-mail)."""
    return hashlib.sha256(email_normalize(email).encode()).hexdigest()


class VoucherReason(models.TextChoices):
    PROFILE = "profile", _("Thank you for answering questions")


class PersonalVoucherQuerySet(models.QuerySet["PersonalVoucher"]):
    def usable(self, *, at: datetime.datetime) -> Self:
        """Not used, and live: given (its start) and not expired (its end)."""
        return self.filter(live_q(at, starts="created_at", ends="expires_at"), used_at__isnull=True)


class PersonalVoucher(models.Model):
    """A one-time voucher that belongs to one shopper: their account, or until they sign in the
    browser (first-party visitor id) that earned it. Never part of the shared offers: it is
    looked up by its code when its owner enters it."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    reason = models.CharField(_("given for"), max_length=20, choices=VoucherReason.choices)
    percent = models.DecimalField(
        _("percent off"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)]
    )
    name = models.CharField(_("name shown to shoppers"), max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="vouchers",
    )
    visitor_id = models.CharField(_("visitor id"), max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(_("given at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("used on order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # modeltranslation's manager, declared rather than swapped in by it at start-up (it leaves
    # one that is already multilingual as it is): the same manager, which type checkers can see.
    objects = MultilingualManager.from_queryset(PersonalVoucherQuerySet)()

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("personal voucher")
        verbose_name_plural = _("personal vouchers")
        constraints = [
            # At most one reward of a kind per account and per browser, whatever the race.
            models.UniqueConstraint(
                fields=["owner", "reason"],
                condition=models.Q(owner__isnull=False),
                name="voucher_once_per_account",
            ),
            models.UniqueConstraint(
                fields=["visitor_id", "reason"],
                condition=~models.Q(visitor_id=""),
                name="voucher_once_per_visitor",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def shown_name(self) -> str:
        """The name in the active language, else in English."""
        return text_in(texts_of(self, "name"))

    def belongs_to(self, *, user, visitor_id: str) -> bool:
        """Whether this shopper may use it: its account, or the browser that earned it while
        nobody has claimed it."""
        if self.owner_id is not None:
            return user is not None and user.is_authenticated and user.pk == self.owner_id
        return bool(visitor_id) and visitor_id == self.visitor_id
