"""The Visitor: a frozen snapshot of what the site knows about whoever is looking, and why.

Every fact carries its source, which is what "Why am I seeing this?" shows. Resolvers (listed in
settings.PERSONALIZATION_RESOLVERS, loaded like AUTHENTICATION_BACKENDS) add facts to a builder;
`resolve_visitor()` works with or without a request, so Celery tasks and the staff preview build
visitors the same way pages do.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .conf import app_settings
from .signed import MetaHeaders

if TYPE_CHECKING:
    from django.http import HttpRequest

logger = logging.getLogger(__name__)

# Where a page being recorded keeps its decisions recorder in the visitor's memo.
RECORDER_KEY = "_decisions_recorder"
# Where the decisions being answered keep the names of the facts they read (one set each, the
# innermost last): a shared answer is reused for visitors with the same values of those facts.
READERS_KEY = "_decisions_readers"
# What those sets hold when a decision reads the clock (`Visitor.now`): its answer holds for
# the clock's minute only, where one that never reads it holds until the editor data changes.
CLOCK = "\x00clock"


class Source(StrEnum):
    CHOSEN = "chosen"
    CDN = "cdn-header"
    GEOIP = "geoip"
    ACCEPT_LANGUAGE = "accept-language"
    USER_AGENT = "user-agent"
    CLIENT_HINTS = "client-hints"
    REQUEST = "request"
    HISTORY = "history"
    ANSWER = "answer"
    ACCOUNT = "account"
    CONSENT = "consent"
    DERIVED = "derived"
    PREVIEW = "preview"
    DELIVERY = "delivery-address"
    EXPERIMENT = "experiment"
    DEFAULT = "default"
    NOT_STORED = "not-stored"


SOURCE_DESCRIPTIONS = {
    Source.CHOSEN: _("you chose it"),
    Source.CDN: _("from the location our network edge gave for your connection"),
    Source.GEOIP: _("from your IP address"),
    Source.ACCEPT_LANGUAGE: _("from your browser’s language settings"),
    Source.USER_AGENT: _("from your browser’s identification"),
    Source.CLIENT_HINTS: _("from your browser’s device hints"),
    Source.REQUEST: _("from this page request"),
    Source.HISTORY: _("from your earlier visits (kept in a cookie on your device)"),
    Source.ANSWER: _("you told us"),
    Source.ACCOUNT: _("from your account"),
    Source.CONSENT: _("your privacy choice"),
    Source.DERIVED: _("worked out from the facts above"),
    Source.PREVIEW: _("set by the staff preview"),
    Source.DELIVERY: _("from the delivery address you gave"),
    Source.EXPERIMENT: _("a test we are running, which picked this at random"),
    Source.DEFAULT: _("our default, as nothing else told us"),
    Source.NOT_STORED: _("not remembered: you have not allowed personalization"),
}


class Fact(NamedTuple):
    """A fact's value and where it came from. (A named tuple: a request builds some forty,
    each in a fraction of a frozen dataclass's time.)"""

    value: Any
    source: Source

    @property
    def source_description(self) -> str:
        return str(SOURCE_DESCRIPTIONS[self.source])


