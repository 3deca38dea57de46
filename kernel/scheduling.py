"""Things that are switched on for a period: content variants, offers.

One definition of "live", "scheduled" and "expired" for the models, their querysets and the
admin's list filter.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def window_q(at) -> models.Q:
    """Rows whose `starts_at`/`ends_at` window holds the moment `at` (either end may be open)."""
    return (models.Q(starts_at__isnull=True) | models.Q(starts_at__lte=at)) & (
        models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=at)
    )


def window_state(starts_at, ends_at, at) -> str:
    """scheduled, expired or live: where `at` falls in a window (the predicate of window_q)."""
    if starts_at is not None and starts_at > at:
        return "scheduled"
    if ends_at is not None and ends_at <= at:
        return "expired"
    return "live"


class ScheduledQuerySet(models.QuerySet):
    def live(self, *, at) -> ScheduledQuerySet:
        return self.filter(window_q(at), is_active=True)

    def scheduled(self, *, at) -> ScheduledQuerySet:
        return self.filter(is_active=True, starts_at__gt=at)

    def expired(self, *, at) -> ScheduledQuerySet:
        return self.filter(is_active=True, ends_at__lte=at)


class Scheduled(models.Model):
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True

    def schedule_errors(self) -> dict[str, str]:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            return {"ends_at": _("The end must come after the start.")}
        return {}

    def status(self, at) -> str:
        """live, scheduled, expired or inactive at a moment."""
        if not self.is_active:
            return "inactive"
        return window_state(self.starts_at, self.ends_at, at)


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

    def lookups(self, request, model_admin):
        return [(state, STATE_LABELS[state]) for state in ("live", "scheduled", "expired")]

    def queryset(self, request, queryset):
        if self.value() in ("live", "scheduled", "expired"):
            return getattr(queryset, self.value())(at=timezone.now())
        return queryset


class LocalTimesAdminMixin:
    """Say, above the start and end fields, in which time zone they are shown and entered: the
    editor's own (see EditorTimeZoneMiddleware)."""

    def get_fieldsets(self, request, obj=None):
        zone = timezone.get_current_timezone_name()
        note = _("Times are in %(zone)s, your time zone.") % {"zone": zone}
        return [
            (
                title,
                {**options, "description": note} if "starts_at" in options["fields"] else options,
            )
            for title, options in super().get_fieldsets(request, obj)
        ]
