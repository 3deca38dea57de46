"""Facts in plain words, for "Why am I seeing this?" and the staff preview."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kernel.regions import country_name, region_name

from .models import RegionSet

LABELS = {
    "country": gettext_lazy("Country"),
    "region": gettext_lazy("Region"),
    "city": gettext_lazy("City"),
    "postal_code": gettext_lazy("Postal code"),
    "latitude": gettext_lazy("Latitude"),
    "longitude": gettext_lazy("Longitude"),
    "region_sets": gettext_lazy("Delivery areas"),
    "area": gettext_lazy("Area"),
    "device": gettext_lazy("Device"),
    "os": gettext_lazy("Operating system"),
    "browser": gettext_lazy("Browser"),
    "language": gettext_lazy("Language"),
    "timezone": gettext_lazy("Time zone"),
    "local_time": gettext_lazy("Your local time"),
    "local_date": gettext_lazy("Your date"),
    "local_hour": gettext_lazy("Hour"),
    "weekday": gettext_lazy("Day of the week"),
    "part_of_day": gettext_lazy("Part of the day"),
    "season": gettext_lazy("Season"),
    "visits": gettext_lazy("Visit number"),
    "first_visit": gettext_lazy("First visit"),
    "last_visit": gettext_lazy("Latest visit"),
    "referrer_host": gettext_lazy("Came from"),
    "utm_campaign": gettext_lazy("Campaign"),
    "utm_source": gettext_lazy("Campaign source"),
    "utm_medium": gettext_lazy("Campaign medium"),
    "signed_in": gettext_lazy("Signed in"),
    "has_ordered": gettext_lazy("Has ordered before"),
    "consent": gettext_lazy("You allowed"),
    "consent_chosen": gettext_lazy("Privacy choice made"),
    "gpc": gettext_lazy("Global Privacy Control"),
    "client_ip": gettext_lazy("Your IP address"),
}

WORDS = {
    "mobile": pgettext_lazy("device", "phone"), "tablet": gettext_lazy("tablet"),
    "desktop": gettext_lazy("desktop"), "bot": gettext_lazy("search engine"),
    "urban": gettext_lazy("urban"), "rural": gettext_lazy("rural"),
    "morning": gettext_lazy("morning"), "afternoon": gettext_lazy("afternoon"),
    "evening": gettext_lazy("evening"), "night": gettext_lazy("night"),
    "spring": gettext_lazy("spring"), "summer": gettext_lazy("summer"),
    "autumn": gettext_lazy("autumn"), "winter": gettext_lazy("winter"),
    "monday": gettext_lazy("Monday"), "tuesday": gettext_lazy("Tuesday"),
    "wednesday": gettext_lazy("Wednesday"), "thursday": gettext_lazy("Thursday"),
    "friday": gettext_lazy("Friday"), "saturday": gettext_lazy("Saturday"),
    "sunday": gettext_lazy("Sunday"),
    "essential": gettext_lazy("essential cookies"),
    "personalization": gettext_lazy("personalization"), "analytics": gettext_lazy("analytics"),
    "en": gettext_lazy("English"), "ja": gettext_lazy("Japanese"),
}  # fmt: skip


def fact_label(name: str) -> str:
    if name.startswith("answer."):
        return _("Your answer: %(question)s") % {"question": name.removeprefix("answer.")}
    return str(LABELS.get(name, name.replace("_", " ").capitalize()))


def fact_display(name: str, value: Any) -> str:
    """A fact's value as a shopper reads it."""
    if name == "region_sets" and not value:
        return _("none")
    if value is None or value == ():
        return _("unknown") if name != "visits" else _("not remembered")
    if name == "country":
        return country_name(value)
    if name == "region":
        return region_name(value)
    if name == "region_sets":
        names = {s.slug: s.name for s in RegionSet.objects.cached()}
        return ", ".join(names.get(slug, slug) for slug in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, tuple | list):
        return ", ".join(str(WORDS.get(item, item)) for item in value)
    return str(WORDS.get(value, value)) if isinstance(value, str) else str(value)


def location_label(visitor) -> str:
    """ "Tokyo, Japan", "Japan", or the city when only that is known."""
    country = visitor.country
    place = region_name(visitor.region) if visitor.region else visitor.get("city")
    return f"{place}, {country_name(country)}" if place else country_name(country)
