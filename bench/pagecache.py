"""Load test of the decision cache: home, a category and a product under gunicorn on PostgreSQL +
Redis, driven by wrk on loopback with 10,000 distinct visitors.

For each page, at 8 and 32 connections, in one run on the same server settings:

(a) the trivial view (`/healthz/`), the ceiling of Django and our middleware;
(b) our pages rendered for every request (`PAGECACHE_ENABLED=0`), with the visitor mix;
(c) our pages with the decision cache, with the visitor mix: first one run from an empty cache
    (printed as "from empty", what a deploy costs), then the measured runs.

The visitor mix is a wrk Lua script that rotates 10,000 visitors, each with its own headers and
cookies as a CDN and a browser would send them: place from CloudFront's headers (about 60
Japanese cities with their coordinates, a few abroad; the load balancer is trusted), device
from the User-Agent (phones, desktops, tablets, search engines), Accept-Language (mostly
Japanese), consent (none yet, essential only, all), a visit history for those who allowed it,
and for returning browsers a visitor id, the experiment arms the shop gave them with it and
the CSRF cookie the shop set on their first page (new browsers are given all three),
some arriving from the spring campaign. The cookies are signed by the shop's own code with the
server's key. Prints req/s, p50/p99 and errors as a Markdown table, then the cache's hit rate
over the mix and the Redis memory per stored page.

Bounded: `PAGECACHE_SECONDS` (default 10) per wrk run (a request waits up to 10 s before wrk
counts it as a timeout), `PAGECACHE_WARM_SECONDS` (default the same) for the run from an empty
cache: on a slow machine it serves too few of the 10,000 visitors in 10 s for the measured runs
to find the cache as a shop that has been open a while has it; its own PostgreSQL database
(`pagecache_load`), Redis database 13, port 8150. Run with
`.venv/bin/python bench/pagecache.py` (needs wrk: `make load` installs it).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE = "pagecache_load"
REDIS_DB = "13"
PORT = int(os.environ.get("PAGECACHE_PORT", "8150"))
SECONDS = int(os.environ.get("PAGECACHE_SECONDS", "10"))
WARM_SECONDS = int(os.environ.get("PAGECACHE_WARM_SECONDS", str(SECONDS)))
WORKERS = os.environ.get("PAGECACHE_WORKERS", "2")
VISITORS = 10_000
CONNECTIONS = (8, 32)
SECRET_KEY = "pagecache-load-" + os.urandom(24).hex()

# (city, ISO region, latitude, longitude, weight): where Japanese shoppers are, roughly.
CITIES = [
    ("Tokyo", "JP-13", 35.68, 139.69, 14), ("Yokohama", "JP-14", 35.44, 139.64, 6),
    ("Kawasaki", "JP-14", 35.53, 139.70, 2), ("Saitama", "JP-11", 35.86, 139.65, 4),
    ("Chiba", "JP-12", 35.61, 140.12, 4), ("Osaka", "JP-27", 34.69, 135.50, 8),
    ("Sakai", "JP-27", 34.57, 135.48, 1), ("Kobe", "JP-28", 34.69, 135.20, 3),
    ("Himeji", "JP-28", 34.82, 134.69, 1), ("Kyoto", "JP-26", 35.01, 135.77, 3),
    ("Nara", "JP-29", 34.69, 135.80, 1), ("Nagoya", "JP-23", 35.18, 136.91, 6),
    ("Shizuoka", "JP-22", 34.98, 138.38, 2), ("Hamamatsu", "JP-22", 34.71, 137.73, 1),
    ("Sapporo", "JP-01", 43.06, 141.35, 4), ("Asahikawa", "JP-01", 43.77, 142.37, 1),
    ("Hakodate", "JP-01", 41.77, 140.73, 1), ("Sendai", "JP-04", 38.27, 140.87, 2),
    ("Aomori", "JP-02", 40.82, 140.74, 1), ("Morioka", "JP-03", 39.70, 141.15, 1),
    ("Akita", "JP-05", 39.72, 140.10, 1), ("Yamagata", "JP-06", 38.24, 140.36, 1),
    ("Fukushima", "JP-07", 37.75, 140.47, 1), ("Mito", "JP-08", 36.37, 140.47, 1),
    ("Utsunomiya", "JP-09", 36.56, 139.88, 1), ("Maebashi", "JP-10", 36.39, 139.06, 1),
    ("Niigata", "JP-15", 37.92, 139.04, 2), ("Toyama", "JP-16", 36.70, 137.21, 1),
    ("Kanazawa", "JP-17", 36.56, 136.66, 1), ("Fukui", "JP-18", 36.06, 136.22, 1),
    ("Kofu", "JP-19", 35.66, 138.57, 1), ("Nagano", "JP-20", 36.65, 138.18, 1),
    ("Gifu", "JP-21", 35.42, 136.76, 1), ("Tsu", "JP-24", 34.73, 136.51, 1),
    ("Otsu", "JP-25", 35.00, 135.87, 1), ("Wakayama", "JP-30", 34.23, 135.17, 1),
    ("Tottori", "JP-31", 35.50, 134.24, 1), ("Matsue", "JP-32", 35.47, 133.05, 1),
    ("Okayama", "JP-33", 34.66, 133.93, 1), ("Hiroshima", "JP-34", 34.39, 132.46, 2),
    ("Yamaguchi", "JP-35", 34.19, 131.47, 1), ("Tokushima", "JP-36", 34.07, 134.55, 1),
    ("Takamatsu", "JP-37", 34.34, 134.05, 1), ("Matsuyama", "JP-38", 33.84, 132.77, 1),
    ("Kochi", "JP-39", 33.56, 133.53, 1), ("Fukuoka", "JP-40", 33.59, 130.40, 3),
    ("Kitakyushu", "JP-40", 33.88, 130.88, 1), ("Saga", "JP-41", 33.25, 130.30, 1),
    ("Nagasaki", "JP-42", 32.75, 129.88, 1), ("Kumamoto", "JP-43", 32.80, 130.71, 1),
    ("Oita", "JP-44", 33.24, 131.61, 1), ("Miyazaki", "JP-45", 31.91, 131.42, 1),
    ("Kagoshima", "JP-46", 31.60, 130.56, 1), ("Naha", "JP-47", 26.21, 127.68, 1),
    ("Ishigaki", "JP-47", 24.34, 124.16, 1),
]  # fmt: skip
ABROAD = [
    ("US", "CA", "Los Angeles", 34.05, -118.24, "America/Los_Angeles"),
    ("GB", "ENG", "London", 51.51, -0.13, "Europe/London"),
    ("AU", "NSW", "Sydney", -33.87, 151.21, "Australia/Sydney"),
]
AGENTS = [  # (User-Agent, weight)
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/17.4 Mobile/15E148 Safari/604.1", 40),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0 Mobile Safari/537.36", 25),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0 Safari/537.36", 18),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4 Safari/605.1.15", 8),
    ("Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4 Mobile/15E148 Safari/604.1", 4),
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", 5),
]  # fmt: skip

# Run inside the shop (its settings, its key) to sign the visitors' cookies with its own code.
SIGNER = r"""
import json, sys
import django
django.setup()
from django.conf import settings
from django.http import HttpResponse
from personalization.consent import consent_store
from personalization.history import SALT as HISTORY_SALT
from personalization.identity import SALT as ID_SALT
from personalization.conf import app_settings
from django.core import signing
from django.test import RequestFactory
from personalization.experiments.sticky import sticky_save
from personalization.visitor import resolve_visitor

