# musk-openai: every target creates the local virtual environment (.venv) on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: help setup report test lint lab figures bench clean

help:
	@echo "make report   build every notebook, figure and the HTML report (reports/)"
	@echo "make test     run the whole test suite"
	@echo "make lint     ruff, notebook outputs stripped, mypy"
	@echo "make lab      start JupyterLab on 127.0.0.1 with the project's kernel"
	@echo "make figures  rebuild figures/ only (both languages), without running the notebooks"
	@echo "make bench    time the report runner against the naive loop and the floor"
	@echo "make clean    remove reports/ and caches (keeps .venv)"

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); run: make PYTHON=python3.11 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/musk-openai report

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests notebooks benchmarks
	$(BIN)/ruff format --check src tests notebooks benchmarks
	$(BIN)/python -m musk_openai.notebook_checks notebooks
	$(BIN)/mypy src/musk_openai

lab: $(STAMP)
	JUPYTER_PREFER_ENV_PATH=1 $(BIN)/jupyter lab --ip=127.0.0.1 --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/notebooks

figures: $(STAMP)
	$(BIN)/python -c 'from musk_openai import charts; [charts.build_all(lang) for lang in ("fr", "en")]'

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_report.py

clean:
	rm -rf reports .pytest_cache .ruff_cache .mypy_cache
