# diplosearch — the two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
INDEX  ?= var/index
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint soak install install-test install-bench relevance bench bench-50k bench-http accuracy index clean

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

# diplosearch, SQLite FTS5 and Tantivy side by side on N articles (default 100,000): indexing,
# query p50/p95/p99 with facets and highlights, incremental add of 1,000, memory, ratios
# (docs/benchmarks.md). Corpus and indexes in var/bench-compare/n$(N); REUSE=1 keeps them
# and measures the queries again. `make bench N=20000` is quicker.
bench: install-bench
	$(BIN)/python -m bench.compare --n $(N) --corpora $(CORPORA) $(if $(REUSE),--reuse) \
		--out bench/out/compare-$(N).json --plot docs/img/compare-latency.png

# Issue 4's figures: diplosearch alone on 50,000 articles (bench/run.py); about 5 minutes
# once the corpus exists in var/bench.
bench-50k: install-bench
	$(BIN)/python -m bench.run --corpora $(CORPORA)

# Throughput and latency of /api/search under 4 and 16 clients against `diplosearch serve`,
# and the server's memory, at 4, 8 and 16 threads with 1 and 2 workers (`serve --workers`)
# (docs/benchmarks.md). Builds or reuses a corpus and index of N articles in
# var/bench-http (about 10 minutes once the index exists); `make bench-http N=20000` is quicker.
N ?= 100000
THREADS ?= 4 8 16
WORKERS ?= 1 2
bench-http: install-bench
	$(BIN)/python -m bench.http_load --n $(N) --corpora $(CORPORA) --threads $(THREADS) \
		--workers $(WORKERS) --out bench/out/http-$(N).json
	$(BIN)/python -m bench.plot bench/out/http-$(N).json --out docs/img/http-load.png

clean:
	rm -rf var .pytest_cache
