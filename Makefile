# Two commands matter: `make run` and `make test`. Both set everything up on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WORKSPACE ?=

export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test bench fuzz lint package clean deps-debian deps-postgresql deps-bench screenshots soak

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The two bundled fonts as ReportLab parses them, stored at build time like bytecode: every PDF
# then reads them back instead of parsing ~1.5 MB of TrueType (app/report/font_cache.py; the
# app parses them itself when this file is missing or stale).
FONT_CACHE := resources/fonts/parsed-fonts.pickle
$(FONT_CACHE): $(STAMP) resources/fonts/DejaVuSans.ttf resources/fonts/DejaVuSans-Bold.ttf app/report/font_cache.py
	$(BIN)/python -m app.report.font_cache

# Debian packages the tests and screenshots need (poppler for pdftoppm, xvfb, Qt's xcb libs).
deps-debian:
	@missing=""; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v xvfb-run >/dev/null || missing="$$missing xvfb"; \
	ldconfig -p | grep -q libxcb-cursor.so.0 || missing="$$missing libxcb-cursor0"; \
	ldconfig -p | grep -q libEGL.so.1 || missing="$$missing libegl1"; \
	ldconfig -p | grep -q libxkbcommon.so.0 || missing="$$missing libxkbcommon0"; \
	ldconfig -p | grep -q libfontconfig.so.1 || missing="$$missing libfontconfig1"; \
	ldconfig -p | grep -q libdbus-1.so.3 || missing="$$missing libdbus-1-3"; \
	ldconfig -p | grep -q libxcb-icccm.so.4 || missing="$$missing libxcb-icccm4"; \
	ldconfig -p | grep -q libxcb-keysyms.so.1 || missing="$$missing libxcb-keysyms1"; \
	ldconfig -p | grep -q libxcb-shape.so.0 || missing="$$missing libxcb-shape0"; \
	ldconfig -p | grep -q libxcb-randr.so.0 || missing="$$missing libxcb-randr0"; \
	ldconfig -p | grep -q libxcb-render-util.so.0 || missing="$$missing libxcb-render-util0"; \
	ldconfig -p | grep -q libxcb-image.so.0 || missing="$$missing libxcb-image0"; \
	ldconfig -p | grep -q libxkbcommon-x11.so.0 || missing="$$missing libxkbcommon-x11-0"; \
	ldconfig -p | grep -q libwayland-cursor.so.0 || missing="$$missing libwayland-cursor0"; \
	ldconfig -p | grep -q libwayland-egl.so.1 || missing="$$missing libwayland-egl1"; \
	ldconfig -p | grep -q libGL.so.1 || missing="$$missing libgl1"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@$(MAKE) --no-print-directory deps-postgresql

# The team tests start their own throwaway PostgreSQL (initdb/pg_ctl in a temp folder, tests/pgcluster.py):
# they need the server programs, not a running service (never Docker).
deps-postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ -x "$$(pg_config --bindir 2>/dev/null)/initdb" ] || { \
	  echo "Installing Debian package: postgresql (server programs for the team workspace tests)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null \
	  || echo "PostgreSQL could not be installed: the team workspace tests will be skipped"; }

run: $(STAMP) deps-debian $(FONT_CACHE)
	$(BIN)/python -m app gui --demo-if-empty $(if $(WORKSPACE),--workspace $(WORKSPACE),)

test: $(STAMP) deps-debian $(FONT_CACHE)
	$(BIN)/lint-imports
	$(BIN)/ruff check app tests bench scripts packaging
	$(BIN)/mypy app/domain app/store app/exchange app/report app/services app/cli.py app/ui
	QT_QPA_PLATFORM=offscreen DILIGENCE_REQUIRE_POSTGRES=1 $(BIN)/python -m pytest -q -p no:cacheprovider -n 2

# The report budget is a ratio to LibreOffice printing the same scorecard in the same run.
deps-bench:
	@command -v soffice >/dev/null || { \
	  echo "Installing Debian package: libreoffice-calc-nogui (the report benchmark's baseline)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null \
	  || echo "LibreOffice could not be installed: the report is judged on its absolute fallback budget"; }

bench: $(STAMP) deps-debian deps-bench $(FONT_CACHE)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider tests/fuzz \
	  tests/reliability/test_adverse_conditions.py tests/reliability/test_odd_paths.py \
	  tests/reliability/test_two_processes.py tests/cli/test_extreme_values.py

lint: $(STAMP)
	$(BIN)/ruff check app tests
	$(BIN)/mypy app/domain app/store app/exchange app/report app/services app/cli.py app/ui

package: $(STAMP) deps-debian $(FONT_CACHE)
	command -v strip >/dev/null || apt-get install -y -qq binutils >/dev/null
	$(BIN)/pip install --quiet pyinstaller
	$(BIN)/pyinstaller --noconfirm --clean packaging/diligence.spec
	$(BIN)/python packaging/smoke_test.py dist/diligence

# The real app under Xvfb, driven from the keyboard (xdotool) for SOAK_MINUTES (default 10):
# page switches, answers, undo/redo; prints switches, answers, duration, None refs and memory.
SOAK_MINUTES ?= 10
soak: $(STAMP) deps-debian
	@command -v xdotool >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq xdotool >/dev/null; }
	xvfb-run -a -s "-screen 0 1366x768x24" $(BIN)/python scripts/soak.py --minutes $(SOAK_MINUTES)

# Screenshots of every page (light and dark) into docs/screenshots/, on a virtual X display.
screenshots: $(STAMP) deps-debian
	xvfb-run -a -s "-screen 0 1400x900x24" $(BIN)/python scripts/screenshots.py
	xvfb-run -a -s "-screen 0 1400x900x24" $(BIN)/python scripts/evaluate_screenshots.py
	xvfb-run -a -s "-screen 0 1400x900x24" $(BIN)/python scripts/oversee_screenshots.py
	xvfb-run -a -s "-screen 0 1400x900x24" $(BIN)/python scripts/evidence_screenshots.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
