# BAOM Desk — the two commands of the README, and their parts.
#   make demo   install into .venv and start the demo office
#   make test   install the test tools and run the quality gates and the whole test suite
#   make test-fast   the unit tests without outside servers and browser (a few minutes)
#   make screenshots [SHOTS=folder]   every window in fr, ar and zgh through one day (PNGs)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test test-fast install install-test system-deps test-system-deps lint unit bench \
  screenshots

demo: install system-deps
	$(BIN)/baom demo

test: install-test test-system-deps lint unit

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
# (measured on a fresh Debian 12); only asked for where there is a screen to open windows on.
# The waiting-room chime and voice (QtMultimedia, QtTextToSpeech) need the PulseAudio client
# library and a speech-dispatcher voice: installed where apt-get can run (as root, or with a
# sudo that asks no password), skipped quietly elsewhere (the display is then visual only).
SOUND_PACKAGES := libpulse0 speech-dispatcher speech-dispatcher-espeak-ng espeak-ng

system-deps:
	@if [ -n "$$DISPLAY" ] && command -v apt-get >/dev/null \
	   && ! dpkg -s libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 >/dev/null 2>&1; then \
	  $(SUDO) apt-get install -y libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0; \
	fi
	@if command -v apt-get >/dev/null && command -v dpkg >/dev/null \
	   && ! dpkg -s $(SOUND_PACKAGES) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then as_root=""; \
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then as_root="sudo -n"; \
	  else echo "sound and speech libraries skipped (needs root): $(SOUND_PACKAGES)"; exit 0; fi; \
	  $$as_root apt-get install -y -q --no-install-recommends $(SOUND_PACKAGES) >/dev/null \
	    || echo "sound and speech libraries could not be installed: the display stays visual only"; \
	fi

# The tests use real servers and a real browser: PostgreSQL (the regional server's tests
# start a throwaway cluster), Chromium (the partner page, headless) and CUPS with its PDF
# printer (A4 printing through Qt). Installed with apt-get when missing.
TEST_PACKAGES := postgresql chromium chromium-driver cups cups-client printer-driver-cups-pdf \
  poppler-utils

test-system-deps:
	@if ! dpkg -s $(TEST_PACKAGES) >/dev/null 2>&1; then \
	  command -v apt-get >/dev/null || { echo "the tests need: $(TEST_PACKAGES)"; exit 1; }; \
	  $(SUDO) apt-get update -q >/dev/null; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends \
	    $(TEST_PACKAGES) >/dev/null; \
	fi

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy kiosk db printing protocol ui regional
	$(BIN)/lint-imports

unit:
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# The fast lane, while working: tests/unit without the tests marked `outside` (PostgreSQL,
# CUPS, Chromium, a `baom-regional serve` process: tests/conftest.py marks them by the
# fixtures and helpers they use) or `slow`. Needs poppler-utils (the recovery sheet's tests).
test-fast: install-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/unit -m "not outside and not slow" \
	  -n auto

# kiosk_prompt_latency plays into a private PulseAudio null sink where the PC has no sound
# card (tests/helpers/pulse.py): the PulseAudio server is installed when missing.
BENCH_PACKAGES := pulseaudio

bench: install
	@if ! dpkg -s $(BENCH_PACKAGES) >/dev/null 2>&1 && command -v apt-get >/dev/null; then \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends \
	    $(BENCH_PACKAGES) >/dev/null || echo "no $(BENCH_PACKAGES): kiosk_prompt_latency gives no figure"; \
	fi
	$(BIN)/baom bench --json

# Screenshots of the kiosk, the desk and the display in French, Arabic and Tamazight, through
# the day of tests/unit/ui/test_whole_day.py, in demo offices made in temporary folders; off
# screen (no X server needed), into SHOTS (screenshots/ by default, ignored by git).
SHOTS ?= screenshots

screenshots: install
	$(BIN)/python -m tests.helpers.screenshots $(SHOTS)
