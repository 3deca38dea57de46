"""What an operator's environment variables make of the database settings.

Each case starts a fresh Python, as a deploy does: settings are read once, at start-up.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import django; django.setup(); from django.conf import settings; "
    "db = settings.DATABASES['default']; "
    "print(db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'], db.get('OPTIONS', {}).get('pool'))"
)


def start(**env: str) -> subprocess.CompletedProcess:
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "CONN_"))
    }
    environ.update(DEBUG="1", DJANGO_SETTINGS_MODULE="shop.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=environ, capture_output=True, text=True
    )


def test_persistent_connections_are_health_checked():
    shown = start(DATABASE_URL="postgres://shop@db.internal:5432/shop", CONN_MAX_AGE="60")
    assert shown.stdout.split() == ["60", "True", "None"]


def test_database_pool_turns_on_psycopgs_pool_with_its_sizes():
    shown = start(
        DATABASE_URL="postgres://shop@db.internal:5432/shop",
        DATABASE_POOL="1",
        DATABASE_POOL_MIN_SIZE="1",
        DATABASE_POOL_MAX_SIZE="8",
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == "0 True {'min_size': 1, 'max_size': 8, 'timeout': 10}"


def test_database_pool_with_conn_max_age_refuses_to_start():
    shown = start(
        DATABASE_URL="postgres://shop@db.internal:5432/shop", DATABASE_POOL="1", CONN_MAX_AGE="60"
    )
    assert shown.returncode != 0
    assert "DATABASE_POOL and CONN_MAX_AGE exclude each other" in shown.stderr


def test_database_pool_on_sqlite_refuses_to_start():
    shown = start(DATABASE_URL="sqlite:///shop.sqlite3", DATABASE_POOL="1")
    assert shown.returncode != 0
    assert "DATABASE_POOL needs PostgreSQL" in shown.stderr
