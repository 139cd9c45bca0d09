# BAOM Desk — the two commands of the README, and their parts.
#   make demo   install into .venv and start the demo office
#   make test   install the test tools and run the quality gates and the whole test suite

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test install install-test system-deps lint unit bench

demo: install system-deps
	$(BIN)/baom demo

test: install-test lint unit

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "BAOM Desk needs Python 3.11 or newer")'
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Qt's X11 plugin needs two libraries that a desktop Debian or Ubuntu may lack
# (PLATFORM-NOTES.md); only asked for where there is a screen to open windows on.
system-deps:
	@if [ -n "$$DISPLAY" ] && command -v apt-get >/dev/null \
	   && ! dpkg -s libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 >/dev/null 2>&1; then \
	  $(SUDO) apt-get install -y libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0; \
	fi

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy kiosk db printing
	$(BIN)/lint-imports

unit:
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

bench: install
	$(BIN)/baom bench --json
