# Bastion's task runner. `make help` lists every target.

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

# uv installs into the project's .venv with the Python that runs make;
# it never downloads an interpreter.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.DEFAULT_GOAL := help
.PHONY: help install dev test lint format check migrate superuser secret-key bench remove-demo clean

help: ## List the targets with what each does
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')"
	@touch $@

install: $(VENV)/.synced ## Install the locked dependencies into .venv (uv comes into .tools)

.env:
	@sed "s|^SECRET_KEY=.*|SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')|" .env.example > $@
	@echo "Created .env from .env.example with a new SECRET_KEY."

dev: install .env ## Migrate SQLite and serve the demo on http://127.0.0.1:8000
	$(MANAGE) migrate --noinput
	$(MANAGE) runserver $(HOST):$(PORT)

test: install ## Run the whole test suite (DATABASE_URL=postgres://... to use PostgreSQL)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install ## Check style, formatting and types (ruff, mypy strict)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

bench: install ## Measure the production stack beside plain Django and bare gunicorn (wrk, PostgreSQL)
	$(UV) sync --locked --group bench --compile-bytecode --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')"
	$(BIN)/python -m compileall -q config apps benchmarks
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

format: install ## Reformat the code and apply safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install ## Run Django's deploy checks as the release step does
	$(MANAGE) check --deploy --fail-level WARNING

migrate: install .env ## Apply database migrations
	$(MANAGE) migrate --noinput

superuser: install .env ## Create an admin user for /admin/
	$(MANAGE) createsuperuser

secret-key: ## Print a new random SECRET_KEY
	@$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))'

remove-demo: ## Delete the demo app, its tests and its settings line
	rm -rf apps/demo tests/apps/demo
	sed -i.bak '/"apps.demo",/d' config/settings.py && rm -f config/settings.py.bak
	@echo "The demo is gone. Run 'make test' to confirm the rest still passes."

clean: ## Remove the virtual environments, caches and collected static files
	rm -rf $(VENV) $(TOOLS) staticfiles .pytest_cache .mypy_cache .ruff_cache .hypothesis
