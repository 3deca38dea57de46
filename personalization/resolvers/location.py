"""Where the visitor is: the region they chose, a trusted CDN header, GeoIP, their browser's
language, or our default — the first that answers wins, and its facts come as a whole."""

from __future__ import annotations

import ipaddress
import logging
import math
import re
import zoneinfo
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import unquote

import iptocc
import maxminddb
from django.conf import settings
from django.utils.translation.trans_real import parse_accept_lang_header

from kernel.regions import iso_countries, region_valid

from ..conf import app_settings
from ..models import region_sets_containing
from ..signed import signed_cookie
from ..visitor import Builder, Source
from .network import connection_for_request

logger = logging.getLogger(__name__)

REGION_SALT = "personalization.region"
MAX_HEADER = 200
# Built-in CDN headers; settings.PERSONALIZATION_GEO_HEADERS adds names for other CDNs.
CDN_HEADERS = (
    {
        "country": "CloudFront-Viewer-Country",
        "region": "CloudFront-Viewer-Country-Region",
        "city": "CloudFront-Viewer-City",
        "latitude": "CloudFront-Viewer-Latitude",
        "longitude": "CloudFront-Viewer-Longitude",
        "timezone": "CloudFront-Viewer-Time-Zone",
    },
    {"country": "CF-IPCountry", "region": "CF-Region-Code", "city": "CF-IPCity"},
    {
        "country": "X-Vercel-IP-Country",
        "region": "X-Vercel-IP-Country-Region",
        "city": "X-Vercel-IP-City",
        "latitude": "X-Vercel-IP-Latitude",
        "longitude": "X-Vercel-IP-Longitude",
        "timezone": "X-Vercel-IP-Timezone",
    },
)


@dataclass(frozen=True)
class Place:
    country: str
    region: str = ""
    city: str = ""
    latitude: float | None = None
    longitude: float | None = None
    timezone: str = ""
    postal_code: str = ""


# Cleaning: every value from outside is checked, and a bad one is dropped, never trusted.


def clean_country(value: str | None) -> str:
    value = (value or "").strip().upper()
    return value if len(value) == 2 and value in iso_countries() else ""


def clean_region(country: str, value: str | None) -> str:
    """An ISO 3166-2 code from either its full form (JP-13) or the part after the dash (13)."""
    value = (value or "").strip().upper()[:10]
    if not country or not re.fullmatch(r"([A-Z]{2}-)?[A-Z0-9]{1,3}", value):
        return ""
    code = value if "-" in value else f"{country}-{value}"
    return code if code.startswith(f"{country}-") else ""


def clean_city(value: str | None) -> str:
    value = unquote((value or "")[:MAX_HEADER]).strip()
    return value if value and len(value) <= 100 and value.isprintable() else ""


def clean_coordinate(value, limit: float) -> float | None:
    try:
        number = float(str(value)[:32])
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and -limit <= number <= limit else None


def clean_time_zone(value: str | None) -> str:
    value = (value or "").strip()[:64]
    if not value or not re.fullmatch(r"[A-Za-z0-9_+\-/]+", value):
        return ""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return ""
    return value


# The sources, in order of trust.


def place_chosen(builder: Builder) -> Place | None:
    if builder.request is None:
        return None
    raw = signed_cookie(builder.request, app_settings.REGION_COOKIE, salt=REGION_SALT)
    if not raw:
        return None
    code, _, postal_code = raw.partition("|")
    if region_valid(code):
        return Place(code.split("-")[0], code, postal_code=postal_code[:12])
    country = clean_country(code)
    return Place(country, postal_code=postal_code[:12]) if country else None


_CDN_FIELDS = ("country", "region", "city", "latitude", "longitude", "timezone")


def place_from_cdn(builder: Builder) -> Place | None:
    if builder.request is None or not connection_for_request(builder.request).via_trusted_proxy:
        return None
    headers = builder.headers
    for names in (app_settings.GEO_HEADERS, *CDN_HEADERS):
        values = (
            (headers.get(names[field]) or "")[:MAX_HEADER] if field in names else ""
            for field in _CDN_FIELDS
        )
        place = _cdn_place(*values)
        if place is not None:
            return place
    return None


@lru_cache(maxsize=4096)
def _cdn_place(
    country: str, region: str, city: str, latitude: str, longitude: str, timezone: str
) -> Place | None:
    """The place a CDN's headers give, cleaned: worked out once per process for each set of
    values, which every visitor of one city shares."""
    country = clean_country(country)
    if not country:
        return None
    return Place(
        country=country,
        region=clean_region(country, region),
        city=clean_city(city),
        latitude=clean_coordinate(latitude or None, 90),
        longitude=clean_coordinate(longitude or None, 180),
        timezone=clean_time_zone(timezone),
    )


