"""The support report: first-response time by the customer's hour, CSAT, topics."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q

from .models import Conversation, Topic


def support_report(*, since: datetime.datetime | None = None) -> dict[str, Any]:
    """Three small tables; each is one grouped query, whatever the number of conversations."""
    rows = Conversation.objects.all()
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    wait = ExpressionWrapper(F("first_response_at") - F("created_at"), output_field=DurationField())
    by_hour = {
        row["local_hour"]: row
        for row in rows.filter(first_response_at__isnull=False)
        .values("local_hour")
        .annotate(average=Avg(wait), count=Count("pk"))
        .order_by("local_hour")
    }
    hours = [
        {
            "hour": hour,
            "count": by_hour[hour]["count"] if hour in by_hour else 0,
            "minutes": _minutes(by_hour[hour]["average"]) if hour in by_hour else None,
        }
        for hour in range(24)
    ]
    longest = max((h["minutes"] or 0 for h in hours), default=0) or 1
    for hour in hours:
        hour["width"] = round(100 * (hour["minutes"] or 0) / longest)
    csat = rows.aggregate(
        average=Avg("csat"),
        rated=Count("pk", filter=Q(csat__isnull=False)),
        happy=Count("pk", filter=Q(csat__gte=4)),
    )
    labels = dict(Topic.choices)
    topics = [
        {"topic": labels.get(row["topic"], row["topic"]), "count": row["count"]}
        for row in rows.values("topic").annotate(count=Count("pk")).order_by("-count")
    ]
    return {"hours": hours, "csat": csat, "topics": topics}


def _minutes(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        return round(value.total_seconds() / 60)
    return round(float(value) / 60_000_000)  # microseconds, on back ends without intervals
