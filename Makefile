# make run   – set everything up, load demo data, serve the site on SQLite with eager tasks
# make test  – set everything up and run the test suite (SQLite, tasks in-process)
# make test-services – the same suite on PostgreSQL with a real Celery worker on Redis

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
SERVICES_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/market_surveillance
SERVICES_BROKER_URL ?= redis://127.0.0.1:6379/15
SERVICES_CACHE_URL ?= redis://127.0.0.1:6379/14
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup run test test-services lint static messages worker beat bench-filing bench-case-list bench-duplicates bench-offline-sync bench-photos bench-load bench-plan-suggestions bench-smoke clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# Debian packages the product and tests use: Chromium (browser tests), exiftool (photo
# metadata checks), gettext (catalogs), the PostgreSQL client (pg_dump in the privacy
# test), Pango and DejaVu fonts with Vietnamese glyphs (PDF minutes), poppler-utils
# (pdftotext in the PDF tests).
$(VENV)/.system-packages: | $(BIN)/python
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v exiftool >/dev/null || missing="$$missing libimage-exiftool-perl"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v pg_dump >/dev/null || missing="$$missing postgresql-client"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	ldconfig -p | grep -q libpangoft2 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing) \
			|| { echo "Could not install$$missing (needs root)"; exit 1; }; \
	fi
	touch $@

# axe-core, the accessibility engine the browser tests run in Chromium
# (tests/browser/test_accessibility_pages.py), from the npm registry with the machine's
# Node.js; kept in the virtualenv's folder, out of the repository.
AXE_CORE_VERSION := 4.14.1
$(VENV)/.axe-core-$(AXE_CORE_VERSION): | $(BIN)/python
	@command -v npm >/dev/null || { \
		echo "Installing Debian packages: npm"; \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm) \
			|| { echo "Could not install npm (needs root)"; exit 1; }; \
	}
	npm install --prefix $(VENV) --no-save --no-audit --no-fund --loglevel=error axe-core@$(AXE_CORE_VERSION)
	touch $@

setup: $(VENV)/.installed $(VENV)/.system-packages $(VENV)/.axe-core-$(AXE_CORE_VERSION)

run: setup
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py seed_demo_provisions
	$(BIN)/python manage.py seed_demo_inspections
	$(BIN)/python manage.py seed_demo_cases
	$(BIN)/python manage.py seed_demo_reports
	$(BIN)/python manage.py clocks_backfill
	@echo "Serving on http://$(HOST):$(PORT)/ — log in with a demo user above (Ctrl-C stops)."
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup
	$(BIN)/pytest

test-services: setup
	DATABASE_URL=$(SERVICES_DATABASE_URL) CELERY_BROKER_URL=$(SERVICES_BROKER_URL) \
	CACHE_URL=$(SERVICES_CACHE_URL) $(BIN)/pytest --create-db

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Static security checks: bandit with no high-severity finding, and Django's deployment
# checks in the production profile (tests/deploy_check.py).
static: setup
	$(BIN)/bandit -q -r config registry whistleblower complaints inspections violations review api \
		--severity-level high
	$(BIN)/python -m tests.deploy_check

# Regenerate the English catalog from the Vietnamese msgids, then compile it.
messages: setup
	$(BIN)/python manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=var --ignore=tests
	$(BIN)/python manage.py compilemessages -l en --ignore=.venv

# A worker and beat for a deployment with CELERY_BROKER_URL set.
worker: setup
	$(BIN)/celery -A config worker -l INFO -Q default,photos

beat: setup
	$(BIN)/celery -A config beat -l INFO --schedule var/celerybeat-schedule

# The benchmarks (docs/benchmarks.md). Each takes its database, Redis database and scale
# from the environment (BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_SMOKE=1, BENCH_REPORTS,
# ...), which make passes through unchanged; BENCH_ARGS adds arguments, for example
# `make bench-case-list BENCH_ARGS=--reuse` to measure an already built 1M database.
# They need PostgreSQL and Redis on 127.0.0.1 (bench-photos neither, bench-duplicates and
# bench-plan-suggestions no Redis).

# Citizen filing with one 5 MB photo, 4 concurrent, and the photo worker on its own.
bench-filing: setup
	$(BIN)/python bench/filing.py $(BENCH_ARGS)

# The case list and search at 1M reports, 200k inspections.
bench-case-list: setup
	$(BIN)/python bench/case_list.py $(BENCH_ARGS)

# Duplicate detection's precision and recall on labelled synthetic reports.
bench-duplicates: setup
	$(BIN)/python bench/duplicates.py $(BENCH_ARGS)

# A tablet's offline queue: the first sync and its replay.
bench-offline-sync: setup
	$(BIN)/python bench/offline_sync.py $(BENCH_ARGS)

# Clean copies per second, ours against pyvips' thumbnail on the same photos, and the
# worker's peak memory on a 50-megapixel photo.
bench-photos: setup
	$(BIN)/python bench/photos.py $(BENCH_ARGS)

# 200 concurrent citizens filing for 60 s (locust).
bench-load: setup
	$(BIN)/python bench/load.py $(BENCH_ARGS)

# Risk-based plan suggestions for a province of 40,000 operators and the national unit.
bench-plan-suggestions: setup
	$(BIN)/python bench/plan_suggestions.py $(BENCH_ARGS)

# Every benchmark above at a tiny scale, each checked to finish and print its figures
# (bench/smoke.py); CI runs it. `make bench-smoke BENCH_ARGS="load filing"` runs some.
bench-smoke: setup
	$(BIN)/python bench/smoke.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
