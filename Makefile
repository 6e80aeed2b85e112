# musk-openai: every target creates the local virtual environment (.venv) on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: help setup git-filter report test test-fast lint validate-data datasette lab figures bench stress clean

help:
	@echo "make report   build every notebook, figure and the HTML report (reports/)"
	@echo "make test     run the whole test suite, as CI does (kernels and Chromium included)"
	@echo "make test-fast  the tests that start no kernel and no browser: run it after every change"
	@echo "make lint     ruff, notebook outputs stripped, mypy, words in texts.toml, pins, make validate-data"
	@echo "make validate-data  check data/ against data/datapackage.json (frictionless)"
	@echo "make datasette  build database/musk-openai.db from the data package and serve it on 127.0.0.1"
	@echo "make lab      start JupyterLab on 127.0.0.1 with the project's kernel (LAB_ARGS=... for more options)"
	@echo "make figures  rebuild figures/ only (both languages), without running the notebooks"
	@echo "make bench    time the report runner against the naive loop and the floor"
	@echo "make stress   run the report 20 times, cold, each in a fresh process, and count failures"
	@echo "make clean    remove reports/, database/ and caches, the runs kept for reuse among them (keeps .venv)"
	@echo "make git-filter  (re)install the git filter that strips notebook outputs when staged"

# Notebooks are committed without outputs: in a git checkout, `git add` runs nbstripout on every
# .ipynb (outputs, execution counts and JupyterLab's language_info details removed; the cell ids,
# stable in this project, kept), through musk_openai/nbstrip.py: nbstripout's own command without
# jsonschema's slowest imports, 0.3 s a notebook instead of 1.8. The filter lives in .git/config and .git/info/attributes; it is
# installed on first use of make, and skipped quietly when this folder is not a git checkout.
NBSTRIPOUT_KEYS := $(addprefix metadata.language_info.,codemirror_mode file_extension mimetype \
	nbconvert_exporter pygments_lexer version)
NBSTRIPOUT = "$(abspath $(BIN))/python" -m musk_openai.nbstrip --keep-id
INSTALL_GIT_FILTER = if [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$(CURDIR)" ]; then \
	$(BIN)/nbstripout --install \
	&& git config --local filter.nbstripout.clean '$(NBSTRIPOUT)' \
	&& git config --local filter.nbstripout.extrakeys '$(NBSTRIPOUT_KEYS)' \
	&& git config --local diff.ipynb.textconv '$(NBSTRIPOUT) -t' \
	&& echo "git filter installed: notebook outputs are stripped when staged (nbstripout)"; fi

setup: $(STAMP)

git-filter: $(STAMP)
	@$(INSTALL_GIT_FILTER)

$(STAMP): pyproject.toml requirements.lock etc/ipython/ipython_kernel_config.py
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); run: make PYTHON=python3.11 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	install -D -m 644 etc/ipython/ipython_kernel_config.py $(VENV)/etc/ipython/ipython_kernel_config.py
	@$(INSTALL_GIT_FILTER)
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/musk-openai report

test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile

# The tests marked kernel, browser or slow (pyproject.toml) left out: under a minute.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --dist loadfile -m "not kernel and not browser and not slow"

lint: $(STAMP)
	$(BIN)/ruff check src tests notebooks benchmarks tools
	$(BIN)/ruff format --check src tests notebooks benchmarks tools
	$(BIN)/musk-openai check-notebooks notebooks
	$(BIN)/mypy src/musk_openai
	$(BIN)/python tools/lint_texts.py
	$(BIN)/python tools/check_pins.py
	$(MAKE) validate-data

# The Data Package (data/datapackage.json, written by python -m musk_openai.dataset.package) checked
# against the CSV files: types, required values, enums, patterns, primary and foreign keys.
validate-data: $(STAMP)
	$(BIN)/frictionless validate data/datapackage.json

# The dataset as SQLite, a build output with a folder of its own (database/, never committed; not
# reports/, which belongs to the report), served by Datasette on 127.0.0.1 only.
# More options: make datasette DATASETTE_ARGS="--port 8002"
DATASETTE_ARGS ?=
DB_DIR := database
datasette: $(STAMP)
	$(BIN)/python -m musk_openai.dataset.database $(DB_DIR)/musk-openai.db
	exec $(BIN)/datasette serve $(DB_DIR)/musk-openai.db --metadata $(DB_DIR)/musk-openai.metadata.json \
		--host 127.0.0.1 $(DATASETTE_ARGS)

# JupyterLab refuses to start as root unless given --allow-root, and containers run as root: the
# option is added then, and only then. The server listens on 127.0.0.1 only and asks for a token.
# More options: make lab LAB_ARGS="--port=8899 --no-browser"
LAB_ARGS ?=
LAB_ROOT ?= $(CURDIR)
LAB_AS_ROOT = $(if $(filter 0,$(shell id -u)),--allow-root)
LAB_ROOT_NOTE := make lab: running as root (a container?): passing --allow-root; the server listens \
	on 127.0.0.1 only, with a token
lab: $(STAMP)
	$(if $(LAB_AS_ROOT),@echo "$(LAB_ROOT_NOTE)")
	JUPYTER_PREFER_ENV_PATH=1 exec $(BIN)/jupyter lab --ip=127.0.0.1 $(LAB_AS_ROOT) --ServerApp.root_dir="$(LAB_ROOT)" --LabApp.default_url=/lab/tree/notebooks $(LAB_ARGS)

figures: $(STAMP)
	$(BIN)/musk-openai figures

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_report.py

stress: $(STAMP)
	$(BIN)/python benchmarks/stress_report.py --runs 20

clean:
	rm -rf reports database .pytest_cache .ruff_cache .mypy_cache
	rm -rf "$${XDG_CACHE_HOME:-$$HOME/.cache}/musk-openai/runs"
