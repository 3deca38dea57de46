from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.utils import translation

from kernel.regions import SOUTHERN_COUNTRIES, time_zone_for

from ..conf import app_settings
from ..visitor import Builder, Source

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NORTHERN_SEASONS = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring",
                    5: "spring", 6: "summer", 7: "summer", 8: "summer", 9: "autumn",
                    10: "autumn", 11: "autumn"}  # fmt: skip
OPPOSITE = {"winter": "summer", "summer": "winter", "spring": "autumn", "autumn": "spring"}


def part_of_day(hour: int) -> str:
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    if 17 <= hour < 22:
        return "evening"
    return "night"


def season(month: int, *, southern: bool) -> str:
    northern = NORTHERN_SEASONS[month]
    return OPPOSITE[northern] if southern else northern


class LanguageTimeResolver:
    """The active language, the visitor's time zone, and their local time of day and season."""

    def resolve(self, builder: Builder) -> None:
        request = builder.request
        language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
        chosen = request is not None and settings.LANGUAGE_COOKIE_NAME in request.COOKIES
        source = Source.CHOSEN if chosen else Source.ACCEPT_LANGUAGE if request else Source.DEFAULT
        builder.add("language", language or settings.LANGUAGE_CODE, source)

        # The location's own zone if it gave one, else its region's or country's main zone.
        zone_name = builder.get("timezone") or time_zone_for(
            builder.get("country") or "", builder.get("region") or ""
        )
        if zone_name:
            builder.add("timezone", zone_name, Source.DERIVED)
        else:
            zone_name = app_settings.DEFAULT_TIME_ZONE
            builder.add("timezone", zone_name, Source.DEFAULT)

        try:
            zone = zoneinfo.ZoneInfo(zone_name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            zone = zoneinfo.ZoneInfo(app_settings.DEFAULT_TIME_ZONE)
        local = builder.now.astimezone(zone)
        if builder.overrides.get("local_hour") is not None:
            # The staff preview moves the clock, so everything derived from it agrees.
            local = local.replace(hour=int(builder.overrides["local_hour"]), minute=0, second=0)
        latitude = builder.get("latitude")
        southern = (
            latitude < 0 if latitude is not None else builder.get("country") in SOUTHERN_COUNTRIES
        )
        builder.add("local_time", local, Source.DERIVED)
        builder.add("local_date", local.date(), Source.DERIVED)
        builder.add("local_hour", local.hour, Source.DERIVED)
        builder.add("weekday", WEEKDAYS[local.weekday()], Source.DERIVED)
        builder.add("part_of_day", part_of_day(local.hour), Source.DERIVED)
        builder.add("season", season(local.month, southern=southern), Source.DERIVED)
