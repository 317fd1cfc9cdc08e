# Two commands matter: `make run` and `make test`. Both set everything up on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WORKSPACE ?=

export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test bench fuzz lint package clean deps-debian screenshots

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

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
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

run: $(STAMP) deps-debian
	$(BIN)/python -m app gui --demo-if-empty $(if $(WORKSPACE),--workspace $(WORKSPACE),)

test: $(STAMP) deps-debian
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider -n 2

bench: $(STAMP) deps-debian
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider tests/fuzz

lint: $(STAMP)
	$(BIN)/ruff check app tests
	$(BIN)/mypy app/domain

package: $(STAMP)
	$(BIN)/pip install --quiet pyinstaller
	$(BIN)/pyinstaller --noconfirm --clean packaging/diligence.spec
	$(BIN)/python packaging/smoke_test.py dist/diligence

clean:
	rm -rf $(VENV) build dist .pytest_cache
