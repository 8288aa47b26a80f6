# Two commands matter: `make demo` and `make test`. Both bootstrap .venv from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck bench screenshots clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The demo keeps its key and databases in the checkout's var/ (make clean removes them).
demo: $(STAMP)
	REELHOUSE_DATA_DIR=$(CURDIR)/var $(BIN)/reelhouse demo

test: $(STAMP) lint typecheck
	$(BIN)/python -m pytest -n 3 --dist worksteal -q --durations=15

lint: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# The README's screenshots: the browser tests save them into docs/img only when asked.
screenshots: $(STAMP)
	REELHOUSE_SCREENSHOTS_DIR=docs/img $(BIN)/python -m pytest -q -p no:cacheprovider tests/browser -k sqlite

bench: $(STAMP)
	$(BIN)/python -m bench.simulation
	$(BIN)/python -m bench.durability
	$(BIN)/python -m bench.blocked_spins
	$(BIN)/python -m bench.history_check
	$(BIN)/python -m bench.load --also-postgresql postgresql://postgres@127.0.0.1:5432/postgres
	$(BIN)/python -m bench.relay
	$(BIN)/python -m bench.relay --database postgresql://postgres@127.0.0.1:5432/postgres --results bench/results/relay-postgresql.json
	$(BIN)/python -m bench.events
	$(BIN)/python -m bench.events --database postgresql://postgres@127.0.0.1:5432/postgres --results bench/results/events-postgresql.json

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
