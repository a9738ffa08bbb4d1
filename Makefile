# minigrad: course environment, tests and notebooks.
#
#   make lab          set up, then open the course in JupyterLab
#                     (extra options: make lab LAB_ARGS="--no-browser --port=8899")
#   make test         unit tests (tests/) and every notebook checked with nbval
#   make notebooks    re-execute every notebook in place (refresh the stored outputs)
#   make student      student versions (solutions stubbed out) in student/
#   make edition      the build edition (OUT=edition FROM=N); make lab-edition opens it;
#                     make grade SUBMISSION=DIR grades one
#   make figures      regenerate figures/;  make clean (make distclean: the venv too)
#
# Everything runs from .venv (made on first use), never from whatever Python or
# Jupyter is first on PATH.

# bash, and a recipe line fails as soon as any command in it (or in a pipe) fails.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# The Python that creates the venv (only then): make PYTHON=python3.12
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The set-up is done when this stamp is newer than the files that define the environment.
STAMP := $(VENV)/.stamp

LAB_ARGS ?=
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
# Unit-test runs leave no .pytest_cache behind (it is also in .gitignore).
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider
# Notebooks print sets and dicts: a fixed hash seed keeps their stored outputs stable.
NB_ENV := PYTHONHASHSEED=0

.PHONY: help setup graphviz lab test test-unit test-notebooks notebooks clean distclean

help:
	@sed -n '1,13p' Makefile | sed 's/^# \{0,1\}//'

# --- set-up ------------------------------------------------------------------------
# A file target (not phony): make skips it while the stamp is newer than
# requirements.txt and pyproject.toml, so every other target can depend on it for free.
# The venv is created only if missing; pip install is idempotent; the stamp comes last,
# so an interrupted install is redone next time.
$(STAMP): requirements.txt pyproject.toml
	@if [ ! -x $(BIN)/python ]; then \
	  echo "Creating $(VENV) with $(PYTHON)"; \
	  $(PYTHON) -m venv $(VENV); \
	fi
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	$(BIN)/python -m pip install -e .
	@# Register the venv's Python as the kernel named `python3` (the name stored in the
	@# notebooks), inside the venv: Jupyter run from the venv then never picks another
	@# Python's kernel, whatever is installed for the user or the system.
	$(BIN)/python -m ipykernel install --sys-prefix --name python3
	touch $@

setup: $(STAMP)

# --- Graphviz ----------------------------------------------------------------------
# The Python `graphviz` package (in the venv) only writes DOT; drawing needs the `dot`
# program, which pip cannot install. Without it every diagram cell raises
# ExecutableNotFound. Installed automatically only where that is safe and possible
# (root + apt-get, e.g. CI or a container); otherwise say how and stop.
graphviz:
	@if command -v dot >/dev/null 2>&1; then \
	  echo "Graphviz: $$(dot -V 2>&1)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Graphviz: 'dot' not found; installing it with apt-get"; \
	  apt-get update && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends graphviz; \
	  echo "Graphviz: $$(dot -V 2>&1)"; \
	else \
	  echo "Graphviz's 'dot' program is not on PATH; the course needs it to draw graphs."; \
	  echo "Install it, then run make again:"; \
	  echo "  Debian/Ubuntu:  sudo apt-get install graphviz"; \
	  echo "  macOS:          brew install graphviz"; \
	  echo "  Windows:        the installer from https://graphviz.org/download/ (tick 'add to PATH',"; \
	  echo "                  or add its bin folder, which holds dot.exe, to PATH)"; \
	  echo "  conda:          conda install -c conda-forge graphviz python-graphviz"; \
	  exit 1; \
	fi

# --- JupyterLab --------------------------------------------------------------------
# Trust is per machine: notebooks executed elsewhere are untrusted here, and JupyterLab
# would not render their stored SVG diagrams. We ship the notebooks, so trust them.
# JupyterLab refuses to start as root unless told to: containers and cloud machines often are.
LAB_ROOT := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)
# The course's JupyterLab settings: no "official Jupyter news?" pop-up over the notebook on
# first start, and no update checks (a class needs neither). Settings the user changes in
# JupyterLab itself still win: overrides only change the defaults.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
$(LAB_OVERRIDES): Makefile $(STAMP)
	@mkdir -p $(dir $@)
	@printf '%s\n' '{' \
	  '  "@jupyterlab/apputils-extension:notification": {' \
	  '    "fetchNews": "false",' \
	  '    "checkForUpdates": false' \
	  '  }' \
	  '}' > $@

lab: $(STAMP) graphviz $(LAB_OVERRIDES)
	$(if $(NOTEBOOKS),$(BIN)/jupyter trust $(NOTEBOOKS))
	@mkdir -p notebooks   # jupyter refuses a missing root folder (before any notebook exists)
	$(BIN)/jupyter lab notebooks/ $(LAB_ROOT) $(LAB_ARGS)