@cache
def _geoip_reader(path: str):
    """The best MaxMind database at `path` (a file, or a folder: City before Country)."""
    import geoip2.database

    location = Path(path)
    if location.is_dir():
        found = sorted(location.glob("*City*.mmdb")) + sorted(location.glob("*Country*.mmdb"))
        if not found:
            logger.warning("No .mmdb database in GEOIP_PATH %s", path)
            return None
        location = found[0]
    try:
        return geoip2.database.Reader(str(location))
    except (OSError, ValueError, maxminddb.InvalidDatabaseError):
        logger.warning("Cannot open the GeoIP database %s", location, exc_info=True)
        return None


def place_from_geoip(builder: Builder) -> Place | None:
    address = builder.get("client_ip")
    if not address:
        return None
    try:
        if not ipaddress.ip_address(address).is_global:
            return None  # private, loopback, reserved: nothing to look up
    except ValueError:
        return None
    reader = _geoip_reader(app_settings.GEOIP_PATH) if app_settings.GEOIP_PATH else None
    if reader is None:
        # Offline country database bundled with the iptocc package: works with no download.
        country = clean_country(iptocc.country_code(address))
        return Place(country) if country else None
    import geoip2.errors

    database_type = reader.metadata().database_type
    try:
        if "City" in database_type or "Enterprise" in database_type:
            result = reader.city(address)
        else:
            result = reader.country(address)
    except (geoip2.errors.AddressNotFoundError, ValueError, TypeError):
        return None
    country = clean_country(result.country.iso_code)
    if not country:
        return None
    place = Place(country)
    if hasattr(result, "city"):
        subdivision = result.subdivisions.most_specific.iso_code if result.subdivisions else ""
        location = result.location
        place = Place(
            country=country,
            region=clean_region(country, subdivision),
            city=clean_city(result.city.name),
            latitude=clean_coordinate(location.latitude, 90),
            longitude=clean_coordinate(location.longitude, 180),
            timezone=clean_time_zone(location.time_zone),
        )
    return place


def place_from_language(builder: Builder) -> Place | None:
    header = builder.headers.get("Accept-Language", "")[:MAX_HEADER]
    for language, _quality in parse_accept_lang_header(header) if header else ():
        _, _, region = language.partition("-")
        country = clean_country(region) if len(region) == 2 else ""
        if country:
            return Place(country)
    return None


SOURCES = (
    (Source.CHOSEN, place_chosen),
    (Source.CDN, place_from_cdn),
    (Source.GEOIP, place_from_geoip),
    (Source.ACCEPT_LANGUAGE, place_from_language),
)


class LocationResolver:
    def resolve(self, builder: Builder) -> None:
        if builder.has("country"):
            return  # the staff preview placed the visitor; mixing in real facts would mislead
        place, source = None, Source.DEFAULT
        for candidate, find in SOURCES:
            place = find(builder)
            if place is not None:
                source = candidate
                break
        if place is None:
            place = Place(app_settings.DEFAULT_COUNTRY)
        builder.add("country", place.country, source)
        for name in ("region", "city", "latitude", "longitude", "postal_code"):
            value = getattr(place, name)
            builder.add(name, value if value not in ("", None) else None, source)
        if place.timezone:
            builder.add("timezone", place.timezone, source)


class RegionSetResolver:
    """The region sets containing the visitor, and whether that makes them rural."""

    def resolve(self, builder: Builder) -> None:
        country = builder.get("country") or ""
        region = builder.get("region") or ""
        postal_code = builder.get("postal_code") or ""
        found = region_sets_containing(country=country, region=region, postal_code=postal_code)
        builder.add("region_sets", tuple(s.slug for s in found), Source.DERIVED)
        builder.add("area", "rural" if any(s.is_rural for s in found) else "urban", Source.DERIVED)


def region_store(response, *, place: str, postal_code: str = "") -> None:
    """Remember the region the visitor picked (their explicit choice: an essential cookie)."""
    response.set_signed_cookie(
        app_settings.REGION_COOKIE,
        f"{place}|{postal_code}" if postal_code else place,
        salt=REGION_SALT,
        max_age=app_settings.COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
    )


def region_forget(response) -> None:
    response.delete_cookie(app_settings.REGION_COOKIE, samesite="Lax")
