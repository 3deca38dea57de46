"""Settings for Storefront.

Every difference between a laptop and production comes from the environment. With nothing set
(and DEBUG=1) the shop runs on an SQLite file, a local-memory cache, in-process Celery tasks and
console e-mail; production sets DATABASE_URL, REDIS_URL, CELERY_BROKER_URL, SECRET_KEY, ...
"""

from __future__ import annotations

import datetime
import os
import tempfile
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from accounts.throttling import SignInRates
from personalization.conf import DEFAULT_RESOLVERS

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set SECRET_KEY in the environment (or DEBUG=1 on a laptop, which uses a dev key)."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before the admin, as django-modeltranslation requires: it patches translated models first.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_htmx",
    "allauth",
    "allauth.account",
    "axes",
    "kernel",
    "accounts",
    "personalization",
    "personalization.experiments",
    "personalization.actions",
    "shop.catalog",
    "shop.basket",
    "shop.checkout",
    "shop.orders",
    "shop.stores",
    "shop.offers",
    "shop.lifecycle",
    "shop.support",
    "shop.recommendations",
    "shop.journeys",
    "shop.demo",
]

MIDDLEWARE = [
    # First: X-Forwarded-Proto is believed only from TRUSTED_PROXIES (see "Security headers").
    "personalization.middleware.ForwardedProtoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "shop.headers.ShopCSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Before anything reads the path or the session cookie: NUL characters never reach a query.
    "shop.middleware.BadTextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "personalization.middleware.VisitorMiddleware",
    # Writes the cookie counting how often each kind of next best action was shown.
    "personalization.actions.middleware.ActionsMiddleware",
    # Anonymous pages from the decision cache (after the visitor, the user and the messages).
    "shop.pagecache.PageCacheMiddleware",
    "accounts.middleware.StaffTimeZoneMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"
ASGI_APPLICATION = "shop.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shop.basket.context_processors.basket",
                "shop.catalog.context_processors.navigation",
            ],
        },
    },
]

# Database: an SQLite file unless DATABASE_URL says otherwise. SQLite takes the write lock at
# the start of each transaction so that concurrent checkouts queue instead of failing.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 0),
        # A connection kept from an earlier request (CONN_MAX_AGE) or taken from the pool is
        # checked before use, so a database restart costs no request a 500.
        conn_health_checks=True,
    )
}
# DATABASE_POOL=1: psycopg's connection pool on PostgreSQL, instead of one persistent
# connection per worker thread (CONN_MAX_AGE; the two are mutually exclusive). Each process
# keeps DATABASE_POOL_MIN_SIZE connections open, opens up to DATABASE_POOL_MAX_SIZE, and a
# request waits at most DATABASE_POOL_TIMEOUT seconds for one. See README, "Operations".
if env_bool("DATABASE_POOL", False):
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_POOL needs PostgreSQL (DATABASE_URL=postgres://...).")
    if DATABASES["default"]["CONN_MAX_AGE"]:
        raise ImproperlyConfigured(
            "DATABASE_POOL and CONN_MAX_AGE exclude each other: unset CONN_MAX_AGE."
        )
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN_SIZE", 2),
        "max_size": env_int("DATABASE_POOL_MAX_SIZE", 4),
        "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    # A file, not memory, so that tests with threads (a worker, concurrent checkouts) share it
    # and wait for its lock rather than failing on shared-cache table locks; one per test run.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"storefront-test-{os.getpid()}.sqlite3")
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = os.environ.get("REDIS_URL", "")
# Redis faults: a slow, hung or lost Redis must cost a page a fraction of a second, once.
# - Every socket to Redis (cache and Celery broker) gives up after REDIS_TIMEOUT seconds
#   (connecting, and waiting for an answer): a hung server otherwise holds a worker for minutes.
# - After a failure, shop.cache.CircuitBreakerClient stops calling Redis in this process for a
#   back-off (1 s, doubling up to 30 s), then lets one call try again.
# - IGNORE_EXCEPTIONS: a cache call that fails reads as a miss. Snapshots then check their
#   version in the database (kernel/snapshot.py); throttles decide per endpoint whether
#   to let requests through or refuse them (README, "Redis: timeouts, circuit breaker, outages").
REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "0.5"))