@dataclass(frozen=True, init=False)
class Visitor:
    """Facts about one request's visitor. Anonymous visitors are Visitors too, never None."""

    facts: Mapping[str, Fact]
    # The request's moment, read through `now` (which tells the decisions being answered).
    moment: datetime.datetime
    is_preview: bool = False
    # Filled by the slot and offer machinery as the page renders, for the "why" panel.
    decisions: list = field(default_factory=list, compare=False, hash=False)
    # Results derived from the facts during one request (segment matches, eligible offers), so
    # that a segment used by several variants is evaluated once per request.
    memo: dict = field(default_factory=dict, compare=False, hash=False)

    def __init__(
        self, *, facts: Mapping[str, Fact], now: datetime.datetime, is_preview: bool = False
    ) -> None:
        for name, value in (
            ("facts", facts), ("moment", now), ("is_preview", is_preview),
            ("decisions", []), ("memo", {}),
        ):  # fmt: skip
            object.__setattr__(self, name, value)

    @property
    def now(self) -> datetime.datetime:
        """The request's moment. Not a fact, so reading it never makes a page personal; read
        inside a shared decision, it keeps the answer to the clock's minute."""
        for reader in self.memo.get(READERS_KEY, ()):
            reader.add(CLOCK)
        return self.moment

    def _read(self, name: str) -> None:
        # While a page is recorded for sharing, a fact read outside a declared decision makes
        # it personal (personalization/decisions.py).
        recorder = self.memo.get(RECORDER_KEY)
        if recorder is not None:
            recorder.note_read(name)
        for reader in self.memo.get(READERS_KEY, ()):
            reader.add(name)

    def __getitem__(self, name: str) -> Any:
        # Templates try `visitor["is_preview"]` before the attribute: not a fact read.
        if not hasattr(Visitor, name):
            self._read(name)
        return self.facts[name].value

    def get(self, name: str, default: Any = None) -> Any:
        self._read(name)
        fact = self.facts.get(name)
        return default if fact is None or fact.value is None else fact.value

    def source(self, name: str) -> Source | None:
        self._read(name)
        fact = self.facts.get(name)
        return fact.source if fact else None

    def __iter__(self) -> Iterator[tuple[str, Fact]]:
        self._read("*")
        return iter(self.facts.items())

    def allows(self, purpose: str) -> bool:
        """Whether the visitor consented to a purpose ("personalization", "analytics")."""
        return purpose in self.get("consent", ())

    @property
    def country(self) -> str:
        return self.get("country", "")

    @property
    def region(self) -> str:
        return self.get("region", "")

    @property
    def device(self) -> str:
        return self.get("device", "desktop")

    @property
    def is_bot(self) -> bool:
        return self.device == "bot"


class Builder:
    """Collects facts while resolvers run. The first resolver to set a fact wins, so resolvers
    list their sources in order of trust; overrides (the staff preview) win over everything."""

    def __init__(
        self,
        *,
        request: HttpRequest | None,
        user: Any,
        now: datetime.datetime,
        overrides: Mapping[str, Any] | None,
        delivery: Mapping[str, Any] | None = None,
    ) -> None:
        self.request = request
        self.user = user
        self.now = now
        self.overrides = dict(overrides or {})
        self.facts: dict[str, Fact] = {
            name: Fact(value, Source.PREVIEW) for name, value in self.overrides.items()
        }
        for name, value in (delivery or {}).items():
            self.facts.setdefault(name, Fact(value, Source.DELIVERY))

    def add(self, name: str, value: Any, source: Source) -> None:
        if name not in self.facts:
            self.facts[name] = Fact(value, source)

    def has(self, name: str) -> bool:
        return name in self.facts

    def get(self, name: str, default: Any = None) -> Any:
        fact = self.facts.get(name)
        return default if fact is None else fact.value

    @property
    def headers(self) -> Mapping[str, str]:
        return MetaHeaders(self.request.META) if self.request is not None else {}

    @property
    def cookies(self) -> Mapping[str, str]:
        return self.request.COOKIES if self.request is not None else {}


class Resolver(Protocol):
    def resolve(self, builder: Builder) -> None: ...


@cache
def _resolvers(paths: tuple[str, ...]) -> tuple[Resolver, ...]:
    return tuple(import_string(path)() for path in paths)


def resolvers() -> tuple[Resolver, ...]:
    return _resolvers(tuple(app_settings.RESOLVERS))


def resolve_visitor(
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    overrides: Mapping[str, Any] | None = None,
    now: datetime.datetime | None = None,
    delivery: Mapping[str, str] | None = None,
) -> Visitor:
    """Build the Visitor for a request, a user, or neither (a Celery task, a preview).

    `delivery` places the visitor at a delivery address (country, region, postal_code, city):
    where an order goes decides its regional prices, not where the shopper browses from."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    placed: dict[str, str | None] | None = None
    if delivery is not None:
        # The address replaces every location fact: no coordinates or zone from elsewhere.
        placed = {"latitude": None, "longitude": None, **delivery}
    builder = Builder(
        request=request,
        user=user,
        now=now or timezone.now(),
        overrides=overrides,
        delivery=placed,
    )
    for resolver in resolvers():
        try:
            resolver.resolve(builder)
        except Exception:
            # A broken source of facts must never break the page: its facts fall to defaults.
            logger.warning("Visitor resolver %r failed", resolver, exc_info=True)
    return Visitor(
        facts=MappingProxyType(builder.facts), now=builder.now, is_preview=bool(overrides)
    )
