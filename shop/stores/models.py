from __future__ import annotations

import zoneinfo
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.manager import MultilingualManager

from kernel.regions import region_name


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("“%(value)s” is not a known time zone.") % {"value": value}
        ) from None


class Store(models.Model):
    """A physical shop: where it is and when it is open, in its own time zone."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    country = models.CharField(_("country"), max_length=2)
    region = models.CharField(_("region"), max_length=10, help_text=_("ISO 3166-2, e.g. JP-28"))
    city = models.CharField(_("city"), max_length=100)
    address = models.CharField(_("address"), max_length=300)
    postal_code = models.CharField(_("postal code"), max_length=20)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    time_zone = models.CharField(_("time zone"), max_length=50, validators=[validate_time_zone])
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    is_vet_partner = models.BooleanField(
        _("vet partner"), default=False, help_text=_("A partner vet practice works here.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    # modeltranslation's manager, declared rather than swapped in by it at start-up (it leaves
    # one that is already multilingual as it is): the same manager, which type checkers can see.
    objects: ClassVar[MultilingualManager[Store]] = MultilingualManager()

    class Meta:
        ordering = ("country", "region", "name")
        verbose_name = _("store")
        verbose_name_plural = _("stores")

    def __str__(self) -> str:
        return self.name

    @property
    def region_name(self) -> str:
        return region_name(self.region)
