# Bastion's task runner. `make help` lists every target.

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
SYSTEM_PYTHON = "$$($(PYTHON) -c 'import sys; print(sys.executable)')"
# [proof:start]
# What `make prove` runs and which dependency groups it adds to .venv.
PROOF ?= proof
PROOF_GROUPS ?= --group proof
# [proof:end]
HOST ?= 127.0.0.1
PORT ?= 8000

# uv installs into the project's .venv with the Python that runs make;
# it never downloads an interpreter. It compiles the bytecode as it installs,
# as the Heroku build and the image do: a process then starts without compiling
# Django first, even where Python is told not to write bytecode.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_COMPILE_BYTECODE := 1

.DEFAULT_GOAL := help
.PHONY: help install dev worker test prove lint audit format check manage migrate superuser secret-key bench init upgrade app remove-demo clean

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
	@umask 077 && sed "s|^SECRET_KEY=.*|SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')|" .env.example > $@
	@echo "Created .env from .env.example with a new SECRET_KEY."

dev: install .env ## Migrate SQLite and serve the app on http://127.0.0.1:8000 (PORT=8001 to move it)
	$(MANAGE) migrate --noinput
	$(MANAGE) runserver $(HOST):$(PORT)

# The Procfile's worker command: every queue, no autoreloader unless RELOAD=1.
worker: install .env ## Run the background tasks as the Procfile's worker does (needs TASKS_BACKEND=database)
	$(MANAGE) db_worker --queue-name '*' $(if $(RELOAD),--reload,--no-reload)

test: install ## Run the project's tests: seconds, SQLite (DATABASE_URL=postgres://... for PostgreSQL)
	$(BIN)/python -m pytest tests --numprocesses auto $(PYTEST_ARGS)

lint: install ## Check style, formatting and types (ruff, mypy strict)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

prove: install ## Prove the starter's claims against real servers (PROOF=proof/<area> for one area)
	$(UV) sync --locked --inexact $(PROOF_GROUPS) --python $(SYSTEM_PYTHON)
	PROOF_UV="$(abspath $(UV))" $(BIN)/python -m pytest $(PROOF) $(PYTEST_ARGS)

audit: install ## Check the locked dependencies for known vulnerabilities (needs the advisory service)
	$(UV) sync --locked --inexact --group audit --python $(SYSTEM_PYTHON)
	$(UV) export --locked --all-groups --no-emit-project --format requirements-txt --output-file $(VENV)/audit-requirements.txt --quiet
	$(BIN)/pip-audit --strict --progress-spinner off --disable-pip --require-hashes --requirement $(VENV)/audit-requirements.txt

bench: install ## Measure the production stack beside plain Django and bare gunicorn (wrk, PostgreSQL)
	$(UV) sync --locked --inexact --group proof --group bench --python $(SYSTEM_PYTHON)
	$(BIN)/python -m compileall -q config apps proof
	$(BIN)/python -m proof.bench $(BENCH_ARGS)

format: install ## Reformat the code and apply safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install ## Run the release's deploy checks on production values (CHECK_ENV=../prod.env for yours)
	@# A CHECK_ENV that names no file would check the stand-ins instead: refuse it.
	@$(if $(CHECK_ENV),test -f "$$CHECK_ENV" || { echo "make check: CHECK_ENV=$$CHECK_ENV is not a file; give the path of your production env file" >&2; exit 3; })
	@# Without CHECK_ENV: the production settings with stand-in values (a fresh key, one host).
	$(if $(CHECK_ENV),ENV_FILE="$(CHECK_ENV)",ENV_FILE= DEBUG=false USE_SSL=true ADMIN_2FA=true \
		ALLOWED_HOSTS=example.com SECRET_KEY="$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')") \
		$(MANAGE) check --deploy --fail-level WARNING

manage: install .env ## Run any manage.py command: make manage ARGS="makemigrations"
	$(MANAGE) $(ARGS)

migrate: install .env ## Apply database migrations
	$(MANAGE) migrate --noinput

superuser: install .env ## Create an admin user for /admin/
	$(MANAGE) createsuperuser

secret-key: ## Print a new random SECRET_KEY
	@$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))'

# NAME and REF reach the script through the environment, never through the shell's
# parser, so no value can run a command.
init: install ## Make it yours: make init NAME=acme [WITHOUT="demo proof"]
	@UV="$(abspath $(UV))" $(BIN)/python scripts/starter.py init "$$NAME" --without "$$WITHOUT"

upgrade: install ## Take a later starter release, renamed as this project: make upgrade REF=starter/main
	@UV="$(abspath $(UV))" $(BIN)/python scripts/starter.py upgrade "$$REF" --name "$$NAME" --without "$$WITHOUT"

app: install ## Add an app under apps/ with its URLs, page, model and tests: make app NAME=shop
	@$(BIN)/python scripts/starter.py app "$$NAME"

remove-demo: ## Delete the demo: its app, tests, proofs, settings, URLs and docs
	@$(PYTHON) scripts/starter.py remove-demo

clean: ## Remove the virtual environments, caches and collected static files
	rm -rf $(VENV) $(TOOLS) staticfiles .pytest_cache .mypy_cache .ruff_cache .hypothesis
