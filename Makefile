# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Emailed links and the printed admin login point here: the address `make run` serves, unless
# SITE_URL is set (e.g. to the machine's name when HOST=0.0.0.0 serves other devices).
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test lint format install migrate demo worker check bench bench-export messages clean cluster chaos

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install when pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

MO := locale/zh_Hans/LC_MESSAGES/django.mo

$(MO): locale/zh_Hans/LC_MESSAGES/django.po $(STAMP)
	$(BIN)/python -m gotc.compile_translations

install: $(STAMP) $(MO)

migrate: install
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=$${DEBUG:-1} SITE_URL='$(SITE_URL)' $(BIN)/python manage.py load_demo --organizer
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py load_demo_attendees

run: demo
	@bash .ci/system-packages || echo "(badges show what is missing until then)"
	DEBUG=$${DEBUG:-1} SITE_URL='$(SITE_URL)' $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

worker: install
	DEBUG=$${DEBUG:-1} SITE_URL='$(SITE_URL)' $(BIN)/python manage.py mail_worker

check: install
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py check

messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=tests --ignore=bench --no-obsolete

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache *.egg-info

# Benchmarks (figures go to docs/performance.md). Need PostgreSQL and Redis on 127.0.0.1 and
# wrk (installed from Debian when missing and running as root).
bench: install
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/load.py --seconds $${SECONDS_PER_PHASE:-10}
	$(BIN)/python bench/export.py --rows $${ROWS:-100000} --database-url postgres://postgres@127.0.0.1:5432/gotc_bench_export

bench-export: install
	$(BIN)/python bench/export.py --rows $${ROWS:-100000}

# A local production-shaped cluster on 127.0.0.1 (PostgreSQL primary + replica, Redis + replica
# + Sentinels, nginx in front of three gunicorn, two mail workers, an SMTP sink), and the chaos
# runs on it (figures go to docs/reliability.md). Need PostgreSQL's server binaries and
# redis-server; nginx is installed from Debian when missing. Both stop everything they started.
cluster: install
	@command -v nginx >/dev/null || { S=$$([ "$$(id -u)" = 0 ] || echo "sudo -n"); \
		$$S apt-get update -qq && $$S env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends nginx; }
	$(BIN)/python bench/cluster.py start --seconds $${CLUSTER_SECONDS:-600}

# CHAOS_QUICK=1: short bursts (about 5 minutes in all); CHAOS_ONLY=web-kill,pg-restart: some.
chaos: install
	@command -v nginx >/dev/null || { S=$$([ "$$(id -u)" = 0 ] || echo "sudo -n"); \
		$$S apt-get update -qq && $$S env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends nginx; }
	$(BIN)/python bench/chaos.py
