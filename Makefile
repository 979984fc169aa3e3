# Two set-up commands on a fresh machine: `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
# The fixed, documented demo key, for the demo municipality the benchmark writes; a real
# deployment sets MAALBAR_PSEUDONYM_KEY itself.
DEMO_KEY := maalbar-demo-key-not-secret

.PHONY: run test lint ui docs bench clean

$(BIN)/maalbar: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The demo key only while the landing folder holds the demo and nothing else (--demo-key).
run: $(BIN)/maalbar
	$(BIN)/maalbar run --demo-if-empty --demo-key

# The Spark engine (MAALBAR_ENGINE=spark, docs/scale.md) is an extra of some 0.5 GB: installed
# for the tests (tests/test_spark.py) when Java is there (.ci/run installs it), never for `make run`.
$(VENV)/.spark-extra: pyproject.toml $(BIN)/maalbar
	if command -v java >/dev/null; then $(BIN)/pip install --quiet -e '.[dev,spark]' && touch $@; fi

test: $(BIN)/maalbar $(VENV)/.spark-extra
	$(BIN)/maalbar prepare
	$(BIN)/pytest -q

lint: $(BIN)/maalbar
	$(BIN)/ruff check dagster_project expectations tests bench
	$(BIN)/sqlfluff lint dbt/models dbt/tests

# umask 077: what the UI's runs write is readable by its owner only, as with `maalbar run`.
# `dg dev` (dagster-dg-cli) serves the UI with a daemon of its own until Ctrl-C, which shuts
# both down; exec puts it in the shell's place, so make then ends without an error of its own.
ui: $(BIN)/maalbar
	$(BIN)/maalbar prepare
	umask 077 && DAGSTER_HOME=$${DAGSTER_HOME:-$(CURDIR)/data/dagster} exec $(BIN)/dg dev -w workspace.yaml

# `make bench SCALES=S REPEAT=1` for a quick look; see bench/README.md.
SCALES ?= S,M,L
REPEAT ?= 3
bench: $(BIN)/maalbar
	MAALBAR_PSEUDONYM_KEY=$${MAALBAR_PSEUDONYM_KEY:-$(DEMO_KEY)} $(BIN)/python -m bench.run --scales $(SCALES) --repeat $(REPEAT) --out bench/work

clean:
	rm -rf data dbt/target dbt/logs
