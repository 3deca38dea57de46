"""Who can help at an hour when a pet owner on a phone is more likely worried than shopping."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from personalization.visitor import Visitor
from shop.stores.models import Store
from shop.stores.nearby import stores_by_distance

# Local hours (2:00–5:59) when "Is it urgent?" replaces the usual suggestions on a phone.
EARLY_HOURS = range(2, 6)


def is_open(store: Store, at: datetime.datetime) -> bool:
    """Whether the store is open at `at`, in its own time zone (hours past midnight too)."""
    local = at.astimezone(zoneinfo.ZoneInfo(store.time_zone)).time()
    if store.opens_at <= store.closes_at:
        return store.opens_at <= local < store.closes_at
    return local >= store.opens_at or local < store.closes_at


@dataclass(frozen=True)
class Help:
    store: Store
    open_now: bool

    @property
    def sentence(self) -> str:
        values = {
            "name": self.store.name,
            "opens": self.store.opens_at.strftime("%H:%M"),
            "closes": self.store.closes_at.strftime("%H:%M"),
        }
        if self.store.is_vet_partner:
            if self.open_now:
                return _("Nearest partner vet open now: %(name)s (until %(closes)s).") % values
            return _("Nearest partner vet: %(name)s (opens at %(opens)s).") % values
        if self.open_now:
            return _("Nearest store open now: %(name)s (until %(closes)s).") % values
        return _("Nearest store: %(name)s (opens at %(opens)s).") % values


def help_nearby(visitor: Visitor, *, at: datetime.datetime | None = None) -> Help | None:
    """In the visitor's country: the nearest partner vet open now, else the nearest store open
    now, else the nearest partner vet, else the nearest store (from the stores snapshot: no
    query)."""
    at = at or timezone.now()
    stores = [n.store for n in stores_by_distance(visitor) if n.store.country == visitor.country]
    vets = [s for s in stores if s.is_vet_partner]
    for candidates, need_open in ((vets, True), (stores, True), (vets, False), (stores, False)):
        for store in candidates:
            open_now = is_open(store, at)
            if open_now or not need_open:
                return Help(store, open_now)
    return None