def cookie(store):
    response = HttpResponse()
    store(response)
    return next((c.value for c in response.cookies.values()), None)

out = []
for v in json.load(sys.stdin):
    cookies = {}
    if v["consent"] is not None:
        cookies[app_settings.CONSENT_COOKIE] = cookie(
            lambda r: consent_store(r, purposes=set(v["consent"])))
    if v["visits"]:
        cookies[app_settings.HISTORY_COOKIE] = signing.dumps(
            {"visits": v["visits"], "first": v["first"], "last": v["last"]},
            salt=HISTORY_SALT, compress=True)
    if v["id"]:
        cookies[app_settings.VISITOR_ID_COOKIE] = signing.get_cookie_signer(
            salt=app_settings.VISITOR_ID_COOKIE + ID_SALT).sign(v["id"])
        cookies[settings.CSRF_COOKIE_NAME] = v["csrf"]
        # And the arms the shop gave it with its id, as the page that set the id did.
        request = RequestFactory().get("/", headers=v["headers"], REMOTE_ADDR="127.0.0.1")
        request.COOKIES.update(cookies)
        resolve_visitor(request=request)
        arms = cookie(lambda response: sticky_save(request, response))
        if arms:
            cookies[app_settings.EXPERIMENT_COOKIE] = arms
    v["cookie"] = "; ".join(f"{k}={c}" for k, c in cookies.items())
    out.append(v)
