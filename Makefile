# Two commands for a newcomer: `make demo` and `make test`. Both bootstrap on first use:
# a virtualenv in .venv, the package with CPU torch, the embedded MongoDB server and the
# default sentiment model files. Re-running is idempotent and quick.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
MODEL  := var/models/multilingual-e5-small/.converted

.PHONY: all setup browser demo test lint typecheck check

all: demo

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	@echo "==> creating the virtualenv in $(VENV)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# torch is installed first and pinned: 2.13.0 is the CPU build here (a looser spec pulls CUDA).
$(STAMP): pyproject.toml | $(BIN)/python
	@echo "==> installing torch (CPU) and the package with its dependencies"
	$(BIN)/python -m pip install --progress-bar on "torch==2.13.0"
	$(BIN)/python -m pip install --progress-bar on -e ".[embedded,dev]"
	@touch $@

$(MODEL): $(STAMP)
	@echo "==> preparing the default sentiment model and checking the embedded MongoDB server"
	$(BIN)/reputation setup

# Debian's Chromium and ChromeDriver for the browser test (tests/browser): installed once,
# as root, through apt; never downloaded by a Python package at run time. Without root or
# apt-get this only prints a notice, and the browser test skips saying why.
browser:
	@if [ -x /usr/bin/chromium ]; then \
		: ; \
	elif [ "$$(id -u)" != 0 ]; then \
		echo "==> NOTICE: /usr/bin/chromium is missing and this is not root; the browser test will skip" \
		     "(as root: apt-get install chromium chromium-driver)"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "==> NOTICE: /usr/bin/chromium is missing and apt-get is not available; the browser test will skip"; \
	else \
		echo "==> installing Chromium and ChromeDriver (Debian packages) for the browser test"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium chromium-driver; \
	fi

setup: $(STAMP) $(MODEL) browser

demo: setup
	$(BIN)/reputation demo

# pytest exits 5 when no test is collected; that is not a failure.
test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS) || [ $$? -eq 5 ]

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy reputation collectors sentiment responders config

check: lint typecheck test
