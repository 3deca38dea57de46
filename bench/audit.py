"""`make audit`: Lighthouse (mobile) and axe-core on the pages shoppers see most.

Serves the demo shop (the developer database that `make demo` fills) on a spare port, then for
home, a category, a product and a basket with something in it:
- Lighthouse's performance, accessibility, best-practices and SEO scores (median of three
  runs), with its default
  mobile profile (a mid-range phone on a throttled connection), driving Debian's Chromium;
- axe-core's violations at 360×800, by impact.

Fails (exit 1) when a score is under 95 or axe finds a serious or critical violation. Needs
Node.js and the packages in bench/audit/package.json (`npm ci` there; the make target runs it).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "bench" / "audit" / "node_modules"
PORT = int(os.environ.get("AUDIT_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
MINIMUM = 0.95
PHONE = {"width": 360, "height": 800}


def pages() -> dict[str, str]:
    """The audited paths, from the demo data."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    import django

    django.setup()
    from shop.catalog.models import Category, Product

    category = Category.objects.filter(parent__isnull=False).order_by("pk").first()
    product = Product.objects.filter(is_active=True, stock__gt=0).order_by("pk").first()
    if category is None or product is None:
        sys.exit("No demo data: run `make demo` first.")
    return {
        "home": "/",
        "category": category.get_absolute_url(),
        "product": product.get_absolute_url(),
        "basket": "/basket/",
    }


def serve() -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{PORT}", "--noreload"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{BASE}/healthz/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("The shop did not start.")


def basket_cookie(browser, product_path: str) -> str:
    """A session with one product in the basket, as a shopper gets it: through the page."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(BASE + product_path)
    page.get_by_role("button", name="Essential only").click()
    page.locator("form[action='/basket/add/'] button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
    context.close()
    return cookies


def lighthouse(path: str, cookie: str | None, runs: int = 3) -> dict[str, float]:
    """The median score of `runs` runs: one run's performance varies with what else the
    machine is doing (Lighthouse's own advice is to take the median of several)."""
    results = [_lighthouse_once(path, cookie) for _ in range(runs)]
    return {name: statistics.median(r[name] for r in results) for name in CATEGORIES}


def _lighthouse_once(path: str, cookie: str | None) -> dict[str, float]:
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        command = [
            str(NODE_MODULES / ".bin" / "lighthouse"),
            BASE + path,
            "--quiet",
            "--output=json",
            f"--output-path={report.name}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={' '.join(FLAGS)}",
        ]
        if cookie:
            command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
        for _attempt in range(3):
            # Under load Lighthouse sometimes loses its trace ("NO_NAVSTART"): run it again.
            done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM})
            if done.returncode == 0:
                break
        done.check_returncode()
        result = json.loads(Path(report.name).read_text())
    return {name: result["categories"][name]["score"] for name in CATEGORIES}


def axe(browser, path: str, cookie: str | None) -> dict[str, list[str]]:
    """axe-core's violations by impact ("serious": ["color-contrast", …])."""
    # The shop's Content-Security-Policy would refuse the injected script; only the audit's
    # own browser context bypasses it.
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    if cookie:
        context.add_cookies(
            [
                {"name": name, "value": value, "url": BASE}
                for name, value in (pair.split("=", 1) for pair in cookie.split("; "))
            ]
        )
    page = context.new_page()
    page.goto(BASE + path)
    page.add_script_tag(path=str(NODE_MODULES / "axe-core" / "axe.min.js"))
    violations = page.evaluate("async () => (await axe.run()).violations")
    context.close()
    found: dict[str, list[str]] = {}
    for violation in violations:
        found.setdefault(violation["impact"], []).append(violation["id"])
    return found


def main() -> int:
    paths = pages()
    server = serve()
    failed = False
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            cookie = basket_cookie(browser, paths["product"])
            print(f"{'page':10} " + " ".join(f"{c:>15}" for c in CATEGORIES) + "  axe")
            for name, path in paths.items():
                jar = cookie if name == "basket" else None
                scores = lighthouse(path, jar)
                problems = axe(browser, path, jar)
                serious = problems.get("serious", []) + problems.get("critical", [])
                failed |= any(score < MINIMUM for score in scores.values()) or bool(serious)
                cells = " ".join(f"{round(scores[c] * 100):>15}" for c in CATEGORIES)
                print(f"{name:10} {cells}  {', '.join(serious) or 'no serious or critical'}")
                for impact in ("moderate", "minor"):
                    if problems.get(impact):
                        print(f"{'':10} axe {impact}: {', '.join(problems[impact])}")
            browser.close()
    finally:
        server.terminate()
        server.wait()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