json.dump(out, sys.stdout)
"""


def environment(*, cached: bool, workdir: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "CONN_MAX_AGE": "60",
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "CELERY_BROKER_URL": "",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback; production sits behind TLS
        "MEDIA_ROOT": f"{workdir}/media",
        "SHOP_SITE_URL": f"http://127.0.0.1:{PORT}",
        "LOG_LEVEL": "WARNING",
        "TRUSTED_PROXIES": "127.0.0.1/32",  # wrk stands in for the CDN's edge
        "PAGECACHE_ENABLED": "1" if cached else "0",
    }


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def prepare(env: dict[str, str]) -> None:
    admin = "postgres://postgres@127.0.0.1:5432/postgres"
    for sql in (f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)", f"CREATE DATABASE {DATABASE}"):
        subprocess.run(["psql", admin, "-qc", sql], check=True)
    flush_redis()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "load_demo", "--no-images")


def flush_redis() -> None:
    subprocess.run(["redis-cli", "-n", REDIS_DB, "flushdb"], check=True, capture_output=True)


def visitors(env: dict[str, str]) -> list[dict]:
    """10,000 distinct visitors: their headers and signed cookies."""
    rng = random.Random(2026)
    now = time.time()
    found = []
    for number in range(VISITORS):
        headers = {}
        if rng.random() < 0.97:
            city, region, lat, lon, _weight = rng.choices(CITIES, [c[4] for c in CITIES])[0]
            country, zone = "JP", "Asia/Tokyo"
        else:
            country, region, city, lat, lon, zone = rng.choice(ABROAD)
        headers["CloudFront-Viewer-Country"] = country
        headers["CloudFront-Viewer-Country-Region"] = region.split("-")[-1]
        headers["CloudFront-Viewer-City"] = city
        headers["CloudFront-Viewer-Latitude"] = f"{lat:.2f}"
        headers["CloudFront-Viewer-Longitude"] = f"{lon:.2f}"
        headers["CloudFront-Viewer-Time-Zone"] = zone
        headers["User-Agent"] = rng.choices(AGENTS, [a[1] for a in AGENTS])[0][0]
        headers["Accept-Language"] = "ja,en;q=0.5" if rng.random() < 0.85 else "en-US,en;q=0.8"
        choices = [None, ("essential",), ("personalization", "analytics")]
        consent = rng.choices(choices, [4, 2, 4])[0]
        visits = rng.randint(1, 8) if consent and "personalization" in consent else 0
        last = now - rng.randint(3600, 86400 * 20)
        found.append({
            "headers": headers,
            "consent": consent,
            "visits": visits,
            "first": last - 86400 * 30,
            "last": last,
            # Returning browsers have their id (their arm); new ones get one on each request.
            "id": f"{number:06d}{rng.getrandbits(64):016x}" if rng.random() < 0.7 else "",
            # A CSRF secret's 32 letters and digits (apart from the mix's random draws).
            "csrf": hashlib.sha256(b"csrf%d" % number).hexdigest()[:32],
            "campaign": rng.random() < 0.05,
        })  # fmt: skip
    signed = subprocess.run(
        [PYTHON, "-c", SIGNER], cwd=ROOT, env=env, input=json.dumps(found),
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(signed)


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lua_script(mix: list[dict], path: str) -> str:
    """A wrk script: each request the next visitor (each thread starts elsewhere in the list);
    counts the X-Page-Cache answers."""
    rows = []
    for v in mix:
        headers = dict(v["headers"])
        if v["cookie"]:
            headers["Cookie"] = v["cookie"]
        target = path + ("?utm_campaign=spring" if v["campaign"] and path == "/" else "")
        fields = ", ".join(f"[{lua_string(k)}]={lua_string(h)}" for k, h in headers.items())
        rows.append(f"{{{lua_string(target)}, {{{fields}}}}}")
    return (
        "local visitors = {\n"
        + ",\n".join(rows)
        + "\n}\n"
        + """