def redis_cache(url: str) -> dict:
    """The cache on the Redis at `url` (also what the fault suite, tests/faults, runs against).

    django-redis: the Redis backend the ecosystem maintains, and the one django-ratelimit
    (throttling) supports for its atomic counters."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "CLIENT_CLASS": "shop.cache.CircuitBreakerClient",
            "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT,
            "SOCKET_TIMEOUT": REDIS_TIMEOUT,
            "IGNORE_EXCEPTIONS": True,
            "CIRCUIT_BREAKER_BACKOFF": 1.0,
            "CIRCUIT_BREAKER_MAX_BACKOFF": 30.0,
        },
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database: a Redis outage must never empty a shopper's basket.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in (admin or shop) from a locked-out address before a password
    # is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# django-allauth: e-mail is the login; no usernames.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = True
# allauth's own rate limits (failed sign-ins, resets...) key on the client's real address.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Failed sign-ins: 5 per e-mail in 5 minutes (allauth's default, against guessing one account
# from many addresses); per address a second line above django-axes' limit, so that a
# locked-out address always gets axes' page.
# While Redis is down these sign-in limits stand aside (accounts.throttling): allauth could not
# count them and would refuse every sign-in; django-axes still counts failures in the database.
ACCOUNT_RATE_LIMITS = SignInRates({"login_failed": "30/m/ip,5/300s/key"})
LOGIN_REDIRECT_URL = "accounts:profile"

# django-axes: failed sign-ins on /admin/login/ and /accounts/login/ lock out the client's real
# address (through TRUSTED_PROXIES: never the proxy, which every shopper shares) and that
# address with the e-mail tried, for a while.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"], "ip_address"]
AXES_CLIENT_IP_CALLABLE = "personalization.resolvers.network.client_address"
AXES_USERNAME_CALLABLE = "accounts.lockout.login_username"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Successful sign-ins are not logged: we would keep every shopper's address for nothing.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no banner on every manage.py command
LOGIN_URL = "account_login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Shop content (product, category and store names, offers, slot texts, questions) keeps one
# column per language (name_en, name_ja); an empty translation falls back to English.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# Content created in code with `name=` alone also fills the English column.
MODELTRANSLATION_AUTO_POPULATE = "default"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads larger than this are refused before Pillow ever sees them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Storefront <shop@example.com>")
# Order e-mails (shop.orders.services): a mail server that hangs costs a try EMAIL_TIMEOUT
# seconds, not a worker. Each e-mail is tried on its own; a temporary failure (no connection,
# a timeout, an SMTP 4xx answer) is tried again after 5, 10, 20, ... minutes, at most
# SHOP_EMAIL_MAX_ATTEMPTS times in all (8: about ten and a half hours); a 5xx refusal fails at
# once. Failed e-mails are shown on the order in the admin, which can retry them.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
SHOP_EMAIL_MAX_ATTEMPTS = 8
SHOP_EMAIL_RETRY_DELAY = 300  # seconds before the second try; doubles after each
# Journeys (shop.journeys; see README "Journeys"): messages reach a customer from 09:00 until
# 20:00 their time, at most JOURNEYS_CAP_MESSAGES marketing messages in JOURNEYS_CAP_HOURS.
JOURNEYS_DAYTIME = (9, 20)
JOURNEYS_CAP_MESSAGES = 1
JOURNEYS_CAP_HOURS = 24
JOURNEYS_TRIGGER_DAYS = 3  # how far back a sweep looks for triggers
JOURNEYS_BASKET_IDLE_HOURS = 4  # a basket untouched this long counts as left
JOURNEYS_EMAIL_LEASE_MINUTES = 15  # an e-mail "being sent" longer than this was perhaps sent
JOURNEYS_BATCH = 500  # messages and e-mails per sweep
# `manage.py demo_clock` moves journeys' time ahead; it rewrites order timelines: never live.
JOURNEYS_DEMO_CLOCK = env_bool("JOURNEYS_DEMO_CLOCK", DEBUG)

# Celery: without a broker, tasks run in process (the laptop default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# A broker outage must cost a request a second at most: the order is already saved, and
# orders.tasks.send_pending_order_emails retries whatever could not be queued.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
# A hung broker (it accepts connections, never answers) is cut off like the cache (see
# REDIS_TIMEOUT above): without a read timeout, queuing on commit would wait forever.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_TIMEOUT,
    "socket_timeout": REDIS_TIMEOUT,
}
CELERY_BEAT_SCHEDULE = {
    "send-pending-order-emails": {
        "task": "shop.orders.tasks.send_pending_order_emails",
        "schedule": 300.0,
    },
    "send-pending-support-emails": {
        "task": "shop.support.tasks.send_pending_support_emails",
        "schedule": 60.0,
    },
    "purge-ended-vouchers": {
        "task": "shop.offers.tasks.purge_vouchers",
        "schedule": crontab(hour=3, minute=45),
    },
    # Settles payments a lost connection or a provider timeout left unfinished.
    "reconcile-payments": {
        "task": "shop.checkout.tasks.payments_reconcile",
        "schedule": 300.0,
    },
    # Recommendations: bought together, and what sells where in which season.
    "rebuild-recommendations": {
        "task": "shop.orders.tasks.rebuild_recommendations",
        "schedule": crontab(hour=3, minute=15),
    },
    # Experiment events wait in Redis (or memory) until this writes them in batches.
    "experiments-drain-events": {
        "task": "personalization.experiments.tasks.drain_events",
        "schedule": 5.0,
        "options": {"expires": 5.0},
    },
    "experiments-purge-events": {
        "task": "personalization.experiments.tasks.purge_events",
        "schedule": crontab(hour=4, minute=45),
    },
    # Lifecycle journeys: start runs, schedule and deliver due steps, send their e-mails.
    "journeys-run": {
        "task": "shop.journeys.tasks.journeys_run",
        "schedule": 300.0,
        "options": {"expires": 300.0},
    },
    # Housekeeping: expired sessions and anonymous baskets nobody can come back to.
    "purge-abandoned-baskets": {
        "task": "shop.basket.tasks.purge_abandoned_baskets",
        "schedule": crontab(hour=4, minute=30),
    },
}

# Kernel: per-process snapshots keep their versions in personalization's table (kernel/snapshot.py).
KERNEL_SNAPSHOT_VERSION_MODEL = "personalization.SnapshotVersion"
# Seconds a process reuses the editor data's versions for its next requests: a change made in
# another process shows that much later at most, and pages skip a Redis round trip (README).
KERNEL_SNAPSHOT_VERSIONS_SECONDS = float(os.environ.get("SNAPSHOT_VERSIONS_SECONDS", "0.5"))

# Personalization (see personalization/conf.py for every knob and its default)
PERSONALIZATION_TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
PERSONALIZATION_GEOIP_PATH = os.environ.get("GEOIP_PATH", "")
PERSONALIZATION_DEFAULT_COUNTRY = os.environ.get("DEFAULT_COUNTRY", "JP")
if os.environ.get("GEO_HEADER"):
    # One CDN's country header by name, e.g. GEO_HEADER=X-Country-Code.
    PERSONALIZATION_GEO_HEADERS = {"country": os.environ["GEO_HEADER"]}
PERSONALIZATION_RESOLVERS = [
    *DEFAULT_RESOLVERS,
    "shop.orders.resolvers.OrderHistoryResolver",
    # Last: an experiment limited to a segment tests every other fact.
    "personalization.experiments.resolvers.ExperimentResolver",
]
# The next best action (README, "The next best action"): the shop's providers and the state
# they share, loaded once per request.
PERSONALIZATION_ACTION_PROVIDERS = [
    "shop.lifecycle.providers.early_morning",
    "shop.lifecycle.providers.payment_failed",
    "shop.lifecycle.providers.payment_pending",
    "shop.lifecycle.providers.order_arriving",
    "shop.lifecycle.providers.running_low",
    "shop.lifecycle.providers.basket_waiting",
    "shop.lifecycle.providers.care_guide",
    "shop.lifecycle.providers.review_request",
    "shop.lifecycle.providers.season_ahead",
    "shop.journeys.actions.newest_unread_message",
]
PERSONALIZATION_ACTION_STATE = {
    "orders": "shop.lifecycle.state.orders_recent",
    "basket": "shop.lifecycle.state.basket_current",
    "reviewed": "shop.lifecycle.state.products_reviewed",
    "message": "shop.journeys.actions.unread_message",
}
# Blocks a slot's variant may show (personalization/blocks.py): the recommendations.
PERSONALIZATION_BLOCKS = {
    key: f"shop.recommendations.blocks.{name}"
    for key, name in {
        "bought-together": "BOUGHT_TOGETHER",
        "goes-well-with": "GOES_WELL_WITH",
        "because-you-bought": "BECAUSE_YOU_BOUGHT",
        "for-your-pet": "FOR_YOUR_PET",
        "recently-viewed": "RECENTLY_VIEWED",
        "continue": "CONTINUE",
        "popular-near-you": "POPULAR_NEAR_YOU",
    }.items()
}
# Share of visitors (with analytics consent) who see defaults everywhere, to measure what
# personalization adds (README, "Experiments").
# Kept as given: a value that is not a number is refused by a start-up check (E005).
PERSONALIZATION_HOLDOUT_PERCENT = os.environ.get("HOLDOUT_PERCENT", "0")
# Pages' experiment exposures wait half a second in the worker and go to Redis together (one
# round trip per worker and half second, instead of one per page: a tenth of a cached page).
PERSONALIZATION_EXPERIMENT_EXPOSURE_HOLD_SECONDS = float(
    os.environ.get("EXPOSURE_HOLD_SECONDS", "0.5" if REDIS_URL else "0")
)

# The decision cache of anonymous pages (shop/pagecache.py): on unless PAGECACHE_ENABLED=0.
PAGECACHE_ENABLED = env_bool("PAGECACHE_ENABLED", True)
# Its answers of pure decisions, kept in each process for every visitor with the same facts.
PERSONALIZATION_SHARED_ANSWERS = 20_000 if PAGECACHE_ENABLED else 0

# Shop
SHOP_CURRENCY = "JPY"
# The thank-you voucher for answering two profile questions (shop.offers.receivers).
SHOP_PROFILE_REWARD = {"percent": 10, "days": 30}
SHOP_SUPPORT_HOURS = {
    "opens": "09:00",
    "closes": "18:00",
    "time_zone": "Asia/Tokyo",
    "city": "Tokyo",
    # Public holidays the team takes off (the holidays library's country code; "" for none).
    "holidays": "JP",
}
# Customer support (shop.support): the promised first answer comes this long into a shift;
# a reply not seen on the page is e-mailed after SHOP_SUPPORT_EMAIL_DELAY seconds; a guest's
# link works this many days; shoppers may start and write so often per client address.
SHOP_SUPPORT_RESPONSE_MINUTES = 60
SHOP_SUPPORT_EMAIL_DELAY = 120
SHOP_SUPPORT_LINK_DAYS = 30
SHOP_SUPPORT_POLL_SECONDS = 5
# How long an open page trusts the cached version of its conversation before asking the
# database (bounds how long a change that could not reach a hung Redis stays unseen).
SHOP_SUPPORT_VERSION_MAX_AGE = 60
SHOP_SUPPORT_RATES = {"start": "5/h", "message": "30/h"}
# Days from order to delivery by shipping method, for the {delivery_estimate} placeholder.
SHOP_SUPPORT_DELIVERY_DAYS = {"standard": 3, "express": 1}
# The shop's name as shoppers know it: in e-mail greetings and subjects ("[Storefront] …").
SHOP_NAME = os.environ.get("SHOP_NAME", "Storefront")
# The public address, for links in e-mails (sent from workers, which have no request).
SHOP_SITE_URL = os.environ.get("SHOP_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SHOP_PAYMENT_PROVIDER = os.environ.get(
    "SHOP_PAYMENT_PROVIDER", "shop.checkout.payments.TestCardProvider"
)
# Failed guest order look-ups (/orders/find/) allowed per client address and per order number
# (django-ratelimit rates); they are counted in the shared cache.
SHOP_ORDER_LOOKUP_LIMITS = {"address": "10/15m", "number": "5/h"}
SHOP_IMAGE_MAX_BYTES = 8 * 1024 * 1024
SHOP_IMAGE_MAX_PIXELS = 40_000_000
SHOP_IMAGE_RENDITION_WIDTHS = (320, 640, 1024)

# Production hardening: on whenever DEBUG is off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Security headers and proxies (README "Security headers and proxies").
# X-Forwarded-Proto counts only from TRUSTED_PROXIES: personalization's
# ForwardedProtoMiddleware (first in MIDDLEWARE) drops it from anyone else, so a client
# cannot pass for https.
# Content-Security-Policy (django-csp): our own files only; the one script tag (htmx, through
# {% htmx_script %}) carries the request's nonce; no inline styles (htmx is told not to inject
# its indicator style). The admin alone also allows inline styles (shop.headers.ShopCSPMiddleware
# explains why); never inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Permissions-Policy (django-permissions-policy): nothing the shop does not use; payment only
# for our own pages (a provider's hosted card fields would need its origin added here).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "interest-cohort": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": ["self"],
    "usb": [],
}
# The language cookie: like the session's, https-only in production, never read by scripts.
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
