# mlgov: the two commands of the README, and what they need.
PYTHON ?= python3
VENV := venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PACK_VENV := policypacks/ml-guardrails/venv
PACK_STAMP := $(PACK_VENV)/.installed

.PHONY: plan test install oracle bench bench-redact bench-service serve clean engine

$(STAMP): requirements.txt requirements-dev.txt policypacks/ml-guardrails/requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# The independent SCP oracle the tests compare against (Node, tests only).
tests/oracle/node_modules/.package-lock.json: tests/oracle/package.json tests/oracle/package-lock.json
	npm ci --prefix tests/oracle --no-audit --no-fund --loglevel=error

oracle: tests/oracle/node_modules/.package-lock.json

## Plan every stack offline and check it with the policy pack.
plan: $(STAMP)
	$(PY) -m mlgov plan

## The pinned Pulumi CLI (Go modules in tools/pulumi) and the test lane's plugins, in .tools/bin.
## Without Go this says so and the real-engine tests skip with that reason.
engine: $(STAMP) $(PACK_STAMP)
	tools/pulumi/build

# The policy pack's own virtualenv, made as the README tells users (`pulumi preview --policy-pack` runs the pack in it).
$(PACK_STAMP): policypacks/ml-guardrails/requirements.txt
	test -x $(PACK_VENV)/bin/python || $(PYTHON) -m venv $(PACK_VENV)
	$(PACK_VENV)/bin/pip install --quiet --disable-pip-version-check -r policypacks/ml-guardrails/requirements.txt
	touch $(PACK_STAMP)

## Run the whole test suite (the real-engine lane included when Go is present).
test: $(STAMP) oracle engine
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) $(PACK_VENV) .tools tests/oracle/node_modules .pytest_cache .hypothesis .mlgov-service

## How plan time grows with the organization, beside the Pulumi SDK's floor (ratios from one run).
## BENCH_SIZES=10,100 limits the sizes.
BENCH_SIZES ?= 10,100,500
bench: $(STAMP)
	PYTHONPATH=. $(PY) benchmarks/plan_scale.py --sizes $(BENCH_SIZES)

## Redact a generated 1 GB CSV streaming: MB/s and peak memory (SIZE_MB=... for another size).
SIZE_MB ?= 1024
bench-redact: $(STAMP)
	PYTHONPATH=. $(PY) benchmarks/redact_stream.py --size-mb $(SIZE_MB)

## The vending service under load (loopback only): requests/s accepted, request -> planned p50/p95.
bench-service: $(STAMP)
	PYTHONPATH=. $(PY) benchmarks/service_load.py

## The vending service on 127.0.0.1:8080, SQLite in ./.mlgov-service.
serve: $(STAMP)
	$(PY) -m mlgov serve
