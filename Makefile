# Attune developer commands. `make help` lists them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)
export HF_HUB_OFFLINE := 1

.DEFAULT_GOAL := help
.PHONY: help setup run test test-fast fuzz lint format eval train bench clean llm-local test-realmodel

help: ## List every target
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

setup: $(STAMP) ## Create .venv and install Attune with its dev tools

run: $(STAMP) ## Run everything on the embedded default (Postgres+pgvector, Redis, API, worker)
	$(BIN)/attune up

test: $(STAMP) ## The whole test suite, then the guideline evals on the offline backend
	$(BIN)/pytest -q
	$(BIN)/attune eval guidelines --backend offline

test-fast: $(STAMP) ## Unit tests only
	$(BIN)/pytest -q tests/unit

fuzz: $(STAMP) ## Schemathesis, every check, every role, 100 examples per operation, random seed
	@seed=$${FUZZ_SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}; echo "make fuzz: FUZZ_SEED=$$seed"; \
		FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-100} FUZZ_SEED=$$seed $(BIN)/pytest -q tests/integration/test_api_fuzz.py

llm-local: $(STAMP) ## Fetch, verify and serve a local model on :8088 (LLM_LOCAL_MODEL=qwen2.5-coder-1.5b|smollm2-135m)
	$(BIN)/attune llm serve-local --model $${LLM_LOCAL_MODEL:-qwen2.5-coder-1.5b} --port $${LLM_LOCAL_PORT:-8088}

test-realmodel: $(STAMP) ## Tip, chat and classification through a real llama.cpp server with SmolLM2-135M
	@$(BIN)/attune llm install || echo "make test-realmodel: no llama.cpp server; the tests will skip" >&2
	$(BIN)/attune llm fetch --model smollm2-135m
	$(BIN)/pytest -q -m realmodel tests/realmodel

lint: $(STAMP) ## Ruff lint + format check, mypy --strict
	$(BIN)/ruff check service workers tests
	$(BIN)/ruff format --check service workers tests
	$(BIN)/mypy service workers

format: $(STAMP) ## Apply ruff formatting and safe fixes
	$(BIN)/ruff check --fix service workers tests
	$(BIN)/ruff format service workers tests

eval: $(STAMP) ## Evaluation reports under evals/reports/ (guidelines, classifier, retrieval, CounselChat)
	$(BIN)/attune eval guidelines --backend offline
	$(BIN)/attune eval classify
	$(BIN)/attune eval retrieval
	$(BIN)/attune eval counselchat

train: $(STAMP) ## Retrain the local classifier artefact from evals/data (reproducible)
	$(BIN)/attune classify train

bench: $(STAMP) ## Benchmarks (see bench/README.md); results in bench/results/ and docs/benchmarks/
	$(BIN)/python bench/ingest.py  # ~2.5 min; needs wrk (apt-get install wrk)
	$(BIN)/python bench/pipeline.py  # ~7 min: pipeline vs embedding alone, 1/2/4 workers, end-to-end p99
	$(BIN)/python bench/classify_throughput.py
	$(BIN)/python bench/retrieval_latency.py
	$(BIN)/python bench/llm_overhead.py
	$(BIN)/python bench/hnsw_scale.py  # ~17 min and ~4 GB of disk at 1 M vectors

clean: ## Remove caches (keeps .attune data)
	rm -rf .pytest_cache .mypy_cache .ruff_cache
