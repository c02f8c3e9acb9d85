# FlexTime. `make demo` runs the main job, `make test` runs every test; both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format typecheck bench-big12 venv lock clean

venv: $(STAMP)

# Pinned set: constraints.txt (regenerate with `make lock` after changing pyproject dependencies).
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "FlexTime needs Python >= 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[all,dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/flextime demo

test: $(STAMP)
	$(BIN)/pytest -q -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check layers tests cdk
	$(BIN)/ruff format --check layers tests cdk

format: $(STAMP)
	$(BIN)/ruff format layers tests
	$(BIN)/ruff check --fix layers tests

typecheck: $(STAMP)
	$(BIN)/mypy

bench-big12: $(STAMP)
	$(BIN)/flextime bench big12 --out out/bench

lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^flextime' > constraints.txt

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache

# Synthesize the CDK app (cdk.out/) offline: no AWS credentials, no Docker. ENV=dev|staging|prod.
# Needs node + npm (the CDK CLI is pinned in package.json); `npm ci` installs it.
ENV ?= dev
.PHONY: synth
synth: $(STAMP)
	test -x node_modules/.bin/cdk || npm ci --no-audit --no-fund
	PATH="$(CURDIR)/$(BIN):$$PATH" node_modules/.bin/cdk synth --quiet -c env=$(ENV)

# ---- web (the staff SPA in web/): npm ci, Vitest, type check + build, bundle budget -----------
# `make test` runs web-test first (the line below only adds a prerequisite); the SPA's end-to-end
# run in headless Chromium is tests/e2e/test_spa.py, part of the pytest run (skipped with a reason
# when /usr/bin/chromium is missing: `make web-browser` installs Debian's chromium).
.PHONY: web-deps web-test web-build web-e2e web-browser web-types
WEB_STAMP := web/node_modules/.package-lock.json

$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $(WEB_STAMP)

web-deps: $(WEB_STAMP)

web-test: $(WEB_STAMP)
	cd web && npx vitest run
	cd web && npm run build && node scripts/size.mjs

web-build: $(WEB_STAMP)
	cd web && npm run build

web-e2e: $(STAMP) web-build
	$(BIN)/pytest -q tests/e2e

web-browser:
	test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)

# Regenerate web/src/api/openapi.json and the TypeScript types from the FastAPI app.
web-types: $(STAMP) $(WEB_STAMP)
	$(BIN)/python -c 'import json; from flextime.api.app import create_app; from flextime.api.settings import ApiSettings; print(json.dumps(create_app(ApiSettings(), pool_factory=lambda: None).openapi(), indent=1))' > web/src/api/openapi.json
	cd web && npm run gen:api

test: web-test lint typecheck