local threads = {}
local counter = 0
hits, misses, other = 0, 0, 0  -- globals: done() reads them with thread:get
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  counter = id * 4999
end
function request()
  counter = counter + 1
  local v = visitors[(counter % #visitors) + 1]
  return wrk.format("GET", v[1], v[2])
end
function response(status, headers, body)
  local state = headers["X-Page-Cache"]
  if state == "hit" then hits = hits + 1 elseif state == "miss" then misses = misses + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local h, m, o = 0, 0, 0
  for _, t in ipairs(threads) do
    h = h + t:get("hits"); m = m + t:get("misses"); o = o + t:get("other")
  end
  io.write(string.format("PAGECACHE hits=%d misses=%d other=%d\\n", h, m, o))
end
"""
    )


def wrk(url: str, connections: int, script: str | None, seconds: int = SECONDS) -> dict[str, str]:
    command = ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{seconds}s", "--latency",
               "--timeout", "10s"]  # fmt: skip
    if script:
        command += ["-s", script]
    out = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    failed = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    counted = re.search(r"PAGECACHE hits=(\d+) misses=(\d+) other=(\d+)", out)
    return {
        "rps": re.search(r"Requests/sec:\s+(\S+)", out)[1],
        "p50": latency.get("50", "?"),
        "p99": latency.get("99", "?"),
        "errors": str(int(failed[1]) if failed else 0)
        + (f" ({socket_errors[1]})" if socket_errors else ""),
        "hits": counted.groups() if counted else None,
    }


class Server:
    def __init__(self, env: dict[str, str]) -> None:
        # As production runs it (README, "Production settings"): no access log, the proxy in front
        # keeps one; gunicorn then formats no line per request.
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "shop.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", WORKERS],
            cwd=ROOT, env=env,
        )  # fmt: skip
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz/")
                return
            except OSError:
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def memory_per_entry() -> tuple[int, float]:
    keys = subprocess.run(
        ["redis-cli", "-n", REDIS_DB, "--scan", "--pattern", "*pagecache:page:*"],
        check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    sizes = [
        int(subprocess.run(["redis-cli", "-n", REDIS_DB, "memory", "usage", key],
                           check=True, capture_output=True, text=True).stdout.strip() or 0)
        for key in keys[:200]
    ]  # fmt: skip
    return len(keys), (sum(sizes) / len(sizes) if sizes else 0.0)


def workers_resident(server: Server) -> list[float]:
    """Each gunicorn worker's resident memory in MiB (its held pages and answers included)."""
    out = subprocess.run(["ps", "-o", "rss=", "--ppid", str(server.process.pid)],
                         check=True, capture_output=True, text=True).stdout  # fmt: skip
    return [int(kib) / 1024 for kib in out.split()]


def main() -> None:
    base = f"http://127.0.0.1:{PORT}"
    workdir = tempfile.mkdtemp(prefix="pagecache-load-")  # one media folder for both servers
    uncached_env = environment(cached=False, workdir=workdir)
    cached_env = environment(cached=True, workdir=workdir)
    prepare(cached_env)
    mix = visitors(cached_env)
    home = urllib.request.urlopen
    server = Server(uncached_env)
    try:
        page = home(base).read().decode()
        category = re.search(r'href="(/c/[^"]+/)"', page)[1]
        product = re.search(r'href="(/p/[^"]+/)"', page)[1]
    finally:
        server.stop()
    pages = [("home", "/"), ("category", category), ("product", product)]
    scripts = {}
    for name, path in pages:
        scripts[name] = f"{tempfile.gettempdir()}/pagecache-visitors-{name}.lua"
        Path(scripts[name]).write_text(lua_script(mix, path))
    load = os.getloadavg()
    print(f"gunicorn, {WORKERS} sync workers, PostgreSQL + Redis, wrk {SECONDS} s per run "
          f"({WARM_SECONDS} s from empty); "
          f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n")  # fmt: skip
    print("| page | what | connections | req/s | p50 | p99 | errors | cache hit / miss |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    hits = misses = 0
    resident: dict[bool, list[float]] = {}
    for cached, env in ((False, uncached_env), (True, cached_env)):
        flush_redis()
        server = Server(env)
        try:
            if not cached:
                for connections in CONNECTIONS:
                    r = wrk(base + "/healthz/", connections, None)
                    print(f"| trivial view (/healthz/) | (a) | {connections} | {r['rps']} "
                          f"| {r['p50']} | {r['p99']} | {r['errors']} | |", flush=True)  # fmt: skip
            for name, path in pages:
                for _ in range(10):  # every worker's snapshots loaded
                    home(base + path).read()
                runs = [(c, "(b) uncached") for c in CONNECTIONS]
                if cached:
                    # First from an empty cache (what a deploy costs, not counted in the hit
                    # rate), then the measured runs against what the cache holds by then.
                    runs = [(32, "(c) from empty")]
                    runs += [(c, "(c) decision cache") for c in CONNECTIONS]
                for connections, what in runs:
                    seconds = WARM_SECONDS if what == "(c) from empty" else SECONDS
                    r = wrk(base + path, connections, scripts[name], seconds)
                    counted = ""
                    if cached and r["hits"]:
                        h, m, o = map(int, r["hits"])
                        if what != "(c) from empty":
                            hits, misses = hits + h, misses + m
                        counted = f"{h} / {m} ({100 * h / max(h + m, 1):.1f} % hits)"
                        counted += f", {o} not cacheable" if o else ""
                    print(f"| {name} | {what} | {connections} | {r['rps']} | {r['p50']} "
                          f"| {r['p99']} | {r['errors']} | {counted} |", flush=True)  # fmt: skip
        finally:
            resident[cached] = workers_resident(server)
            if cached:
                entries, size = memory_per_entry()
            server.stop()
    print(f"\nHit rate over the measured cached runs: {100 * hits / max(hits + misses, 1):.1f} % "
          f"({hits} hits, {misses} misses); {entries} pages stored, "
          f"{size / 1024:.1f} KiB of Redis memory per page (MEMORY USAGE, sampled).")  # fmt: skip
    for cached, what in ((False, "uncached"), (True, "cached")):
        print(f"Resident memory of the {what} server's workers after its runs: "
              + ", ".join(f"{mib:.0f} MiB" for mib in resident[cached]))  # fmt: skip
    load = os.getloadavg()
    print(f"Load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
