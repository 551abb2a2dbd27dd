# Herald: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONFIG ?= config/herald.toml

.PHONY: install run test check once clean bench screenshots fuzz

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,browser,serve,postgres]'
	touch $(STAMP)

run: install
	$(BIN)/python run_scheduler.py --config $(CONFIG)

once: install
	$(BIN)/herald run --once --config $(CONFIG)

test: install
	$(BIN)/python -m pytest

check: install
	$(BIN)/ruff check src tests benchmarks docs tools run_scheduler.py
	$(BIN)/ruff format --check src tests benchmarks docs tools run_scheduler.py
	$(BIN)/mypy

# Benchmarks (minutes; not tests): the tables in README.md's Performance section.
bench: install
	$(BIN)/python benchmarks/bench_render.py
	$(BIN)/python benchmarks/bench_pipeline.py
	$(BIN)/python benchmarks/bench_instructions.py
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_stores.py
	$(BIN)/python benchmarks/bench_serve.py
	$(BIN)/python benchmarks/bench_soak.py
	$(BIN)/python benchmarks/bench_translation.py

# Fuzzing with many more inputs than `make test` (minutes): run before a release.
fuzz: install
	$(BIN)/python -m pytest tests/test_fuzz.py -q -p no:cacheprovider \
		--hypothesis-profile=fuzz --hypothesis-show-statistics --hypothesis-seed=$${SEED:-0}

# Pictures of the pages for README.md (look at them before committing).
screenshots: install
	$(BIN)/python docs/screenshots.py

clean:
	rm -rf $(VENV) var
