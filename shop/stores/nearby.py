"""The store nearest a visitor, from their coordinates or else their region."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.defaultfilters import floatformat

from kernel.snapshot import Snapshot
from personalization.decisions import decision
from personalization.visitor import Visitor

from .models import Store

# Farther than this, a store is no use for popping in: the visitor sees the online offer.
NEAR_KM = 30


@dataclass(frozen=True)
class NearbyStore:
    store: Store
    distance_km: float | None  # None when only the region is known


def stores_load() -> tuple[Store, ...]:
    return tuple(Store.objects.filter(is_active=True))


# Registered in StoresConfig.ready(): a store's save or delete refreshes it once committed.
STORES = Snapshot("stores", load=stores_load, depends_on=("stores.Store",))


def stores_cached() -> tuple[Store, ...]:
    return STORES.get()


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


def store_near(visitor: Visitor) -> NearbyStore | None:
    """The nearest store within reach, or None for visitors far from every store or rural."""
    if visitor.get("area") == "rural":
        return None
    stores = stores_cached()
    latitude, longitude = visitor.get("latitude"), visitor.get("longitude")
    if latitude is not None and longitude is not None:
        measured = [
            (distance_km(latitude, longitude, float(s.latitude), float(s.longitude)), s)
            for s in stores
        ]
        if measured:
            km, store = min(measured, key=lambda pair: pair[0])
            if km <= NEAR_KM:
                return NearbyStore(store, km)
        return None
    region = visitor.region
    same_region = [s for s in stores if region and s.region == region]
    return NearbyStore(same_region[0], None) if same_region else None


def _near_shown(nearby: NearbyStore | None) -> tuple[Any, ...] | None:
    # The page shows the store and its distance in whole kilometres, as the template rounds it.
    if nearby is None:
        return None
    km = nearby.distance_km
    return (nearby.store, None if km is None else str(floatformat(km, 0)))


@decision("store-near", key=_near_shown, shared=True)
def store_near_decided(request: HttpRequest) -> NearbyStore | None:
    """The store near the request's visitor, as a decision pages are shared by."""
    return store_near(request.visitor)  # type: ignore[attr-defined]


def stores_by_distance(visitor: Visitor, *, vet_partners: bool = False) -> list[NearbyStore]:
    """Every active store (or partner vet), the nearest first.

    With the visitor's coordinates, by great-circle distance. Without them, the visitor's own
    region first, then the rest of their country, then the other countries: a Tokyo visitor is
    never shown Sydney first."""
    stores = [s for s in stores_cached() if s.is_vet_partner or not vet_partners]
    latitude, longitude = visitor.get("latitude"), visitor.get("longitude")
    if latitude is not None and longitude is not None:
        measured = [
            NearbyStore(s, distance_km(latitude, longitude, float(s.latitude), float(s.longitude)))
            for s in stores
        ]
        return sorted(measured, key=lambda nearby: nearby.distance_km or 0.0)

    def closeness(store: Store) -> tuple[int, str, str, str]:
        rank = 0 if store.region == visitor.region else 1 if store.country == visitor.country else 2
        return rank, store.country, store.region, store.name

    return [NearbyStore(s, None) for s in sorted(stores, key=closeness)]
