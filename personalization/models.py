from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .regions import COUNTRIES, iso_countries
from .snapshot import snapshot


class RegionSetQuerySet(models.QuerySet):
    def cached(self) -> tuple[RegionSet, ...]:
        """The active sets, from the per-process snapshot: no query in the steady state."""
        return snapshot("region-sets", lambda: tuple(self.model.objects.filter(is_active=True)))


class RegionSet(models.Model):
    """A named group of regions ("Rural Japan", "Kansai") shared by content rules and offers.

    A visitor is in the set when they are in its country and in one of its regions, or their
    postal code starts with one of its prefixes; a set with neither covers the whole country.
    """

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    country = models.CharField(_("country"), max_length=2)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    postal_prefixes = models.JSONField(
        _("postal-code prefixes"),
        default=list,
        blank=True,
        help_text=_("Postal codes starting with these belong to the set, e.g. 098 or 905-."),
    )
    is_rural = models.BooleanField(
        _("rural"), default=False, help_text=_("Visitors in this set count as living rurally.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = RegionSetQuerySet.as_manager()

    class Meta:
        ordering = ("country", "name")
        verbose_name = _("region set")
        verbose_name_plural = _("region sets")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.country not in iso_countries():
            raise ValidationError({"country": _("Choose a country.")})
        known = COUNTRIES.get(self.country)
        unknown = [code for code in self.regions if not known or code not in known.regions]
        if unknown:
            raise ValidationError(
                {
                    "regions": _("Not regions of this country: %(codes)s")
                    % {"codes": ", ".join(unknown)}
                }
            )
        bad = [p for p in self.postal_prefixes if not re.fullmatch(r"[A-Za-z0-9 -]{1,10}", p)]
        if bad:
            raise ValidationError(
                {"postal_prefixes": _("Not postal-code prefixes: %(p)s") % {"p": ", ".join(bad)}}
            )

    def contains(self, *, country: str, region: str = "", postal_code: str = "") -> bool:
        if country != self.country:
            return False
        if not self.regions and not self.postal_prefixes:
            return True
        if region and region in self.regions:
            return True
        postal = postal_code.replace(" ", "").upper()
        return bool(postal) and any(
            postal.startswith(prefix.replace(" ", "").upper()) for prefix in self.postal_prefixes
        )
