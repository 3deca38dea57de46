"""Django for a benchmark: a throw-away SQLite database (unless DATABASE_URL is set), media in
a temporary folder, DEBUG settings, pages rendered for every request. Import this before
anything that touches Django."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    os.environ.setdefault("DEBUG", "1")
    # In process we measure what a render costs (the same visitor asks again and again): no
    # page from the decision cache, no shared answer. bench/pagecache.py measures the cache.
    os.environ.setdefault("PAGECACHE_ENABLED", "0")
    workdir = tempfile.mkdtemp(prefix="storefront-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("MEDIA_ROOT", f"{workdir}/media")

    import django

    django.setup()
