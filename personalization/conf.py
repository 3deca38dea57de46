"""The personalization app's settings, read when used (never at import), with their defaults.

from personalization.conf import app_settings
app_settings.TRUSTED_PROXIES
"""

from __future__ import annotations

import ipaddress
from functools import cached_property

from kernel.conf import setting

# The facts personalization itself knows, in the order they are resolved. A project lists these
# and its own resolvers in PERSONALIZATION_RESOLVERS (the shop adds "has ordered").
DEFAULT_RESOLVERS = [
    "personalization.resolvers.consent.ConsentResolver",
    "personalization.resolvers.network.ClientAddressResolver",
    "personalization.resolvers.location.LocationResolver",
    "personalization.resolvers.location.RegionSetResolver",
    "personalization.resolvers.device.DeviceResolver",
    "personalization.resolvers.clock.LanguageTimeResolver",
    "personalization.resolvers.history.HistoryResolver",
    "personalization.resolvers.account.AccountResolver",
    "personalization.resolvers.profile.ProfileResolver",
]

DEFAULTS = {
    # Off: every slot shows its default (for comparison, or to switch targeting off at once).
    "ENABLED": True,
    "RESOLVERS": DEFAULT_RESOLVERS,
    # CIDR ranges of the proxies / CDN edges allowed to tell us the client's address and place.
    "TRUSTED_PROXIES": [],
    # A folder (or file) holding MaxMind .mmdb databases: City preferred, Country otherwise.
    "GEOIP_PATH": "",
    # Extra CDN header names, e.g. {"country": "X-Geo-Country", "region": "X-Geo-Region"}.
    "GEO_HEADERS": {},
    "DEFAULT_COUNTRY": "JP",
    "DEFAULT_TIME_ZONE": "Asia/Tokyo",
    "VISIT_IDLE_MINUTES": 30,
    "REGION_COOKIE": "sf_region",
    "CONSENT_COOKIE": "sf_consent",
    "HISTORY_COOKIE": "sf_history",
    "VIEWED_COOKIE": "sf_viewed",
    "VIEWED_KEPT": 12,  # recently viewed items remembered
    "VISITOR_ID_COOKIE": "sf_vid",
    # Profile answers one client address may send (django-ratelimit's rate syntax).
    "ANSWER_RATE": "30/m",
    "COOKIE_MAX_AGE": 60 * 60 * 24 * 365,
    # Experiments (personalization/experiments). Percent of visitors (with analytics consent)
    # in the site-wide holdout that sees defaults everywhere; 0 switches it off.
    "HOLDOUT_PERCENT": 0,
    "EXPERIMENT_COOKIE": "sf_exp",
    # Where events wait for the batch writer: "" picks Redis when the cache is django-redis,
    # else this process's memory; or the dotted path of a class with push() and pop().
    "EXPERIMENT_BUFFER": "",
    "EXPERIMENT_BUFFER_MAX": 1_000_000,  # events kept waiting at most (the oldest go first)
    "EXPERIMENT_DRAIN_BATCH": 2000,
    # Pages' exposures held in the process this many seconds and pushed together: one round
    # trip to the buffer per worker and period instead of one per page. A worker killed outright
    # loses what it held (one that exits normally pushes it); 0 pushes each page's at once.
    "EXPERIMENT_EXPOSURE_HOLD_SECONDS": 0,
    # With the buffer in this process's memory (no Redis: the laptop), drain it here after a
    # response has been sent, at most once every this many seconds; 0 never does.
    "EXPERIMENT_DRAIN_IN_PROCESS_SECONDS": 5,
    "EXPERIMENT_EVENT_DAYS": 90,  # raw events are kept this long
    "EXPERIMENT_ATTRIBUTION_DAYS": 30,  # a return counts against the order's arm this long
    # Next best actions (personalization/actions): dotted paths of provider functions, and the
    # shared state they read by name ({"orders": "dotted.path.loader"}), loaded once per request.
    "ACTION_PROVIDERS": [],
    "ACTION_STATE": {},
    "ACTION_SNOOZE_HOURS": 24,  # how long "Not now" hides a kind of action
    # "Not now" / "never" and the shop's action buttons that post, per client address.
    "ACTION_RATE": "30/m",
    "ACTION_SEEN_COOKIE": "sf_nba",  # how often each kind was shown this week (for the caps)
    # A running experiment with this key compares pages with and without the action: its
    # control arm sees none (an exposure is still recorded).
    "ACTION_EXPERIMENT": "next-best-action",
    # Blocks a variant may show (personalization/blocks.py): {key: dotted path of the block}.
    "BLOCKS": {},
    # Answers of decisions declared `shared=True` one process keeps for every visitor with the
    # same facts (personalization/decisions.py); 0 answers each of them for each request.
    "SHARED_ANSWERS": 20_000,
}


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def network_parse(value: object) -> Network:
    """One TRUSTED_PROXIES entry: an address or a network in CIDR notation, strictly — a
    network with host bits set ("10.1.2.3/16") is a typo for something, not a guess to make."""
    if not isinstance(value, str) or value != value.strip():
        raise ValueError(f"{value!r} is not an address or a network in CIDR notation")
    try:
        return ipaddress.ip_network(value, strict=True)
    except ValueError as error:
        raise ValueError(f"{value!r} is not an address or a network ({error})") from None


def networks_parse(values: object) -> tuple[Network, ...]:
    """TRUSTED_PROXIES as networks; ValueError names the first value that is not one."""
    if isinstance(values, str) or not isinstance(values, list | tuple):
        raise ValueError(f"{values!r} is not a list of addresses or networks")
    return tuple(network_parse(value) for value in values)


class AppSettings:
    def __getattr__(self, name: str):
        if name not in DEFAULTS:
            raise AttributeError(name)
        return setting(f"PERSONALIZATION_{name}", DEFAULTS[name])

    @cached_property
    def _proxy_cache(self) -> dict:
        return {}

    def trusted_networks(self) -> tuple[Network, ...]:
        """The parsed TRUSTED_PROXIES, parsed once per distinct setting value (a malformed
        value is refused at start-up by personalization.checks)."""
        raw = self.TRUSTED_PROXIES
        key = raw if isinstance(raw, str) else tuple(raw)
        if key not in self._proxy_cache:
            self._proxy_cache[key] = networks_parse(key)
        return self._proxy_cache[key]


app_settings = AppSettings()