# --- tests -------------------------------------------------------------------------
test: test-unit test-notebooks

# Exit status 5 means "no tests collected": not a failure while tests are being written.
test-unit: $(STAMP) graphviz
	rc=0; $(PYTEST) tests || rc=$$?; \
	if [ $$rc = 5 ]; then echo "tests/: no tests collected (ok)"; exit 0; fi; \
	exit $$rc

# Strict nbval: every code cell of every notebook runs, and its outputs must equal the
# stored ones after tests/nbval_sanitize.cfg (addresses, SVG bytes). `--nbval-current-env`
# runs the notebooks with this venv's Python.
# `tests` is passed too, only so that tests/conftest.py is loaded (a conftest only applies
# to the paths given; its hook skips `gpu`-tagged cells without a GPU), and
# `-o python_files=` keeps the unit tests from being collected a second time.
test-notebooks: $(STAMP) graphviz
ifeq ($(NOTEBOOKS),)
	@echo "notebooks/: no notebooks yet, nothing to check"
else
	$(NB_ENV) $(PYTEST) -rs --nbval --nbval-current-env \
	  --nbval-sanitize-with tests/nbval_sanitize.cfg \
	  -o python_files= notebooks tests
endif

# --- notebooks ---------------------------------------------------------------------
# Re-execute every notebook in place, top to bottom, in a fresh kernel: the venv's
# `python3` kernel (registered by the set-up; checked here), fixed hash seed, and no
# per-cell timing metadata, so that re-running unchanged notebooks changes nothing
# but what the code prints.
notebooks: $(STAMP) graphviz
ifeq ($(NOTEBOOKS),)
	@echo "notebooks/: no notebooks yet, nothing to execute"
else
	@$(BIN)/jupyter kernelspec list --json | $(BIN)/python -c \
	  'import json, os, sys; exe = json.load(sys.stdin)["kernelspecs"]["python3"]["spec"]["argv"][0]; \
	   same = os.path.realpath(os.path.dirname(exe)) == os.path.realpath("$(BIN)"); \
	   sys.exit(None if same else \
	            "kernel python3 runs %s, not $(BIN)/python: run make distclean; make" % exe)'
	$(NB_ENV) $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.kernel_name=python3 \
	  --ExecutePreprocessor.timeout=600 \
	  --ExecutePreprocessor.record_timing=False \
	  $(NOTEBOOKS)
endif

# --- student versions --------------------------------------------------------------
# The notebooks with exercise solutions replaced by stubs, checks kept (see notebooks/student.py),
# in student/ (git-ignored) for instructors to hand out.
.PHONY: student
student: $(STAMP)
	$(BIN)/python notebooks/student.py student

# --- the build edition -------------------------------------------------------------
# minigrad with the pieces of the engine the chapters teach left for the learner to write,
# and the course's notebooks importing it (see notebooks/edition.py):
# make edition [OUT=edition] [FROM=N] (chapters before N come solved); make lab-edition opens
# it. Never writes over a learner's changes. make grade SUBMISSION=DIR runs every chapter's
# checks on an edition, each chapter in its own process with a time limit, and prints a table.
OUT ?= edition
FROM ?= 0
.PHONY: edition lab-edition grade
edition: $(STAMP)
	$(BIN)/python notebooks/edition.py $(OUT) --from $(FROM)

lab-edition: $(STAMP) graphviz $(LAB_OVERRIDES)
	@test -d "$(OUT)/notebooks" || { echo "$(OUT)/notebooks: no edition there; make edition first"; exit 2; }
	$(BIN)/jupyter trust $(OUT)/notebooks/*.ipynb
	$(BIN)/jupyter lab $(OUT) $(LAB_ROOT) $(LAB_ARGS)

grade: $(STAMP)
	@test -n "$(SUBMISSION)" || { echo "usage: make grade SUBMISSION=DIR"; exit 2; }
	$(BIN)/python notebooks/grade.py $(SUBMISSION)

# --- figures -----------------------------------------------------------------------
# Regenerate every figure in figures/ (graph diagrams, backward step by step, plots) that
# the README and the course show. Deterministic: the same versions rewrite identical files.
.PHONY: figures
figures: $(STAMP) graphviz
	$(BIN)/python figures/make_figures.py

# --- benchmarks --------------------------------------------------------------------
# Every benchmark in benchmarks/ and a summary of the speed and memory targets (minutes).
# PyTorch and DeZero are compared when installed in the venv; neither is required.
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python -m benchmarks all

# --- cleaning ----------------------------------------------------------------------
clean:
	rm -rf build dist .pytest_cache .hypothesis .benchmarks
	find . -path ./$(VENV) -prune -o \
	  \( -name __pycache__ -o -name '*.egg-info' -o -name .ipynb_checkpoints \) \
	  -type d -prune -exec rm -rf {} +

# Also removes the environment: the next make builds it from scratch.
distclean: clean
	rm -rf $(VENV)
