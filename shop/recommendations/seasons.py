"""The shopping season where someone lives: hemisphere and climate, not only the calendar.

November is winter in Hokkaido (snow from late October: winter gear sells from October) and
still autumn in Okinawa, whose winter is a short, mild January and February. Popularity is
counted by the buyer's season and read by the visitor's, so that Okinawa in November never
inherits Hokkaido's heaters through the national figures.
"""

from __future__ import annotations

from kernel.regions import SOUTHERN_COUNTRIES

SEASONS = ("winter", "spring", "summer", "autumn")

# Month (1-12) → season, per climate, for the northern hemisphere.
_TEMPERATE = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring",
              5: "spring", 6: "summer", 7: "summer", 8: "summer", 9: "autumn",
              10: "autumn", 11: "autumn"}  # fmt: skip
# Snow from late October to March; a short summer.
_COLD = {**_TEMPERATE, 10: "winter", 11: "winter", 3: "winter"}
# A mild winter in January and February only; summer from May to October.
_SUBTROPICAL = {**_TEMPERATE, 12: "autumn", 5: "summer", 9: "summer", 10: "summer"}
_CLIMATES = {"cold": _COLD, "temperate": _TEMPERATE, "subtropical": _SUBTROPICAL}
_OPPOSITE = {"winter": "summer", "summer": "winter", "spring": "autumn", "autumn": "spring"}

# Regions whose climate the country's latitude band would get wrong (Japan spans 20° to 45°).
REGION_CLIMATES = {
    "JP-01": "cold",  # Hokkaido
    "JP-02": "cold",  # Aomori
    "JP-03": "cold",  # Iwate
    "JP-05": "cold",  # Akita
    "JP-47": "subtropical",  # Okinawa
}


def climate(*, country: str, region: str = "", latitude: float | None = None) -> str:
    """cold, temperate or subtropical: the region's own when known, else by latitude."""
    if region in REGION_CLIMATES:
        return REGION_CLIMATES[region]
    if latitude is not None:
        distance = abs(latitude)
        return "subtropical" if distance < 27 else "cold" if distance >= 42 else "temperate"
    return "temperate"


def shopping_season(
    month: int, *, country: str, region: str = "", latitude: float | None = None
) -> str:
    """The season people shop for in this month where they live."""
    northern = _CLIMATES[climate(country=country, region=region, latitude=latitude)][month]
    southern = latitude < 0 if latitude is not None else country in SOUTHERN_COUNTRIES
    return _OPPOSITE[northern] if southern else northern
