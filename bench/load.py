"""Load test: the shop under gunicorn on PostgreSQL + Redis, driven by wrk on loopback.

Home, a category, a product, a basket and the checkout page (with a shopper's session holding a
basket), side by side with the liveness probe (`/healthz/`, a trivial Django view on the same
server), at 8 and 32 connections. Prints requests per second, p50 and p99 latency and errors as
a Markdown table. Bounded: 10 seconds per run, loopback only; it creates and drops its own
database (`storefront_load`) and uses Redis database 15.

Run with `make load` (installs wrk from Debian when missing). Needs PostgreSQL and Redis as in
`.ci/run`; `LOAD_SECONDS`, `LOAD_WORKERS` change the run length and gunicorn's worker count.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE = "storefront_load"
SECONDS = int(os.environ.get("LOAD_SECONDS", "10"))
WORKERS = os.environ.get("LOAD_WORKERS", "4")
CONNECTIONS = (8, 32)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(port: int) -> dict[str, str]:
    workdir = tempfile.mkdtemp(prefix="storefront-load-")
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "load-test-" + os.urandom(24).hex(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "CONN_MAX_AGE": "60",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "CELERY_BROKER_URL": "",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback; production sits behind TLS
        "MEDIA_ROOT": f"{workdir}/media",
        "SHOP_SITE_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def prepare(env: dict[str, str]) -> None:
    admin = {**env, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres"}
    for sql in (f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)", f"CREATE DATABASE {DATABASE}"):
        subprocess.run(["psql", admin["DATABASE_URL"], "-qc", sql], check=True)
    subprocess.run(["redis-cli", "-n", "15", "flushdb"], check=True, capture_output=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "load_demo", "--no-images")


def shopper_cookie(base: str) -> str:
    """A shopper's session with three products in the basket, made through the real pages."""
    # Production cookies are Secure; this loopback run speaks plain HTTP, so send them anyway.
    jar = http.cookiejar.CookieJar(
        http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))
    )
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/products/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    for product in re.findall(r'name="product" value="(\d+)"', page)[:3]:
        body = f"csrfmiddlewaretoken={token}&product={product}&quantity=1".encode()
        request = urllib.request.Request(f"{base}/basket/add/", data=body)
        request.add_header("Referer", f"{base}/products/")
        opener.open(request)
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def wrk(url: str, connections: int, cookie: str) -> dict[str, str]:
    command = ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{SECONDS}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    failed = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = int(failed[1]) if failed else 0
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": re.search(r"Requests/sec:\s+(\S+)", out)[1],
        "p50": latency.get("50", "?"),
        "p99": latency.get("99", "?"),
        "errors": str(errors) + (f" ({socket_errors[1]})" if socket_errors else ""),
    }


def main() -> None:
    port = free_port()
    env = environment(port)
    prepare(env)
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "shop.wsgi", "-b", f"127.0.0.1:{port}", "-w", WORKERS,
         "--access-logfile", "-" if os.environ.get("LOAD_ACCESS_LOG") else "/dev/null"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz/")
                break
            except OSError:
                time.sleep(0.1)
        product = re.search(r'href="(/p/[^"]+/)"', urllib.request.urlopen(base).read().decode())[1]
        category = re.search(r'href="(/c/[^"]+/)"', urllib.request.urlopen(base).read().decode())[1]
        cookie = shopper_cookie(base)
        pages = [
            ("trivial view (/healthz/)", "/healthz/", ""),
            ("home", "/", ""),
            ("category", category, ""),
            ("product", product, ""),
            ("basket", "/basket/", cookie),
            ("checkout page", "/checkout/", cookie),
        ]
        print(f"gunicorn, {WORKERS} sync workers, PostgreSQL + Redis, wrk {SECONDS} s per run\n")
        print("| page | connections | req/s | p50 | p99 | errors |")
        print("| --- | --- | --- | --- | --- | --- |")
        for name, path, session in pages:
            for connections in CONNECTIONS:
                for _ in range(20):  # warm every worker's snapshots
                    urllib.request.urlopen(urllib.request.Request(
                        base + path, headers={"Cookie": session} if session else {}))  # fmt: skip
                r = wrk(base + path, connections, session)
                print(f"| {name} | {connections} | {r['rps']} | {r['p50']} | {r['p99']} "
                      f"| {r['errors']} |", flush=True)  # fmt: skip
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
