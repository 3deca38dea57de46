from __future__ import annotations

from functools import lru_cache

from ua_parser import parse

from ..visitor import Builder, Source

# Long enough for every real browser; a 20 KB header is cut before it reaches the parser.
MAX_USER_AGENT = 512
MOBILE_OS = {"iOS", "Android", "Windows Phone", "BlackBerry OS", "KaiOS", "Firefox OS"}


@lru_cache(maxsize=4096)
def classify(user_agent: str) -> tuple[str, str, str]:
    """(device class, OS family, browser family) for a User-Agent string."""
    if not user_agent:
        return "desktop", "Other", "Other"
    result = parse(user_agent)
    os_family = result.os.family if result.os else "Other"
    browser = result.user_agent.family if result.user_agent else "Other"
    device_family = result.device.family if result.device else "Other"
    lowered = user_agent.lower()
    # ua-parser knows crawlers ("Spider"); a plain "bot" substring would catch CUBOT phones.
    if device_family == "Spider":
        kind = "bot"
    elif (
        device_family == "iPad"
        or "tablet" in lowered
        or (os_family == "Android" and "mobile" not in lowered)
    ):
        kind = "tablet"
    elif os_family in MOBILE_OS or "mobi" in lowered:
        kind = "mobile"
    else:
        kind = "desktop"
    return kind, os_family, browser


class DeviceResolver:
    def resolve(self, builder: Builder) -> None:
        user_agent = builder.headers.get("User-Agent", "")[:MAX_USER_AGENT]
        kind, os_family, browser = classify(user_agent)
        source = Source.USER_AGENT if user_agent else Source.DEFAULT
        # Client Hints, when the browser sends them, say plainly whether it is a phone.
        if kind != "bot" and builder.headers.get("Sec-CH-UA-Mobile", "").strip() == "?1":
            builder.add("device", "mobile", Source.CLIENT_HINTS)
        builder.add("device", kind, source)
        builder.add("os", os_family, source)
        builder.add("browser", browser, source)
