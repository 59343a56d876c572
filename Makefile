# Quickstart targets. Everything installs into .venv from the package registries.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run demo test clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Crawl the live site into data/pmkz.db.
run: setup
	$(BIN)/pmkz crawl

# No internet? Crawl the offline replica instead: data/demo.db and data/demo-images/.
demo: setup
	$(BIN)/python -m pmkz.demo

# The browser tests need Debian's chromium, the revisit clock tests its libfaketime; the
# script installs them when missing. Three workers on two cores (a third runs while the
# others wait on a crawl's timeouts and schedules), each taking a test module at a time so
# that a module's shared crawl is made once, in the order tests/conftest.py gives (the
# longest modules first); `-m "not slow"` leaves out the long tests.
test: setup
	bash scripts/install-test-tools.sh
	$(BIN)/python -m pytest -q -n 3 --dist loadfile --no-loadscope-reorder

clean:
	rm -rf $(VENV) data build *.egg-info
