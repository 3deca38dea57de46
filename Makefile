# Storefront: `make run` serves the shop with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DEBUG ?= 1

.PHONY: run test install migrate messages demo lint format bench load worker clean chromium audit

# Exactly the versions in uv.lock, on every machine. uv itself comes from PyPI at the version
# the lock pins (read from uv.lock), into .venv; it uses the system's Python, never downloads one.
# --locked stops with "run uv lock" when pyproject.toml changed without the lock.
UV_VERSION := $(shell sed -n '/^name = "uv"$$/{n;s/^version = "\(.*\)"$$/\1/p;}' uv.lock)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

$(STAMP): pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test "$$($(BIN)/uv --version 2>/dev/null | cut -d' ' -f2)" = "$(UV_VERSION)" \
		|| $(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv sync --locked --extra dev --python $(BIN)/python --quiet
	touch $(STAMP)

install: $(STAMP)

messages: install
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)
	$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate messages
	$(BIN)/python manage.py load_demo

run: demo
	HOLDOUT_PERCENT=$${HOLDOUT_PERCENT:-5} $(BIN)/python manage.py runserver 127.0.0.1:8000

# Browser tests drive Debian's Chromium; a new machine gets it from apt.
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

test: install messages chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install messages
	$(BIN)/python bench/run.py
	$(BIN)/python bench/visitor.py
	$(BIN)/python bench/slots.py
	$(BIN)/python bench/pricing.py
	$(BIN)/python bench/profiling.py
	$(BIN)/python bench/vouchers.py
	$(BIN)/python bench/experiments.py
	$(BIN)/python bench/actions.py
	$(BIN)/python bench/journeys.py

worker: install
	$(BIN)/celery -A shop worker --beat --loglevel INFO

clean:
	rm -rf $(VENV) staticfiles media db.sqlite3

# Load test under gunicorn on PostgreSQL + Redis (loopback only, about 2 minutes): see bench/load.py.
load: install messages
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)
	$(BIN)/python bench/load.py

# Lighthouse (mobile) and axe-core on home, a category, a product and a basket of the demo shop,
# in Debian's Chromium: see bench/audit.py. Needs Node.js and npm (packages from the registry).
audit: demo chromium
	cd bench/audit && npm ci --no-audit --no-fund --silent
	$(BIN)/python bench/audit.py
