"""allauth's rate limits, which stand aside for sign-ins while the shared cache is down."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from django.core.cache import cache

# What allauth limits around signing in; the rest (sign-ups, password resets, e-mails) stays
# limited, and is refused while the limits cannot be counted.
SIGN_IN_ACTIONS = ("login", "login_failed")


def shared_cache_down() -> bool:
    """Whether the default cache's circuit breaker is open: Redis failed a moment ago.

    In production the cache is django-redis with shop.cache.CircuitBreakerClient, whose
    `breaker` says so; any other cache (local memory) is never down."""
    breaker = getattr(getattr(cache, "client", None), "breaker", None)
    return breaker is not None and breaker.is_open


class SignInRates(Mapping):
    """ACCOUNT_RATE_LIMITS, read by allauth on every use.

    allauth counts in the default cache and answers 429 to every sign-in when it cannot; while
    Redis is down, sign-ins are not limited by allauth (fail open): django-axes counts failed
    sign-ins in the database and still locks out an address that keeps guessing."""

    def __init__(self, rates: Mapping[str, str | None]) -> None:
        self.rates = dict(rates)

    def _now(self) -> dict[str, str | None]:
        if shared_cache_down():
            return {**self.rates, **dict.fromkeys(SIGN_IN_ACTIONS)}
        return self.rates

    def __getitem__(self, action: str) -> str | None:
        return self._now()[action]

    def __iter__(self) -> Iterator[str]:
        return iter(self._now())

    def __len__(self) -> int:
        return len(self._now())
