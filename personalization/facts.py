"""The fact registry: every fact the site knows about a visitor, declared once.

Each fact says its name, type, the operators rules may use with it, its label and value labels,
its group, whether it is personal data, whether "Why am I seeing this?" shows it, whether the
staff preview can set it and where it comes from. The rule builder, /why/, the preview, the data
export and `fact_display` all read it from here, so they agree.

Apps register their own facts, the way they register system checks or admin classes:

    register_fact(FactSpec(name="basket_value", kind=NUMBER, label=_("Basket value"), ...))

Personalization registers its facts at the end of this module; the shop registers `has_ordered`
in `shop.orders.apps`; profiling questions add `answer.<key>` facts through a fact source (a
callable read on each look-up, backed by the questions snapshot). This module never imports the
apps that register into it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import formats
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kernel.regions import COUNTRIES, countries_ours_first, country_name, region_name


class Operator:
    EQ = "eq"
    IN = "in"
    NOT_IN = "not_in"
    BETWEEN = "between"
    GTE = "gte"
    LTE = "lte"
    CONTAINS = "contains"
    STARTS_WITH = "starts_with"
    IS_SET = "is_set"


OPERATOR_LABELS = {
    Operator.EQ: gettext_lazy("is"),
    Operator.IN: gettext_lazy("is one of"),
    Operator.NOT_IN: gettext_lazy("is none of"),
    Operator.BETWEEN: gettext_lazy("is between"),
    Operator.GTE: gettext_lazy("is at least"),
    Operator.LTE: gettext_lazy("is at most"),
    Operator.CONTAINS: gettext_lazy("contains"),
    Operator.STARTS_WITH: gettext_lazy("starts with"),
    Operator.IS_SET: gettext_lazy("is known"),
}

# Value types, with the operators that make sense for each (a fact may narrow them).
CHOICE, TEXT, NUMBER, TIME, DATE, BOOL, LIST = (
    "choice",
    "text",
    "number",
    "time",
    "date",
    "bool",
    "list",
)
KIND_OPERATORS = {
    CHOICE: (Operator.EQ, Operator.IN, Operator.NOT_IN, Operator.IS_SET),
    TEXT: (Operator.EQ, Operator.IN, Operator.NOT_IN, Operator.CONTAINS, Operator.STARTS_WITH,
           Operator.IS_SET),
    NUMBER: (Operator.EQ, Operator.GTE, Operator.LTE, Operator.BETWEEN, Operator.IS_SET),
    TIME: (Operator.BETWEEN,),
    DATE: (Operator.EQ, Operator.GTE, Operator.LTE, Operator.BETWEEN),
    BOOL: (Operator.EQ,),
    LIST: (Operator.CONTAINS, Operator.IN, Operator.NOT_IN, Operator.IS_SET),
}  # fmt: skip

# Groups, in the order the rule builder and the preview list them.
GROUPS = {
    "place": gettext_lazy("Where"),
    "device": gettext_lazy("Device and language"),
    "time": gettext_lazy("When (visitor's local time)"),
    "visit": gettext_lazy("Visits"),
    "account": gettext_lazy("Account and privacy"),
    "answers": gettext_lazy("Answers"),
    "experiments": gettext_lazy("Tests"),
}

ANSWER_PREFIX = "answer."
ANSWER_KEY = re.compile(r"answer\.[a-z][a-z0-9_]{0,39}")

Choices = Callable[[], list[tuple[str, str]]]


@dataclass(frozen=True)
class FactSpec:
    """What a fact is: one declaration read by rules, /why/, the preview and the export."""

    name: str
    kind: str
    label: Any
    group: str
    source: str  # where the value comes from, in a few words (for developers)
    # None: every operator of the kind; (): not offered to segment rules.
    operators: tuple[str, ...] | None = None
    choices: Choices | None = None  # value → label, also how values are shown
    display: Callable[[Any], str] | None = None  # a value in words, when choices do not say
    personal: bool = False  # personal data: exported on request, never shared
    shown: bool = True  # listed on /why/
    shown_unknown: bool = False  # listed on /why/ also when unknown: the absence explains
    unknown: Any = gettext_lazy("unknown")  # how /why/ words an unknown value
    preview: bool = False  # the staff preview can set it
    # How a value that satisfies a condition is set in a preview (default: the value itself).
    preview_as: Callable[[Any], dict[str, Any]] | None = None
    minimum: int | None = None
    maximum: int | None = None
    # Rules refuse values outside the choices (not for facts whose choices change over time).
    strict_choices: bool = True
    rule_operators: tuple[str, ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        ops = KIND_OPERATORS[self.kind] if self.operators is None else self.operators
        object.__setattr__(self, "rule_operators", tuple(ops))

    def value_labels(self) -> dict[str, str]:
        return dict(self.choices()) if self.choices is not None else {}


_registry: dict[str, FactSpec] = {}
_sources: list[Callable[[], Iterable[FactSpec]]] = []


def register_fact(spec: FactSpec) -> FactSpec:
    """Declare a fact; each name once (a second declaration is a mistake, not an update)."""
    if spec.name in _registry:
        raise ImproperlyConfigured(f"The fact {spec.name!r} is registered twice.")
    if spec.group not in GROUPS:
        raise ImproperlyConfigured(f"The fact {spec.name!r} has an unknown group {spec.group!r}.")
    _registry[spec.name] = spec
    return spec


def register_fact_source(source: Callable[[], Iterable[FactSpec]]) -> None:
    """Declare facts that come and go with editor data (profiling questions): `source()` is
    called on each look-up and must be cheap (read a snapshot, never query per request)."""
    if source not in _sources:
        _sources.append(source)


def unregister_fact(name: str) -> None:
    _registry.pop(name, None)


def facts_registered() -> list[FactSpec]:
    """Every registered fact, in group order, then in the order they were registered."""
    specs = list(_registry.values())
    for source in _sources:
        specs.extend(spec for spec in source() if spec.name not in _registry)
    order = list(GROUPS)
    return sorted(specs, key=lambda spec: order.index(spec.group))


def fact_spec(name: str) -> FactSpec | None:
    """The declaration of a fact. An answer to a question no longer asked is still a fact
    (segments may test it): free text."""
    if name in _registry:
        return _registry[name]
    for source in _sources:
        for spec in source():
            if spec.name == name:
                return spec
    if ANSWER_KEY.fullmatch(name):
        return answer_fact(name.removeprefix(ANSWER_PREFIX), TEXT)
    return None


def answer_label(key: str) -> str:
    """An answer's name when no question says more: its key in words ("pet_age" → "Pet age")."""
    return key.replace("_", " ").strip().capitalize() or key


