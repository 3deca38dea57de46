from __future__ import annotations

import datetime
import zoneinfo
from collections import Counter

from django.utils import timezone

from ..history import UTM_FIELDS, history_current, landing, viewed_stored
from ..visitor import Builder, Source


def _moment(stamp: float, zone_name: str | None) -> datetime.datetime:
    try:
        zone = zoneinfo.ZoneInfo(zone_name) if zone_name else timezone.get_current_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = timezone.get_current_timezone()
    return datetime.datetime.fromtimestamp(stamp, tz=zone)


class HistoryResolver:
    """Visits and where they came from: remembered only with personalization consent; without
    it, only what this request itself says (its referrer and UTM parameters) is used."""

    def resolve(self, builder: Builder) -> None:
        request = builder.request
        if request is None:
            return
        if "personalization" not in builder.get("consent", ()):
            builder.add("visits", None, Source.NOT_STORED)
            builder.add("recently_viewed", None, Source.NOT_STORED)
            for name, value in landing(request).items():
                builder.add(name, value or None, Source.REQUEST)
            return
        history = history_current(request, builder.now)
        builder.add("visits", history.visits, Source.HISTORY)
        zone = builder.get("timezone")  # in the visitor's own time, like local_time
        builder.add("first_visit", _moment(history.first, zone), Source.HISTORY)
        builder.add("last_visit", _moment(history.last, zone), Source.HISTORY)
        for name in ("referrer_host", *UTM_FIELDS):
            builder.add(name, getattr(history, name) or None, Source.HISTORY)
        viewed = viewed_stored(request)
        builder.add("recently_viewed", [pk for pk, _tag in viewed] or None, Source.HISTORY)
        tags = Counter(tag for _pk, tag in viewed if tag)
        # The most viewed tag; on a tie the one seen last (the cookie is most recent first,
        # a Counter keeps first-seen order and max() keeps the first of equals).
        builder.add("viewed_most", max(tags, key=tags.__getitem__, default=None), Source.HISTORY)
