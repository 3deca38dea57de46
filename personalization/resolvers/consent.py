from __future__ import annotations

from django.http import HttpRequest

from ..consent import consent_for_request
from ..visitor import Builder, Source


class ConsentResolver:
    """What the visitor allowed: "essential" always; "personalization" and "analytics" if chosen.

    Runs first, so that resolvers that would remember something can ask."""

    def resolve(self, builder: Builder) -> None:
        request: HttpRequest | None = builder.request
        if request is None:
            builder.add("consent", ("essential",), Source.DEFAULT)
            builder.add("consent_chosen", False, Source.DEFAULT)
            return
        state = consent_for_request(request)
        builder.add("consent", state.granted, Source.CONSENT if state.chosen else Source.DEFAULT)
        builder.add("consent_chosen", state.chosen, Source.CONSENT)
        builder.add("gpc", state.gpc, Source.REQUEST)
