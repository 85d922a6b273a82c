# diplosearch — the two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
INDEX  ?= var/index
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint soak install install-test install-bench relevance bench accuracy index clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

index: install
	$(BIN)/diplosearch --index $(INDEX) index seeds/

run: index
	$(BIN)/diplosearch --index $(INDEX) serve --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/python -m pytest -q

soak: install-test  ## long reliability runs: crash trials over thousands of real articles, 60 s load
	DIPSEARCH_SOAK=1 $(BIN)/python -m pytest -q -s tests/reliability

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Accuracy and speed of the indexer on ../shared/corpora (docs/accuracy.md); takes minutes.
CORPORA ?= ../shared/corpora
accuracy: install
	$(BIN)/python -m indexer.evaluate $(CORPORA)

# The benchmark extra: the peers diplosearch is compared with (SQLite FTS5 needs nothing).
$(VENV)/.installed-bench: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[test,bench]"
	touch $@ $(VENV)/.installed-test $(VENV)/.installed
install-bench: $(VENV)/.installed-bench

# MAP, nDCG@10, P@10 on Cranfield and CISI vs SQLite FTS5 and Tantivy (docs/benchmarks.md).
relevance: install-bench
	$(BIN)/python -m bench.relevance --corpora $(CORPORA)

# Speed on 50,000 articles built from the corpora: indexing, query latency with facets and
# highlights, incremental add of 1,000 (docs/benchmarks.md); takes about half an hour.
bench: install-bench
	$(BIN)/python -m bench.run --corpora $(CORPORA)

clean:
	rm -rf var .pytest_cache
