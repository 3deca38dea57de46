"""Things that are in force for a period: content variants, offers, personal vouchers.

One definition of "live": from its start (inclusive) until its end (exclusive), either of which
may be missing. `is_live()` says it of plain values (snapshots, compiled offers, one row) and
`live_q()` as a queryset filter; both come from the same rule and are tested against each other.
"Scheduled" and "expired" for the models, their querysets and the admin's list filter follow.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec
    from django.http import HttpRequest
    from django_stubs_ext import StrOrPromise

    # What the admin mixin below is mixed into, for its call to super().
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object


def is_live(
    starts_at: datetime.datetime | None, ends_at: datetime.datetime | None, at: datetime.datetime
) -> bool:
    """Whether something from `starts_at` (inclusive) until `ends_at` (exclusive) is in force
    at `at`; no start means since always, no end means for ever."""
    return (starts_at is None or starts_at <= at) and (ends_at is None or at < ends_at)


def live_q(
    at: datetime.datetime, *, starts: str | None = "starts_at", ends: str | None = "ends_at"
) -> models.Q:
    """`is_live()` as a filter on the fields named `starts` and `ends` (None: no such field)."""
    rule = models.Q()
    if starts is not None:
        rule &= models.Q(**{f"{starts}__isnull": True}) | models.Q(**{f"{starts}__lte": at})
    if ends is not None:
        rule &= models.Q(**{f"{ends}__isnull": True}) | models.Q(**{f"{ends}__gt": at})
    return rule


_ScheduledT = TypeVar("_ScheduledT", bound="Scheduled")


class ScheduledQuerySet(models.QuerySet[_ScheduledT]):
    def live(self, *, at: datetime.datetime) -> Self:
        return self.filter(live_q(at), is_active=True)

    def scheduled(self, *, at: datetime.datetime) -> Self:
        return self.filter(is_active=True, starts_at__gt=at)

    def expired(self, *, at: datetime.datetime) -> Self:
        return self.filter(is_active=True, ends_at__lte=at)


def schedule_errors(
    starts_at: datetime.datetime | None, ends_at: datetime.datetime | None
) -> dict[str, StrOrPromise]:
    """A form error for an end that does not come after the start (for any model with dates,
    Scheduled or not)."""
    if starts_at and ends_at and ends_at <= starts_at:
        return {"ends_at": _("The end must come after the start.")}
    return {}


class Scheduled(models.Model):
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True

    def schedule_errors(self) -> dict[str, StrOrPromise]:
        return schedule_errors(self.starts_at, self.ends_at)

    def status(self, at: datetime.datetime) -> str:
        """live, scheduled, expired or inactive at a moment."""
        if not self.is_active:
            return "inactive"
        if is_live(self.starts_at, self.ends_at, at):
            return "live"
        return "scheduled" if self.starts_at is not None and self.starts_at > at else "expired"


STATE_LABELS = {
    "live": _("live"),
    "scheduled": _("scheduled"),
    "expired": _("expired"),
    "inactive": _("switched off"),
}


class ScheduleStateFilter(admin.SimpleListFilter):
    """The admin list filter: live now, scheduled, expired."""

    title = _("state")
    parameter_name = "state"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, StrOrPromise]]:
        return [(state, STATE_LABELS[state]) for state in ("live", "scheduled", "expired")]

    def queryset(
        self, request: HttpRequest, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        state = self.value()
        if state in ("live", "scheduled", "expired"):
            # A ScheduledQuerySet's method of that name.
            in_state: models.QuerySet[Any] = getattr(queryset, state)(at=timezone.now())
            return in_state
        return queryset


class LocalTimesAdminMixin(_ModelAdmin):
    """Say, above the start and end fields, in which time zone they are shown and entered: the
    editor's own (the time zone set on their account)."""

    def get_fieldsets(self, request: HttpRequest, obj: models.Model | None = None) -> _FieldsetSpec:
        zone = timezone.get_current_timezone_name()
        note = _("Times are in %(zone)s, your time zone.") % {"zone": zone}
        return [
            (
                title,
                {**options, "description": note} if "starts_at" in options["fields"] else options,
            )
            for title, options in super().get_fieldsets(request, obj)
        ]
