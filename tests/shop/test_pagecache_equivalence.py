"""No visitor ever sees another's page: 1,000 random visitors, each page rendered for them and
served through the decision cache, must be the same but for the per-request parts.

The demo's content is used as it ships (heroes by season, pet, region, hour and campaign, a
running experiment, regional offers, stores, profiling questions), and visitors differ in
every fact pages adapt to: region, device, hour, language, consent, visits, campaign, answers,
experiment arm, page.
"""

from __future__ import annotations

import datetime
import difflib
import io
import random
import re
import time
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.core import signing
from django.core.management import call_command
from django.http import HttpResponse
from django.middleware.csrf import _does_token_match
from django.test import Client, override_settings
from django.utils import timezone

from personalization.conf import app_settings
from personalization.consent import consent_store
from personalization.history import SALT as HISTORY_SALT
from personalization.identity import SALT as VISITOR_ID_SALT
from personalization.profiling import ANSWERS_KEY
from personalization.resolvers.location import region_store
from shop.catalog.models import Category, Product

pytestmark = pytest.mark.django_db

VISITORS = 1000

PLACES = [
    "JP-01",
    "JP-47",
    "JP-13",
    "JP-27",
    "JP-28",
    "JP-40",
    "JP-46",
    "JP",
    "US-CA",
    "GB",
    "AU-NSW",
    None,
]
AGENTS = [  # an iPhone, an Android phone, a desktop, an iPad, a search engine
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
]
LANGUAGES = ["ja", "en", "en-GB,en;q=0.8", "ja-JP,ja;q=0.9,en;q=0.5", ""]
CONSENTS = [None, (), ("personalization",), ("personalization", "analytics")]
ANSWERS = [{}, {"pet": "cat"}, {"pet": "dog"}, {"pet": "cat", "name": "Aiko"}, {"name": "Ken"}]


def _cookie(set_cookie) -> str:
    response = HttpResponse()
    set_cookie(response)
    return next(iter(response.cookies.values())).value


def _visitor(rng: random.Random, urls: list[str]) -> dict:
    consent = rng.choice(CONSENTS)
    cookies = {}
    if (place := rng.choice(PLACES)) is not None:
        cookies[app_settings.REGION_COOKIE] = _cookie(lambda r: region_store(r, place=place))
    if consent is not None:
        cookies[app_settings.CONSENT_COOKIE] = _cookie(
            lambda r: consent_store(r, purposes=set(consent))
        )
    # Every browser has its id already: one without is given a new one (a new arm) on each
    # request, so its two renders could not be compared.
    cookies[app_settings.VISITOR_ID_COOKIE] = signing.get_cookie_signer(
        salt=app_settings.VISITOR_ID_COOKIE + VISITOR_ID_SALT
    ).sign(rng.randbytes(16).hex()[:22])
    now = timezone.now() + datetime.timedelta(hours=rng.randrange(24 * 200))
    if rng.random() < 0.5:
        visits = rng.randint(1, 5)
        stamp = now.timestamp() - 3600 * 24  # last seen yesterday: this is a new visit
        cookies[app_settings.HISTORY_COOKIE] = signing.dumps(
            {"visits": visits, "first": stamp - 86400 * visits, "last": stamp},
            salt=HISTORY_SALT,
            compress=True,
        )
    url = rng.choice(urls)
    if rng.random() < 0.15:
        url += "?utm_campaign=spring"
    return {
        "cookies": cookies,
        "agent": rng.choice(AGENTS),
        "language": rng.choice(LANGUAGES),
        "answers": rng.choice(ANSWERS),
        "now": now,
        "url": url,
    }


def _client(visitor: dict, session_key: str | None) -> Client:
    headers = {"User-Agent": visitor["agent"]}
    if visitor["language"]:
        headers["Accept-Language"] = visitor["language"]
    client = Client(headers=headers)
    for name, value in visitor["cookies"].items():
        client.cookies[name] = value
    if session_key is not None:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = session_key
    return client


def _session_with(answers: dict) -> str | None:
    if not answers:
        return None
    session = SessionStore()
    at = time.time()
    session[ANSWERS_KEY] = {key: {"value": value, "at": at} for key, value in answers.items()}
    session.save()
    return session.session_key


_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")


def _comparable(response) -> str:
    """The page without its per-request parts: CSRF tokens (each a masked form of the
    visitor's secret) and the CSP nonce."""
    body = response.content.decode()
    secret = response.wsgi_request.META.get("CSRF_COOKIE")
    if secret:
        body = _TOKEN.sub(
            lambda m: "CSRF" if _does_token_match(m.group(0), secret) else m.group(0), body
        )
    return re.sub(r'nonce="[^"]+"', 'nonce="NONCE"', body)


def _difference(number: int, visitor: dict, rendered, cached) -> str:
    lines = difflib.unified_diff(
        _comparable(rendered).splitlines(True), _comparable(cached).splitlines(True),
        "rendered for the visitor", f"served by the cache ({cached['X-Page-Cache']})",
    )  # fmt: skip
    return f"visitor {number}: {visitor}\n" + "".join(list(lines)[:40])


def test_a_thousand_visitors_each_get_the_page_rendered_for_them():
    call_command("load_demo", "--no-images", stdout=io.StringIO())
    category = Category.objects.filter(parent=None).first()
    products = list(Product.objects.filter(is_active=True).order_by("pk")[:3])
    urls = ["/", "/", "/", f"/c/{category.slug}/", "/offers/", "/products/"]
    urls += [f"/p/{product.slug}/" for product in products]
    rng = random.Random(20261130)
    served: dict[str, int] = {}
    for number in range(VISITORS):
        visitor = _visitor(rng, urls)
        session_key = _session_with(visitor["answers"])
        with mock.patch.object(timezone, "now", return_value=visitor["now"]):
            with override_settings(PAGECACHE_ENABLED=False):
                rendered = _client(visitor, session_key).get(visitor["url"])
            cached = _client(visitor, session_key).get(visitor["url"])
        assert rendered.status_code == cached.status_code == 200
        assert _comparable(cached) == _comparable(rendered), _difference(
            number, visitor, rendered, cached
        )
        state = cached["X-Page-Cache"]
        served[state] = served.get(state, 0) + 1
    # The cache was really used: visitors shared pages (the mix is deliberately wide: 200 days
    # of dates and every hour, so most combinations are new).
    assert served.get("hit", 0) > VISITORS // 10, served
    assert served.get("uncacheable", 0) == 0, served
