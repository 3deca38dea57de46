"""Start-up checks for the support settings: a wrong one would break every question asked."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from collections.abc import Sequence
from typing import Any

import holidays
from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, register

# django-ratelimit's rate format: a count per an optional number of seconds, minutes, hours, days.
RATE = re.compile(r"\d+/\d*[smhd]")


@register()
def support_settings_check(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    hours = settings.SHOP_SUPPORT_HOURS
    if hours.get("time_zone") not in zoneinfo.available_timezones():
        errors.append(
            Error(
                f"SHOP_SUPPORT_HOURS['time_zone'] {hours.get('time_zone')!r} is not a time zone.",
                hint='Use an IANA name such as "Asia/Tokyo".',
                id="support.E001",
            )
        )
    for key in ("opens", "closes"):
        try:
            datetime.time.fromisoformat(hours.get(key, ""))
        except (TypeError, ValueError):
            errors.append(
                Error(
                    f"SHOP_SUPPORT_HOURS[{key!r}] is not a time.",
                    hint='Write it as "09:00".',
                    id="support.E002",
                )
            )
    country = hours.get("holidays", "")
    if country and country not in holidays.list_supported_countries():
        errors.append(
            Error(
                f"SHOP_SUPPORT_HOURS['holidays'] {country!r} is not a country the holidays "
                "library knows.",
                hint='Use an ISO 3166 code such as "JP", or "" for no public holidays.',
                id="support.E003",
            )
        )
    for name, rate in settings.SHOP_SUPPORT_RATES.items():
        if not RATE.fullmatch(str(rate)):
            errors.append(
                Error(
                    f"SHOP_SUPPORT_RATES[{name!r}] {rate!r} is not a rate.",
                    hint='Write it as django-ratelimit does, e.g. "30/h".',
                    id="support.E004",
                )
            )
    return errors
