# One Python 3.11 project; every target installs what it needs into .venv by itself.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Linters that are not Python packages: kube-score (a Go binary, pinned, built into tools/bin from
# the Go module proxy) and promtool (Debian's prometheus package).
TOOLS := tools/bin
KUBE_SCORE_VERSION := v1.20.0
KUBE_SCORE := $(TOOLS)/kube-score
GO ?= $(shell command -v go || echo /usr/local/go/bin/go)
PROMTOOL ?= $(shell command -v promtool || echo /usr/bin/promtool)

.PHONY: setup run test lint asyncapi-lint openapi-lint contracts asyncapi servers stop-servers demo bench clean

$(STAMP): pyproject.toml constraints.txt
	@echo "setup 1/3: the virtual environment in $(VENV)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "setup 2/3: pip itself"
	$(BIN)/pip install --quiet --upgrade pip
	@echo "setup 3/3: the pinned dependencies (constraints.txt; about 90 s on a fresh machine)"
	$(BIN)/pip install --progress-bar off -c constraints.txt -e '.[dev]'
	touch $(STAMP)
	@echo "setup: done"

setup: $(STAMP) ## the virtual environment with every dependency pinned

# Bytecode written ahead (only what changed): the machine may set PYTHONDONTWRITEBYTECODE, and a
# start that compiles ~600 modules first takes about a second longer. Images get it from pip.
BYTECODE := $(BIN)/python -m compileall -q -j 0 services shared bench

run: $(STAMP) ## the whole platform in one process (SQLite, in-process events)
	@$(BYTECODE)
	$(BIN)/python -m services.standalone --data data

# Two processes (pytest-xdist), a test file each at a time: pytest starts the servers once before
# its processes, each migrates its own templates, and the tests that stop Kafka have a broker of
# their own. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2
test: $(STAMP) ## every test, on real PostgreSQL and Kafka (started by the suite if need be)
	@$(BYTECODE)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

$(KUBE_SCORE):
	@echo "installing kube-score $(KUBE_SCORE_VERSION) into $(TOOLS) (go install)"
	@test -x $(GO) || { echo "kube-score is built with Go 1.23 or newer: install it from go.dev, or set GO"; exit 1; }
	mkdir -p $(TOOLS)
	GOBIN=$(abspath $(TOOLS)) $(GO) install github.com/zegl/kube-score/cmd/kube-score@$(KUBE_SCORE_VERSION)

$(PROMTOOL):
	@echo "installing promtool with apt-get (Debian's prometheus package)"
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus

lint: $(STAMP) $(KUBE_SCORE) $(PROMTOOL) ## ruff, mypy --strict, import-linter, event contracts, manifests, alert rules
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shared services tests bench
	$(BIN)/lint-imports
	$(BIN)/python -m services.cli contracts check
	$(MAKE) --no-print-directory asyncapi-lint
	$(BIN)/python deploy/k8s/render.py --check
	$(BIN)/python deploy/compose/render.py --check
	$(BIN)/kubernetes-validate --strict --quiet deploy/k8s/*.yaml
	$(KUBE_SCORE) score deploy/k8s/*.yaml
	$(PROMTOOL) check rules deploy/monitoring/rules.yml
	$(PROMTOOL) test rules deploy/monitoring/rules.test.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml
	$(MAKE) --no-print-directory openapi-lint

# Redocly CLI and Spectral, pinned in tools/openapi/package-lock.json (Node.js 20.19+ and npm).
OPENAPI_TOOLS := tools/openapi
OPENAPI_STAMP := $(OPENAPI_TOOLS)/node_modules/.installed
OPENAPI_ENV := REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true SCARF_ANALYTICS=false
$(OPENAPI_STAMP): $(OPENAPI_TOOLS)/package.json $(OPENAPI_TOOLS)/package-lock.json
	@command -v npm >/dev/null || { echo "openapi-lint needs Node.js >= 20.19 and npm"; exit 1; }
	cd $(OPENAPI_TOOLS) && npm ci --no-audit --no-fund --ignore-scripts
	touch $@

openapi-lint: $(OPENAPI_STAMP) ## every docs/openapi/*.json: 0 errors and 0 warnings from Redocly CLI and Spectral
	cd $(OPENAPI_TOOLS) && $(OPENAPI_ENV) ./node_modules/.bin/redocly lint --config .redocly.yaml \
		$(abspath $(wildcard docs/openapi/*.json))
	cd $(OPENAPI_TOOLS) && $(OPENAPI_ENV) ./node_modules/.bin/spectral lint --ruleset .spectral.yaml \
		--fail-severity=warn $(abspath $(wildcard docs/openapi/*.json))

# The official AsyncAPI parser, pinned by tools/asyncapi/package-lock.json (npm ci, no install scripts).
ASYNCAPI_TOOL := tools/asyncapi
$(ASYNCAPI_TOOL)/node_modules/.installed: $(ASYNCAPI_TOOL)/package.json $(ASYNCAPI_TOOL)/package-lock.json
	cd $(ASYNCAPI_TOOL) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

asyncapi-lint: $(ASYNCAPI_TOOL)/node_modules/.installed ## docs/asyncapi.json through the official parser: no error, no warning
	node $(ASYNCAPI_TOOL)/validate.mjs docs/asyncapi.json

contracts: $(STAMP) ## commit event schemas, AsyncAPI, OpenAPI documents and manifests after a planned change
	$(BIN)/python -m services.cli contracts export
	$(BIN)/python -m services.cli asyncapi --out docs/asyncapi.json
	$(BIN)/python -m services.cli openapi --out docs/openapi
	$(BIN)/python deploy/k8s/render.py
	$(BIN)/python deploy/compose/render.py

servers: ## start the local PostgreSQL and Kafka the tests use
	bash deploy/local/postgres.sh start
	bash deploy/local/kafka.sh start

stop-servers:
	bash deploy/local/kafka.sh stop
	bash deploy/local/postgres.sh stop

clean:
	rm -rf $(VENV) $(TOOLS) data .pytest_cache .mypy_cache .ruff_cache

bench: $(STAMP) ## figures beside same-run baselines, on real PostgreSQL and Kafka (several minutes; QUICK=1: under two)
	@$(BYTECODE)
	$(BIN)/python -m bench.run $(if $(filter-out 0,$(QUICK)),--quick)

demo: $(STAMP) ## the case study through the HTTP APIs of the standalone platform (started if need be)
	@$(BYTECODE)
	$(BIN)/python -m services.demo
