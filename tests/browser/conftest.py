"""Browser tests: Playwright driving Debian's Chromium against Django's live server."""

from __future__ import annotations

import os
from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from playwright.sync_api import Browser, BrowserContext, Page, expect

from kernel.snapshot import snapshots_declared

# Playwright's sync API runs an event loop in this thread; Django's ORM must be allowed here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
# An htmx round trip on a 2-core machine running the rest of the suite can take longer than
# Playwright's default 5 s; a real failure still fails, only later.
expect.set_options(timeout=15_000)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def viewport(request):
    return request.param


# Rows that data migrations create (staff groups and their permissions, the shop's slots).
DATA_MIGRATIONS = [
    ("accounts.migrations.0002_staff_groups", "create_groups"),
    ("accounts.migrations.0003_merchandisers_region_sets", "grant"),
    ("accounts.migrations.0004_editors_content", "grant"),
    ("accounts.migrations.0005_merchandisers_offers", "grant"),
    ("accounts.migrations.0006_editors_questions", "grant"),
    ("shop.support.migrations.0002_support_group", "grant"),
    ("personalization.migrations.0003_default_slots", "create"),
]


@pytest.fixture(autouse=True)
def migrated_data(transactional_db):
    """Browser tests run against a live server, so each ends with a flush that also empties what
    the data migrations made. Run those (idempotent) functions again on the migrated models, and
    let every cached snapshot reload, so each test starts from a freshly migrated shop."""
    state_apps = MigrationLoader(connection).project_state().apps
    for module, function in DATA_MIGRATIONS:
        getattr(import_module(module), function)(state_apps, None)
    for declared in snapshots_declared():
        declared.bump()


# Every page any browser test opens reports what the Content-Security-Policy refused: the
# browser's own "securitypolicyviolation" event, relayed to the console, and Chromium's console
# message for it. A test that saw one fails, whatever it was testing.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.location.href}:${event.lineNumber}`);
});
"""


def csp_messages_collect(context: BrowserContext, into: list[str]) -> None:
    context.add_init_script(CSP_LISTENER)

    def collect(message) -> None:
        text = message.text
        if text.startswith("CSP violation") or "Content Security Policy" in text:
            into.append(f"{message.page.url if message.page else ''}: {text}")

    context.on("console", collect)


@pytest.fixture(autouse=True)
def csp_violations(monkeypatch) -> list[str]:
    """What the Content-Security-Policy refused on any page of this test's browser contexts."""
    violations: list[str] = []
    new_context = Browser.new_context

    def new_context_watched(self, *args, **kwargs) -> BrowserContext:
        context = new_context(self, *args, **kwargs)
        csp_messages_collect(context, violations)
        return context

    monkeypatch.setattr(Browser, "new_context", new_context_watched)
    yield violations
    assert violations == [], "the Content-Security-Policy refused something"


def no_sideways_scrolling(page: Page) -> bool:
    """Nothing on the page is wider than the screen (a phone would scroll sideways)."""
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
