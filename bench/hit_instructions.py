"""Instructions per request of a page from the decision cache, counted by valgrind's callgrind.

Seconds on a shared machine vary by half from one hour to the next; instructions do not. This
counts what serving a page from the decision cache costs in the shop's own process (the WSGI
application gunicorn serves: Django, middleware, the decisions asked again, the page sent),
without gunicorn and wrk: the number to compare before and after a change to the hit path.

The data, settings and visitor mix of `bench/pagecache.py`, in a database of its own
(`hit_instructions`, Redis database 12), prepared afresh: the page is first served to `COUNT`
visitors of the mix (stored pages, recipes and shared answers warm), then to each of them
twice more, the second time with callgrind counting, only then: warm hits. Each counted
request is a dump of its own; prints how many were hits and the instructions per hit (median,
mean, range). A miss (a minute's turn between a visitor's two requests, say) costs many hits'
worth and is left out of those figures.

    .venv/bin/python bench/hit_instructions.py [PATH] [COUNT]   # defaults: / 300

Needs valgrind (Debian's package); about 10 minutes for 300.
"""

from __future__ import annotations

import io
import json
import operator
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This tree's code, also where the virtualenv installs another one (editable).
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

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
        # inside operator.call only (--toggle-collect), which nothing else calls (a render
        # calls functools.reduce). The counted request finds what a minute's turn, or a recipe
        # moved out by another, would otherwise make a miss: this counts hits, warm.
        one(0, visitor)
        counted = operator.call(one, 0, visitor)
        hits += counted
        print("hit" if counted else "miss", flush=True)  # in the order of callgrind's dumps
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
    # One dump per counted request (leaving operator.call): hits and misses apart.
    command = ["valgrind", "--tool=callgrind", "--collect-atstart=no",
               "--toggle-collect=_operator_call", "--dump-after=_operator_call",
               f"--callgrind-out-file={out}",
               sys.executable, __file__, "--inner", path, str(count), mix_file]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, env={**env, "PYTHONHASHSEED": "0"},
                            check=True, capture_output=True, text=True)  # fmt: skip
    kinds = [line for line in result.stdout.split() if line in ("hit", "miss")]
    dumps = sorted(Path(workdir).glob("callgrind.out.*"), key=lambda p: int(p.suffix[1:]))
    counts = [
        int(re.search(r"^(?:summary|totals): (\d+)", dump.read_text(), re.M)[1]) for dump in dumps
    ]
    hits = sorted(n for n, kind in zip(counts, kinds, strict=True) if kind == "hit")
    print(f"{path}: {len(hits)} hits of {len(kinds)} counted requests")
    print(f"instructions per hit: median {statistics.median(hits):,.0f}, "
          f"mean {statistics.mean(hits):,.0f}, fewest {hits[0]:,}, most {hits[-1]:,}")  # fmt: skip
    misses = [n for n, kind in zip(counts, kinds, strict=True) if kind == "miss"]
    if misses:
        print(f"instructions per miss (left out): median {statistics.median(misses):,.0f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--inner"]:
        served(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        main()
