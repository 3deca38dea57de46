"""Countries and their first-level subdivisions (ISO 3166-1 / 3166-2) that the shop knows.

Names are translatable so that pickers and addresses read in the visitor's language. The data is
plain Python: it is read on every page that shows a picker, so it must cost no query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Country:
    code: str
    name: StrOrPromise
    regions: Mapping[str, StrOrPromise]
    postal_pattern: str
    postal_example: str

    def postal_code_valid(self, value: str) -> bool:
        return re.fullmatch(self.postal_pattern, value.strip().upper()) is not None

    def postal_code_normalize(self, value: str) -> str:
        value = value.strip().upper()
        if self.code == "JP":
            digits = value.replace("-", "")
            return f"{digits[:3]}-{digits[3:]}"
        return value


JP_PREFECTURES = {
    "JP-01": _("Hokkaido"), "JP-02": _("Aomori"), "JP-03": _("Iwate"), "JP-04": _("Miyagi"),
    "JP-05": _("Akita"), "JP-06": _("Yamagata"), "JP-07": _("Fukushima"), "JP-08": _("Ibaraki"),
    "JP-09": _("Tochigi"), "JP-10": _("Gunma"), "JP-11": _("Saitama"), "JP-12": _("Chiba"),
    "JP-13": _("Tokyo"), "JP-14": _("Kanagawa"), "JP-15": _("Niigata"), "JP-16": _("Toyama"),
    "JP-17": _("Ishikawa"), "JP-18": _("Fukui"), "JP-19": _("Yamanashi"), "JP-20": _("Nagano"),
    "JP-21": _("Gifu"), "JP-22": _("Shizuoka"), "JP-23": _("Aichi"), "JP-24": _("Mie"),
    "JP-25": _("Shiga"), "JP-26": _("Kyoto"), "JP-27": _("Osaka"), "JP-28": _("Hyogo"),
    "JP-29": _("Nara"), "JP-30": _("Wakayama"), "JP-31": _("Tottori"), "JP-32": _("Shimane"),
    "JP-33": _("Okayama"), "JP-34": _("Hiroshima"), "JP-35": _("Yamaguchi"),
    "JP-36": _("Tokushima"), "JP-37": _("Kagawa"), "JP-38": _("Ehime"), "JP-39": _("Kochi"),
    "JP-40": _("Fukuoka"), "JP-41": _("Saga"), "JP-42": _("Nagasaki"), "JP-43": _("Kumamoto"),
    "JP-44": _("Oita"), "JP-45": _("Miyazaki"), "JP-46": _("Kagoshima"), "JP-47": _("Okinawa"),
}  # fmt: skip

GB_NATIONS = {
    "GB-ENG": _("England"), "GB-SCT": _("Scotland"), "GB-WLS": _("Wales"),
    "GB-NIR": _("Northern Ireland"),
}  # fmt: skip

AU_STATES = {
    "AU-ACT": _("Australian Capital Territory"), "AU-NSW": _("New South Wales"),
    "AU-NT": _("Northern Territory"), "AU-QLD": _("Queensland"), "AU-SA": _("South Australia"),
    "AU-TAS": _("Tasmania"), "AU-VIC": _("Victoria"), "AU-WA": _("Western Australia"),
}  # fmt: skip

US_STATES = {
    "US-AL": _("Alabama"), "US-AK": _("Alaska"), "US-AZ": _("Arizona"), "US-AR": _("Arkansas"),
    "US-CA": _("California"), "US-CO": _("Colorado"), "US-CT": _("Connecticut"),
    "US-DE": _("Delaware"), "US-DC": _("District of Columbia"), "US-FL": _("Florida"),
    "US-GA": _("Georgia"), "US-HI": _("Hawaii"), "US-ID": _("Idaho"), "US-IL": _("Illinois"),
    "US-IN": _("Indiana"), "US-IA": _("Iowa"), "US-KS": _("Kansas"), "US-KY": _("Kentucky"),
    "US-LA": _("Louisiana"), "US-ME": _("Maine"), "US-MD": _("Maryland"),
    "US-MA": _("Massachusetts"), "US-MI": _("Michigan"), "US-MN": _("Minnesota"),
    "US-MS": _("Mississippi"), "US-MO": _("Missouri"), "US-MT": _("Montana"),
    "US-NE": _("Nebraska"), "US-NV": _("Nevada"), "US-NH": _("New Hampshire"),
    "US-NJ": _("New Jersey"), "US-NM": _("New Mexico"), "US-NY": _("New York"),
    "US-NC": _("North Carolina"), "US-ND": _("North Dakota"), "US-OH": _("Ohio"),
    "US-OK": _("Oklahoma"), "US-OR": _("Oregon"), "US-PA": _("Pennsylvania"),
    "US-RI": _("Rhode Island"), "US-SC": _("South Carolina"), "US-SD": _("South Dakota"),
    "US-TN": _("Tennessee"), "US-TX": _("Texas"), "US-UT": _("Utah"), "US-VT": _("Vermont"),
    "US-VA": _("Virginia"), "US-WA": _("Washington"), "US-WV": _("West Virginia"),
    "US-WI": _("Wisconsin"), "US-WY": _("Wyoming"),
}  # fmt: skip

COUNTRIES: dict[str, Country] = {
    country.code: country
    for country in (
        Country("JP", _("Japan"), JP_PREFECTURES, r"\d{3}-?\d{4}", "100-0001"),
        Country("AU", _("Australia"), AU_STATES, r"\d{4}", "2000"),
        Country(
            "GB",
            _("United Kingdom"),
            GB_NATIONS,
            r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
            "SW1A 1AA",
        ),
        Country("US", _("United States"), US_STATES, r"\d{5}(-\d{4})?", "10001"),
    )
}


def country_choices() -> list[tuple[str, StrOrPromise]]:
    return [(code, country.name) for code, country in COUNTRIES.items()]


def countries_ours_first() -> list[tuple[str, str]]:
    """The countries we deliver to, then every other country by code."""
    ours = [(code, str(country.name)) for code, country in COUNTRIES.items()]
    return ours + sorted((c, n) for c, n in iso_countries().items() if c not in COUNTRIES)


def country_choices_grouped() -> list[tuple[StrOrPromise, list[tuple[str, StrOrPromise]]]]:
    """Every country for a <select>, ours in their own <optgroup> at the top."""
    return [
        (_("Countries we deliver to"), [(code, COUNTRIES[code].name) for code in COUNTRIES]),
        (_("Other countries"), [(c, n) for c, n in countries_ours_first() if c not in COUNTRIES]),
    ]


def region_choices() -> list[tuple[StrOrPromise, list[tuple[str, StrOrPromise]]]]:
    """Regions grouped by country, for a <select> with <optgroup>s."""
    return [(country.name, list(country.regions.items())) for country in COUNTRIES.values()]


def region_name(code: str) -> str:
    country = COUNTRIES.get(code.split("-", 1)[0])
    return str(country.regions.get(code, code)) if country else code


# Time zones of regions whose country spans several; every other region uses its country's.
REGION_TIME_ZONES = {
    "AU-NSW": "Australia/Sydney", "AU-ACT": "Australia/Sydney", "AU-VIC": "Australia/Melbourne",
    "AU-TAS": "Australia/Hobart", "AU-QLD": "Australia/Brisbane", "AU-SA": "Australia/Adelaide",
    "AU-NT": "Australia/Darwin", "AU-WA": "Australia/Perth",
    "US-AL": "America/Chicago", "US-AK": "America/Anchorage", "US-AZ": "America/Phoenix",
    "US-AR": "America/Chicago", "US-CA": "America/Los_Angeles", "US-CO": "America/Denver",
    "US-HI": "Pacific/Honolulu", "US-ID": "America/Boise", "US-IL": "America/Chicago",
    "US-IA": "America/Chicago", "US-KS": "America/Chicago", "US-LA": "America/Chicago",
    "US-MN": "America/Chicago", "US-MS": "America/Chicago", "US-MO": "America/Chicago",
    "US-MT": "America/Denver", "US-NE": "America/Chicago", "US-NV": "America/Los_Angeles",
    "US-NM": "America/Denver", "US-ND": "America/Chicago", "US-OK": "America/Chicago",
    "US-OR": "America/Los_Angeles", "US-SD": "America/Chicago", "US-TN": "America/Chicago",
    "US-TX": "America/Chicago", "US-UT": "America/Denver", "US-WA": "America/Los_Angeles",
    "US-WI": "America/Chicago", "US-WY": "America/Denver",
}  # fmt: skip
# Countries mostly south of the equator, for seasons when no latitude is known.
SOUTHERN_COUNTRIES = {
    "AR", "AU", "BO", "BR", "BW", "CL", "FJ", "LS", "MG", "MU", "MW", "MZ", "NA", "NZ",
    "PE", "PY", "SZ", "UY", "ZA", "ZM", "ZW",
}  # fmt: skip


def _tzdata_table(name: str) -> list[list[str]]:
    text = resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def iso_countries() -> dict[str, str]:
    """Every ISO 3166-1 country code with its English name (from the tz database)."""
    return {row[0]: row[1] for row in _tzdata_table("iso3166.tab")}


# Countries spanning several zones, with the zone most of their people live in. zone.tab lists
# zones geographically, so its first entry can be a small island (AU: Lord Howe).
COUNTRY_TIME_ZONES = {
    "AU": "Australia/Sydney", "BR": "America/Sao_Paulo", "CA": "America/Toronto",
    "CL": "America/Santiago", "CN": "Asia/Shanghai", "ES": "Europe/Madrid",
    "ID": "Asia/Jakarta", "KZ": "Asia/Almaty", "MX": "America/Mexico_City",
    "NZ": "Pacific/Auckland", "PT": "Europe/Lisbon", "RU": "Europe/Moscow",
    "US": "America/New_York",
}  # fmt: skip


@cache
def country_main_zones() -> dict[str, str]:
    """One zone per country: ours for the countries above, else zone.tab's first."""
    zones: dict[str, str] = dict(COUNTRY_TIME_ZONES)
    for row in _tzdata_table("zone.tab"):
        zones.setdefault(row[0], row[2])
    return zones


def country_name(code: str) -> str:
    country = COUNTRIES.get(code)
    return str(country.name) if country else iso_countries().get(code, code)


def region_valid(code: str) -> bool:
    country = COUNTRIES.get(code.split("-", 1)[0])
    return country is not None and code in country.regions


def time_zone_for(country: str, region: str = "") -> str | None:
    return REGION_TIME_ZONES.get(region) or country_main_zones().get(country)


def place_name(code: str) -> str:
    """A region (JP-01) or country (JP) code in words."""
    return region_name(code) if "-" in code else country_name(code)
