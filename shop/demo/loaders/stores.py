"""Physical stores from `stores.json`.

Addresses are plausible but fictional. Japan has no numbers reserved for fiction, so the
Japanese stores have no phone; the others use the ranges set aside for drama and examples.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time as clock
from decimal import Decimal

from shop.demo.rows import Tally, records_read, upsert
from shop.stores.models import Store


@dataclass(frozen=True, kw_only=True)
class DemoStore:
    name: str
    slug: str
    country: str
    region: str
    city: str
    address: str
    # In Japanese; an address abroad stays as it is written there.
    name_ja: str = ""
    city_ja: str = ""
    address_ja: str = ""
    postal_code: str
    latitude: str  # a string, so the decimal is exactly what the file says
    longitude: str
    time_zone: str
    opens_at: str  # "HH:MM", local time
    closes_at: str
    phone: str = ""
    is_vet_partner: bool = False


def stores_load(*, tally: Tally) -> None:
    """Load the stores, keyed on their slug."""
    for demo in records_read(name="stores", record=DemoStore):
        _store, outcome = upsert(
            Store,
            {"slug": demo.slug},
            {
                "name_en": demo.name,
                "name_ja": demo.name_ja,
                "country": demo.country,
                "region": demo.region,
                "city_en": demo.city,
                "city_ja": demo.city_ja,
                "address_en": demo.address,
                "address_ja": demo.address_ja,
                "postal_code": demo.postal_code,
                "phone": demo.phone,
                "latitude": Decimal(demo.latitude),
                "longitude": Decimal(demo.longitude),
                "time_zone": demo.time_zone,
                "opens_at": clock.fromisoformat(demo.opens_at),
                "closes_at": clock.fromisoformat(demo.closes_at),
                "is_vet_partner": demo.is_vet_partner,
                "is_active": True,
            },
        )
        tally.add("Stores", outcome)
