"""Quiet hours: messages reach a customer in their local daytime, never at night."""

from __future__ import annotations

import datetime
import zoneinfo


def zone_or_default(name: str, default: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or default)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(default)


def daytime_next(
    *, at: datetime.datetime, zone: zoneinfo.ZoneInfo, start: int, end: int
) -> datetime.datetime:
    """`at` if it is daytime (from `start` o'clock until `end` o'clock) in `zone`, else the
    next morning's `start` o'clock there (today's, if the night is before dawn)."""
    local = at.astimezone(zone)
    if start <= local.hour < end:
        return at
    day = local.date() if local.hour < start else local.date() + datetime.timedelta(days=1)
    morning = datetime.datetime.combine(day, datetime.time(start), tzinfo=zone)
    return morning.astimezone(datetime.UTC)
