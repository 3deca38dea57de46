"""The public shape of the next best action: what a provider proposes, and what it is told.

A provider is a plain function listed by dotted path in
settings.PERSONALIZATION_ACTION_PROVIDERS:

    def provider(visitor: Visitor, context: ActionContext) -> Iterable[Action]: ...

It proposes every action that fits this visitor now, each with a score; the chooser
(`personalization.actions.choose.choose_action`) drops those that are expired, meant for another
place, snoozed ("not now"), refused ("never") or over their kind's cap, and keeps the best one.

Shop state that several providers need (recent orders, the basket) is not queried by each
provider: it is loaded once per request by a loader listed by name in
settings.PERSONALIZATION_ACTION_STATE and read with `context.shared("orders")`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from personalization.visitor import Visitor

# The pages that have one next-best-action place each.
PLACES = frozenset({"home", "account", "order", "basket"})


@dataclass(frozen=True)
class Action:
    kind: str  # what it is, stable ("order-arriving"); "not now"/"never" and caps apply per kind
    key: str  # this instance ("order-arriving:1042")
    title: str  # translated, e.g. "Arriving Thursday — track it"
    url: str  # local URL the main button leads to
    cta: str  # main button label
    score: float  # higher wins
    why: str  # the sentence for "why am I seeing this?"
    places: frozenset[str] = frozenset({"home", "account", "order", "basket"})
    body: str = ""
    expires_at: datetime | None = None
    # Optional: the main button posts (a form with CSRF) instead of following a link, for an
    # action that changes something ("reorder" fills the basket).
    method: str = "get"
    # Optional: a second, quieter link ("No, thanks" / "Call 03-…"), label and local URL.
    secondary_label: str = ""
    secondary_url: str = ""
    # Optional: a kind may be shown at most this many times in seven days (None: no cap).
    weekly_cap: int | None = None
    # Optional: the label of "Not now" when another fits better ("No, just browsing").
    not_now_label: str = ""


# A loader of shared state: called at most once per request, on first use.
StateLoader = Callable[["Visitor", "ActionContext"], Any]


@dataclass(frozen=True)
class ActionContext:
    """Where the action is shown and when, with the shop state providers share.

    `request` and `user` may be None (a Celery task, a benchmark, a test): providers must then
    work from the visitor and the shared state alone."""

    place: str
    now: datetime
    request: HttpRequest | None = None
    user: Any = None
    # Loaded shared state by name; one dict per request (see `context_for`), so several places
    # on a page and every provider read the same loaded orders.
    cache: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    loaders: dict[str, StateLoader] = field(default_factory=dict, compare=False, hash=False)
    visitor: Visitor | None = field(default=None, compare=False, hash=False)

    def shared(self, name: str, default: Any = None) -> Any:
        """The shared state called `name`, loaded on first use; `default` if no loader has it."""
        if name not in self.cache:
            loader = self.loaders.get(name)
            if loader is None or self.visitor is None:
                return default
            self.cache[name] = loader(self.visitor, self)
        return self.cache[name]


Provider = Callable[["Visitor", ActionContext], Iterable[Action]]
