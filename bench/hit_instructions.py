"""Instructions per request of a page from the decision cache, counted by valgrind's callgrind.

Seconds on a shared machine vary by half from one hour to the next; instructions do not. This
counts what serving a page from the decision cache costs in the shop's own process (Django,
middleware, the decisions asked again, the page sent), without gunicorn and wrk: the number to
compare before and after a change to the hit path.

The data, settings and visitor mix of `bench/pagecache.py`, in a database of its own
(`hit_instructions`, Redis database 12), prepared afresh: the page is first served to `COUNT`
visitors of the mix (stored pages, recipes and shared answers warm), then to each of them
twice more, the second time with callgrind counting, only then: warm hits. Prints the hits
among the counted requests (a miss costs many hits' worth) and instructions per request.

    .venv/bin/python bench/hit_instructions.py [PATH] [COUNT]   # defaults: / 300

Needs valgrind (Debian's package); about 10 minutes for 300.
"""

from __future__ import annotations

import functools
import io
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import pagecache  # noqa: E402  (the load test's database, settings and visitors)

pagecache.SECRET_KEY = "hit-instructions-" + "0" * 40  # the mix's cookies are signed with it
# Its own database and Redis database: it may run beside the load test.
pagecache.DATABASE = "hit_instructions"
pagecache.REDIS_DB = "12"


def environ(visitor: dict, path: str) -> dict:
    """The WSGI environment of this visitor's request, as wrk sends it in the load test."""
    query = "utm_campaign=spring" if visitor["campaign"] and path == "/" else ""
    found = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": str(pagecache.PORT),
        "HTTP_HOST": f"127.0.0.1:{pagecache.PORT}", "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }  # fmt: skip
    for name, value in visitor["headers"].items():
        found["HTTP_" + name.upper().replace("-", "_")] = value
    if visitor["cookie"]:
        found["HTTP_COOKIE"] = visitor["cookie"]
    return found


def served(path: str, count: int, mix_file: str) -> None:
    """Inside valgrind: serve the page to `count` visitors, then again while counted."""
    from shop.wsgi import application  # what gunicorn serves

    mix = json.loads(Path(mix_file).read_text())[:count]

    def one(hits: int, visitor: dict) -> int:
        response = application(environ(visitor, path), lambda status, headers: None)
        b"".join(response)
        response.close()
        return hits + (response.get("X-Page-Cache") == "hit")

    for visitor in mix:  # the pages stored, the recipes and shared answers warm: not counted
        one(0, visitor)
    hits = 0
    for visitor in mix:
        # Each visitor's page served once more uncounted, then counted: callgrind collects
        # inside functools.reduce only (--toggle-collect), which nothing on the way of a
        # request calls. The counted request finds what a minute's turn, or a recipe moved
        # out by another, would otherwise make a miss: this counts hits, warm.
        one(0, visitor)
        hits = functools.reduce(one, [visitor], hits)
    print("hits", hits, "of", len(mix), flush=True)


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "/"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    workdir = tempfile.mkdtemp(prefix="hit-instructions-")
    env = pagecache.environment(cached=True, workdir=workdir)
    pagecache.prepare(env)
    mix_file = f"{workdir}/mix.json"
    Path(mix_file).write_text(json.dumps(pagecache.visitors(env)[:count]))
    out = f"{workdir}/callgrind.out"
    command = ["valgrind", "--tool=callgrind", "--collect-atstart=no",
               "--toggle-collect=functools_reduce", f"--callgrind-out-file={out}",
               sys.executable, __file__, "--inner", path, str(count), mix_file]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, env={**env, "PYTHONHASHSEED": "0"},
                            check=True, capture_output=True, text=True)  # fmt: skip
    print(result.stdout.strip())
    total = int(re.search(r"^(?:summary|totals): (\d+)", Path(out).read_text(), re.M)[1])
    print(f"{path}: {total / count:,.0f} instructions per request")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--inner"]:
        served(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        main()
