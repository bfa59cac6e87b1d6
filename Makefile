# Newsroom. `make run` and `make test` work from a fresh clone with Python >= 3.12 present.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# check --deploy runs with production settings and throwaway values (nothing here is used for real)
DEPLOY_ENV := NEWSROOM_MODE=production SECRET_KEY=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(64))') \
	ALLOWED_HOSTS=news.example.org EMAIL_URL=smtp+tls://mailer:secret@mail.example.org:587 NEWSROOM_VAR_DIR=$$(mktemp -d)

.PHONY: axe run test lint fmt venv clean worker beat compose-check bench robustness

venv: $(STAMP)
$(STAMP): pyproject.toml
	@test -x $(PY) || { p=$$(scripts/find-python) && echo "Creating $(VENV) with $$p" && $$p -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## run: set up (venv, migrations, static files, demo data once) and serve on 127.0.0.1:$${PORT:-8000};
##      with REDIS_URL set, a Celery worker and beat run in the same foreground group (Ctrl-C stops all);
##      without it, tasks run eagerly and a small scheduler (newsroom/scheduler.py) runs beat's periodic jobs
run: venv
	@scripts/run

## test: the whole suite; service tests skip on a bare machine, run with DATABASE_URL/REDIS_URL set
test: venv axe
	$(PY) -m pytest $(PYTEST_ARGS)

# axe-core for the browser tests' accessibility checks, when npm is there (without it those checks skip, saying so)
AXE := tests/browser/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE): tests/browser/axe/package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/browser/axe --no-audit --no-fund --silent; \
	else echo "npm not found: the accessibility checks will be skipped"; fi

## lint: ruff, mypy, import contracts, migrations up to date, deploy checks with production settings
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING

fmt: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: venv
	$(VENV)/bin/celery -A newsroom worker -l info

beat: venv
	$(VENV)/bin/celery -A newsroom beat -l info

compose-check:
	docker-compose config -q

clean:
	rm -rf $(VENV) var *.egg-info .pytest_cache .mypy_cache .ruff_cache

## bench: speed, scale and memory against same-run baselines on PostgreSQL + Redis (DATABASE_URL, REDIS_URL);
##        BENCH_SCALE articles (default 100000) in a database of their own; results in bench/results/
bench: venv
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) bench/run.py

## robustness: API fuzzing (schemathesis, every role), attack corpora, IDOR, fault injection on the real stack and a
##             mixed load; PROFILE=short (default, as in CI) or PROFILE=full; PARTS=fuzz,suite,faults,load (default
##             all) runs some of them; figures in robustness/results/
PARTS ?= fuzz,suite,faults,load
robustness: venv
	$(PY) robustness/run.py --profile $(or $(PROFILE),short) --parts $(PARTS)