def answer_fact(
    key: str,
    kind: str,
    choices: Choices | None = None,
    prompt: Callable[[], str] | None = None,
) -> FactSpec:
    """The fact `answer.<key>` a profiling question's answer becomes, named by the question's
    prompt in the reader's language (`prompt()`, read when shown), else by its key in words."""

    def label() -> str:
        return (prompt() if prompt is not None else "") or answer_label(key)

    return FactSpec(
        name=f"{ANSWER_PREFIX}{key}",
        kind=kind,
        label=lazy(label, str)(),
        group="answers",
        source="the visitor's answer to a profiling question",
        choices=choices,
        personal=True,
        preview=True,
        # Questions change: a segment on a choice removed since must still load.
        strict_choices=False,
    )


# Words ----------------------------------------------------------------------------------------


def fact_label(name: str) -> str:
    spec = fact_spec(name)
    return str(spec.label) if spec else name.replace("_", " ").capitalize()


def fact_display(name: str, value: Any) -> str:
    """A fact's value as a shopper reads it."""
    spec = fact_spec(name)
    if value is None or value == () or value == []:
        return str(spec.unknown) if spec else _("unknown")
    if spec is not None and spec.display is not None:
        return spec.display(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    words = spec.value_labels() if spec else {}
    if isinstance(value, tuple | list):
        return ", ".join(str(words.get(item, item)) for item in value)
    return str(words.get(value, value)) if isinstance(value, str) else str(value)


def location_label(visitor) -> str:
    """ "Tokyo, Japan", "Japan", or the city when only that is known."""
    country = visitor.country
    place = region_name(visitor.region) if visitor.region else visitor.get("city")
    return f"{place}, {country_name(country)}" if place else country_name(country)


# Personalization's own facts ------------------------------------------------------------------


def _fixed(*pairs: tuple[str, Any]) -> Choices:
    return lambda: [(value, str(label)) for value, label in pairs]


def _regions() -> list[tuple[str, str]]:
    return [
        (code, f"{name} ({country.name})")
        for country in COUNTRIES.values()
        for code, name in country.regions.items()
    ]


def _region_sets() -> list[tuple[str, str]]:
    from .models import RegionSet  # models import rules, which import this module

    return [(s.slug, s.name) for s in RegionSet.objects.cached()]


def _region_sets_display(value: Any) -> str:
    names = dict(_region_sets())
    return ", ".join(names.get(slug, slug) for slug in value)


def _in_region(value: Any) -> dict[str, Any]:
    return {"country": str(value).split("-")[0], "region": value}


def _at_hour(value: Any) -> dict[str, Any]:
    return {"local_hour": int(str(value)[:2])}


PLACE, DEVICE, TIME_GROUP, VISIT, ACCOUNT = "place", "device", "time", "visit", "account"
for _spec in (
    FactSpec(name="country", kind=CHOICE, label=gettext_lazy("Country"), group=PLACE,
             source="chosen region, CDN header, GeoIP, Accept-Language or the default",
             choices=countries_ours_first, display=country_name, preview=True),
    FactSpec(name="region", kind=CHOICE, label=gettext_lazy("Region"), group=PLACE,
             source="chosen region, CDN header or GeoIP", choices=_regions,
             display=region_name, personal=True, shown_unknown=True, preview=True,
             preview_as=_in_region, strict_choices=False),
    FactSpec(name="city", kind=TEXT, label=gettext_lazy("City"), group=PLACE,
             source="CDN header or GeoIP", operators=(), personal=True),
    FactSpec(name="postal_code", kind=TEXT, label=gettext_lazy("Postal code"), group=PLACE,
             source="chosen region, CDN header or GeoIP", operators=(), personal=True),
    FactSpec(name="latitude", kind=NUMBER, label=gettext_lazy("Latitude"), group=PLACE,
             source="CDN header or GeoIP", operators=(), personal=True, shown=False),
    FactSpec(name="longitude", kind=NUMBER, label=gettext_lazy("Longitude"), group=PLACE,
             source="CDN header or GeoIP", operators=(), personal=True, shown=False),
    FactSpec(name="region_sets", kind=LIST, label=gettext_lazy("Region set"), group=PLACE,
             source="the region sets kept in the admin that contain the place",
             choices=_region_sets, display=_region_sets_display, shown_unknown=True,
             unknown=gettext_lazy("none"), strict_choices=False),
    FactSpec(name="area", kind=CHOICE, label=gettext_lazy("Area"), group=PLACE,
             source="region sets marked urban or rural", preview=True,
             choices=_fixed(("urban", gettext_lazy("urban")), ("rural", gettext_lazy("rural")))),
    FactSpec(name="device", kind=CHOICE, label=gettext_lazy("Device"), group=DEVICE,
             source="User-Agent (ua-parser) and Sec-CH-UA-Mobile", preview=True,
             choices=_fixed(("mobile", pgettext_lazy("device", "phone")),
                            ("tablet", gettext_lazy("tablet")),
                            ("desktop", gettext_lazy("desktop")),
                            ("bot", gettext_lazy("search engine")))),
    FactSpec(name="os", kind=TEXT, label=gettext_lazy("Operating system"), group=DEVICE,
             source="User-Agent"),
    FactSpec(name="browser", kind=TEXT, label=gettext_lazy("Browser"), group=DEVICE,
             source="User-Agent"),
    FactSpec(name="language", kind=CHOICE, label=gettext_lazy("Language"), group=DEVICE,
             source="the active language",
             choices=_fixed(("en", gettext_lazy("English")), ("ja", gettext_lazy("Japanese")))),
    FactSpec(name="timezone", kind=TEXT, label=gettext_lazy("Time zone"), group=TIME_GROUP,
             source="the place, its region or its country", operators=()),
    FactSpec(name="local_time", kind=TIME, label=gettext_lazy("Local time"), group=TIME_GROUP,
             source="the clock in the visitor's time zone", preview_as=_at_hour),
    FactSpec(name="local_hour", kind=NUMBER, label=gettext_lazy("Local hour"),
             group=TIME_GROUP, source="the clock in the visitor's time zone", minimum=0,
             maximum=23, preview=True),
    FactSpec(name="weekday", kind=CHOICE, label=gettext_lazy("Day of the week"),
             group=TIME_GROUP, source="the visitor's local date",
             choices=_fixed(("monday", gettext_lazy("Monday")),
                            ("tuesday", gettext_lazy("Tuesday")),
                            ("wednesday", gettext_lazy("Wednesday")),
                            ("thursday", gettext_lazy("Thursday")),
                            ("friday", gettext_lazy("Friday")),
                            ("saturday", gettext_lazy("Saturday")),
                            ("sunday", gettext_lazy("Sunday")))),
    FactSpec(name="part_of_day", kind=CHOICE, label=gettext_lazy("Part of the day"),
             group=TIME_GROUP, source="the visitor's local hour",
             choices=_fixed(("morning", gettext_lazy("morning")),
                            ("afternoon", gettext_lazy("afternoon")),
                            ("evening", gettext_lazy("evening")),
                            ("night", gettext_lazy("night")))),
    FactSpec(name="season", kind=CHOICE, label=gettext_lazy("Season"), group=TIME_GROUP,
             source="the local date and the hemisphere", preview=True,
             choices=_fixed(("spring", gettext_lazy("spring")),
                            ("summer", gettext_lazy("summer")),
                            ("autumn", gettext_lazy("autumn")),
                            ("winter", gettext_lazy("winter")))),
    FactSpec(name="local_date", kind=DATE, label=gettext_lazy("Date"), group=TIME_GROUP,
             source="the clock in the visitor's time zone"),
    FactSpec(name="visits", kind=NUMBER, label=gettext_lazy("Visit number"), group=VISIT,
             source="the history cookie (with personalization consent)", minimum=0,
             personal=True, shown_unknown=True, unknown=gettext_lazy("not remembered"),
             preview=True),
    FactSpec(name="first_visit", kind=DATE, label=gettext_lazy("First visit"), group=VISIT,
             source="the history cookie", operators=(), personal=True),
    FactSpec(name="last_visit", kind=DATE, label=gettext_lazy("Latest visit"), group=VISIT,
             source="the history cookie", operators=(), personal=True),
    FactSpec(name="referrer_host", kind=TEXT, label=gettext_lazy("Came from (site)"),
             group=VISIT, source="the Referer of the visit's first page", personal=True),
    FactSpec(name="utm_campaign", kind=TEXT, label=gettext_lazy("Campaign"), group=VISIT,
             source="the visit's first link (utm_campaign)", personal=True, preview=True),
    FactSpec(name="utm_source", kind=TEXT, label=gettext_lazy("Campaign source"), group=VISIT,
             source="the visit's first link (utm_source)", personal=True),
    FactSpec(name="utm_medium", kind=TEXT, label=gettext_lazy("Campaign medium"), group=VISIT,
             source="the visit's first link (utm_medium)", personal=True),
    FactSpec(name="recently_viewed", kind=LIST, label=gettext_lazy("Recently viewed"),
             group=VISIT, source="the viewed cookie (with personalization consent)",
             operators=(), personal=True, display=lambda ids: ", ".join(map(str, ids or ()))),
    FactSpec(name="viewed_most", kind=TEXT, label=gettext_lazy("Looked at most"),
             group=VISIT, source="the viewed cookie: the kind of thing viewed most often",
             operators=(), personal=True, preview=True),
    FactSpec(name="signed_in", kind=BOOL, label=gettext_lazy("Signed in"), group=ACCOUNT,
             source="the session", preview=True),
    FactSpec(name="consent", kind=LIST, label=gettext_lazy("Consent"), group=ACCOUNT,
             source="the consent cookie and Sec-GPC",
             choices=_fixed(("essential", gettext_lazy("essential cookies")),
                            ("personalization", gettext_lazy("personalization")),
                            ("analytics", gettext_lazy("analytics")))),
    FactSpec(name="consent_chosen", kind=BOOL, label=gettext_lazy("Privacy choice made"),
             group=ACCOUNT, source="the consent cookie", operators=(), shown=False),
    FactSpec(name="gpc", kind=BOOL, label=gettext_lazy("Global Privacy Control"),
             group=ACCOUNT, source="the Sec-GPC header", operators=()),
    FactSpec(name="client_ip", kind=TEXT, label=gettext_lazy("Your IP address"),
             group=ACCOUNT, source="REMOTE_ADDR or a trusted proxy's X-Forwarded-For",
             operators=(), personal=True),
    FactSpec(name="answer_count", kind=NUMBER, label=gettext_lazy("Answer count"),
             group="answers", source="the visitor's stored answers", operators=()),
):  # fmt: skip
    register_fact(_spec)
