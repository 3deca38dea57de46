"""No request a visitor can send makes a server error.

Every public URL in the URLconf gets arbitrary text (NUL and other control characters, very long
strings, SQL and PostgreSQL search operators, any script) in its path arguments, query
parameters and form fields, in the headers the visitor context reads and in its cookies, signed
or not; each answer must be a page, a redirect or a 4xx — never a 5xx.

Bounded and reproducible for CI (`derandomize`, no example database); for a longer hunt:
`FUZZ_EXAMPLES=300 .venv/bin/python -m pytest tests/test_no_server_errors.py`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings as django_settings
from django.core import signing
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from personalization.conf import app_settings
from personalization.consent import SALT as CONSENT_SALT
from personalization.history import SALT as HISTORY_SALT
from personalization.identity import SALT as VISITOR_ID_SALT
from personalization.models import Question, QuestionKind
from personalization.profiling import questions_changed
from personalization.resolvers.location import CDN_HEADERS, REGION_SALT
from shop.offers.models import Offer
from shop.orders.models import Order, OrderLine, OrderStatus
from tests.factories import CategoryFactory, ProductFactory, StoreFactory, UserFactory

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
PASSWORD = "correct horse battery staple"
FORM = "application/x-www-form-urlencoded"
# Namespaces that are not the public site: the admin has its own (Django's) tests.
PRIVATE_NAMESPACES = {"admin"}


# The URLs, from the URLconf: a new view is fuzzed without anyone remembering to add it.


@dataclass(frozen=True)
class Route:
    pattern: str  # as written in the URLconf, for the test id
    name: str
    arguments: tuple[str, ...]


def _routes(patterns, prefix: str = "", namespace: str | None = None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern), inner or None)
        elif isinstance(entry, URLPattern) and entry.name:
            if namespace and namespace.split(":")[0] in PRIVATE_NAMESPACES:
                continue
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            arguments = tuple(entry.pattern.regex.groupindex)
            yield Route(prefix + str(entry.pattern), name, arguments)


ROUTES = sorted(set(_routes(get_resolver().url_patterns)), key=lambda route: route.pattern)


def test_the_public_urls_are_all_fuzzed():
    names = {route.name for route in ROUTES}
    assert {
        "catalog:home", "catalog:products", "catalog:search", "catalog:category",
        "catalog:product", "basket:detail", "basket:add", "basket:update", "basket:code",
        "checkout:checkout", "offers:list", "stores:list", "stores:emergency", "orders:find",
        "orders:detail", "personalization:why", "personalization:privacy",
        "personalization:consent", "personalization:region", "personalization:preview_open",
        "personalization:profile_answer", "personalization:profile_dismiss",
        "personalization:profile_forget", "personalization:export", "personalization:erase",
        "account_login", "account_signup", "account_reset_password",
    } <= names  # fmt: skip
    assert not any(name.startswith("admin:") for name in names)


POST_ONLY = [
    "basket:add", "basket:update", "basket:code", "personalization:consent",
    "personalization:profile_answer", "personalization:profile_dismiss",
    "personalization:profile_forget",
]  # fmt: skip


@pytest.mark.parametrize("name", POST_ONLY)
def test_a_get_to_a_form_that_only_posts_is_405(client, name):
    assert client.get(reverse(name)).status_code == 405


# What a visitor can send.

# Text that broke (or could break) something: what the database, the search parser, a cookie
# parser or a number parser refuses.
POISON = [
    "\x00", "a\x00", "\x00" * 3,  # PostgreSQL refuses NUL in text: three times as likely
    "-" * 40, "&|!<->():*'\"", "' OR 1=1 --", '"\\000', "\r\n\x1b\u202e\ufeff", "𝕏ﷺ",
    "x" * 5000, "ä" * 600, "99999999999999999999", "-1", "1e309", "NaN", "//evil.example/",
]  # fmt: skip
# Values the shop expects somewhere, to be sent where they make sense and where they do not.
PLAUSIBLE = [
    "", " ", "0", "1", "2", "on", "true", "all", "cat", "dog", "price", "-price", "newest",
    "standard", "express", "JP", "JP-13", "JP-01", "US", "ZZ", "060-0001", "FUZZ10",
    "aiko@example.com", "/", "/basket/", "https://evil.example/", "home-hero", "pet", "remove",
    "日本語", "[]", "{}", "null",
]  # fmt: skip


def _texts(alphabet) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(POISON),
        st.sampled_from(PLAUSIBLE),
        # A plausible value with poison before, inside or after it.
        st.builds(lambda value, poison, at: value[:at] + poison + value[at:],
                  st.sampled_from(PLAUSIBLE), st.sampled_from(POISON), st.integers(0, 20)),
        st.text(alphabet=alphabet, max_size=40),
        st.text(alphabet="-!&|<>():*'\" \x00", max_size=80),  # search and SQL operators
        st.builds(lambda part, times: part * times, st.text(alphabet, min_size=1, max_size=3),
                  st.integers(100, 3000)),  # very long
        st.integers(-(10**25), 10**25).map(str),
    )  # fmt: skip


# Any character a URL or a form can carry: every code point but lone surrogates, which no
# UTF-8 request can encode.
texts = _texts(st.characters(exclude_categories=("Cs",)))


def _wsgi(text: str) -> str:
    """A header or cookie as a WSGI server hands it over: the bytes sent (UTF-8 here), read
    as ISO-8859-1."""
    return text.encode().decode("iso-8859-1")


header_texts = texts.map(_wsgi)

CLIENT_HINTS = ["Sec-CH-UA", "Sec-CH-UA-Mobile", "Sec-CH-UA-Platform", "Sec-CH-UA-Model"]
HEADERS = sorted(
    {
        "X-Forwarded-For", "Accept-Language", "User-Agent", "Accept", "Referer", "Sec-GPC",
        "HX-Request", "HX-Target", "HX-Trigger", "HX-Current-URL", "HX-Boosted",
        *CLIENT_HINTS,
        *(name for headers in CDN_HEADERS for name in headers.values()),
    }
)  # fmt: skip


def _meta(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


headers = st.dictionaries(
    st.sampled_from(HEADERS),
    st.one_of(header_texts, st.sampled_from(["true", "?1", "1", "ja", "JP", "10.0.0.1"])),
    max_size=6,
)


def _signed(cookie: str, salt: str):
    return lambda value: signing.get_cookie_signer(salt=cookie + salt).sign(value)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=10,
)


def _cookies() -> st.SearchStrategy[dict[str, str]]:
    """Our cookies with arbitrary values: raw, or signed with our own key (an older format,
    or a value no version ever wrote) so that what is inside is read too."""
    raw = dict.fromkeys(
        [
            django_settings.SESSION_COOKIE_NAME,
            django_settings.CSRF_COOKIE_NAME,
            django_settings.LANGUAGE_COOKIE_NAME,
            "messages",
        ],
        header_texts,
    )
    salts = {
        app_settings.REGION_COOKIE: REGION_SALT,
        app_settings.CONSENT_COOKIE: CONSENT_SALT,
        app_settings.VISITOR_ID_COOKIE: VISITOR_ID_SALT,
    }
    strategies = {
        **raw,
        **{
            name: header_texts | header_texts.map(_signed(name, salt))
            for name, salt in salts.items()
        },
        app_settings.HISTORY_COOKIE: header_texts
        | JSON.map(lambda data: signing.dumps(data, salt=HISTORY_SALT)),
    }
    return st.lists(st.sampled_from(sorted(strategies)), unique=True, max_size=4).flatmap(
        lambda names: st.fixed_dictionaries({name: strategies[name] for name in names})
    )


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


# A small shop, so that pages do real work: categories, products, a store, an offer with a
# code, a profile question, an order and a shopper.


@dataclass
class Shop:
    values: dict[str, list[str]]  # real values for path arguments, by argument name
    fields: list[str]  # every form field name the pages show, and then some
    user: object
    product: object


def _seed() -> Shop:
    food = CategoryFactory(name="Food", slug="food")
    wet = CategoryFactory(name="Wet food", slug="wet-food", parent=food)
    mat = ProductFactory(
        name="Cooling mat", slug="cooling-mat", description="Keeps dogs cool.", category=food,
        pet_type="dog", stock=5, price=Decimal(2400),
    )  # fmt: skip
    ProductFactory(name="Tuna pouch", slug="tuna-pouch", category=wet, pet_type="cat", stock=0)
    StoreFactory(slug="kobe")
    Offer.objects.create(name="Ten off", kind="percent", value=Decimal(10), code="FUZZ10")
    Question.objects.create(
        key="pet", prompt="Which pet?", kind=QuestionKind.SINGLE,
        choices=[{"value": "dog", "label_en": "Dog"}, {"value": "cat", "label_en": "Cat"}],
    )  # fmt: skip
    questions_changed()
    user = UserFactory(email="aiko@example.com")
    user.set_password(PASSWORD)
    user.save()
    order = Order.objects.create(
        user=user, email=user.email, name="Aiko Tanaka", country="JP", region="JP-01",
        postal_code="060-0001", city="Sapporo", address="1-1 Kita", shipping_method="standard",
        shipping_price=Decimal(600), subtotal=Decimal(2400), total=Decimal(3000),
        currency="JPY", status=OrderStatus.PAID, idempotency_key="fuzz",
    )  # fmt: skip
    OrderLine.objects.create(
        order=order, product=mat, product_name=mat.name, unit_price=Decimal(2400), quantity=1,
        total=Decimal(2400),
    )  # fmt: skip
    values = {
        "slug": ["food", "wet-food", "cooling-mat", "tuna-pouch"],
        "number": [order.number],
        "key": ["home-hero", "pet"],
        "pk": [str(mat.pk)],
    }
    return Shop(values=values, fields=_field_names(mat), user=user, product=mat)


_FIELDS: list[str] = []


def _field_names(product) -> list[str]:
    """The names of every form field on the public pages (with a basket, so that checkout's
    show), found once: they do not depend on the data."""
    if not _FIELDS:
        browser = Client()
        browser.post(reverse("basket:add"), {"product": product.pk, "quantity": 1})
        names = {"q", "page", "sort", "pet", "in_stock", "next", "token", "code", "action", "key"}
        for route in ROUTES:
            if not route.arguments:
                page = browser.get(reverse(route.name)).content.decode(errors="replace")
                names |= set(re.findall(r'\bname="([^"]+)"', page))
        _FIELDS.extend(sorted(names - {"csrfmiddlewaretoken"}))
    return _FIELDS


@pytest.fixture
def shop(settings) -> Shop:
    # Through a trusted proxy, so that X-Forwarded-For and the CDN's headers are read.
    settings.PERSONALIZATION_TRUSTED_PROXIES = ["127.0.0.0/8"]
    # Every signed-in example checks a password (erasing asks for it): quickly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return _seed()


def _placeholder(index: int) -> str:
    # Digits satisfy every converter and pattern in the URLconf (int, slug, str, [-:\w]+...).
    return f"9137{index}"


@st.composite
def requests(draw, route: Route, shop: Shop) -> dict:
    path = reverse(
        route.name, kwargs={name: _placeholder(i) for i, name in enumerate(route.arguments)}
    )
    for index, name in enumerate(route.arguments):
        # Real values (a product's slug, an order's number) and arbitrary text.
        real = st.sampled_from(shop.values.get(name, ["x"]))
        value = draw(real | st.builds(str.__add__, real, st.sampled_from(POISON)) | texts)
        path = path.replace(_placeholder(index), quote(value, safe=""), 1)
    fields = st.sampled_from(shop.fields) | texts
    return {
        "method": draw(st.sampled_from(["GET", "POST", "GET", "POST", "HEAD", "PUT"])),
        "path": path,
        "data": draw(
            st.dictionaries(fields, texts | st.lists(texts, min_size=1, max_size=3), max_size=6)
        ),
        "headers": {_meta(name): value for name, value in draw(headers).items()},
        "cookies": draw(_cookies()),
        "signed_in": draw(st.booleans()),
        "basket": draw(st.booleans()),
    }


def _send(shop: Shop, request: dict):
    browser = Client(raise_request_exception=False)
    if request["signed_in"]:
        browser.force_login(shop.user, backend="django.contrib.auth.backends.ModelBackend")
    if request["basket"]:
        browser.post(reverse("basket:add"), {"product": shop.product.pk, "quantity": 1})
    own = "; ".join(f"{name}={morsel.coded_value}" for name, morsel in browser.cookies.items())
    extra = dict(request["headers"])
    # The odd cookies come after the browser's own, which the last of a name overrides.
    extra["HTTP_COOKIE"] = "; ".join(filter(None, [own, _cookie_header(request["cookies"])]))
    method, path, data = request["method"], request["path"], request["data"]
    if method == "POST":
        return browser.post(path, data, **extra)
    if method == "PUT":
        return browser.generic("PUT", path, urlencode(data, doseq=True), FORM, **extra)
    return browser.generic(method, path, QUERY_STRING=urlencode(data, doseq=True), **extra)


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.pattern)
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_request_makes_a_server_error(route, shop, data):
    request = data.draw(requests(route, shop), label="request")
    # Each request in a savepoint: one that broke PostgreSQL's transaction is reported as
    # itself, not as every later example failing.
    savepoint = transaction.savepoint()
    response = _send(shop, request)
    transaction.savepoint_rollback(savepoint)
    assert response.status_code < 500, f"{request['method']} {request['path']!r}"
