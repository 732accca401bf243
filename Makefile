# mlgov: the two commands of the README, and what they need.
PYTHON ?= python3
VENV := venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: plan test install oracle bench clean

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

## Run the whole test suite.
test: $(STAMP) oracle
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) tests/oracle/node_modules .pytest_cache .hypothesis

## How plan time grows with the organization, beside the Pulumi SDK's floor (ratios from one run).
## BENCH_SIZES=10,100 limits the sizes.
BENCH_SIZES ?= 10,100,500
bench: $(STAMP)
	PYTHONPATH=. $(PY) benchmarks/plan_scale.py --sizes $(BENCH_SIZES)
