# Two commands from nothing (python3 and pip): `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV := .venv
DAGSTER_HOME ?= $(CURDIR)/dagster_home

.PHONY: setup run test dev bench lint clean

# Installs are quiet (errors still show): a first `make run` prints its stages and summary, not a line per
# installed package.
$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --quiet --disable-pip-version-check uv

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --quiet --frozen --compile-bytecode --python $(PYTHON)
	$(VENV)/bin/python -c 'from smm_pipeline.defs.dbt import ensure_manifest; ensure_manifest()'
	touch $@

setup: $(VENV)/.synced

run: setup  ## archive data/samples, materialise every asset into data/warehouse.duckdb, print a summary
	$(VENV)/bin/smm-pipeline run

test: setup  ## the whole test suite (unit, graph, dbt, sensor, browser)
	$(VENV)/bin/pytest -q

# The warehouse pool's limit is set before the first run: a pool left to dagster.yaml's default_limit is
# created lazily, and the run queue's first pass then lets two runs through together.
dev: setup  ## the Dagster UI on http://127.0.0.1:3000 with a persistent instance in dagster_home/
	DAGSTER_HOME=$(DAGSTER_HOME) $(VENV)/bin/dagster instance concurrency set duckdb_warehouse 1
	DAGSTER_HOME=$(DAGSTER_HOME) $(VENV)/bin/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

bench: setup  ## throughput, materialisation time, scaling and soak figures (not a test)
	$(VENV)/bin/python -m smm_pipeline_tests.benchmarks

lint: setup
	$(VENV)/bin/ruff check smm_pipeline smm_pipeline_tests

clean:
	rm -rf $(VENV) .tools data/warehouse.duckdb* data/serving data/archive data/quarantine data/briefs
