# Two commands for a fresh machine: `make run` and `make test`. Each builds the
# virtual environment it needs first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test chromium test-imports test-sqlite test-postgres chat bench bench-national lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/gopy run

chat: $(STAMP)
	$(BIN)/gopy chat

# The import contracts (pyproject.toml's [tool.importlinter]), then the whole suite
# twice: on SQLite, then on a throwaway PostgreSQL server (installed from Debian's
# packages when missing and run as root, as in CI).
test: test-imports chromium test-sqlite test-postgres

# Debian's chromium for the web console's browser tests (installed when missing and root).
chromium:
	scripts/ensure-chromium.sh

test-imports: $(STAMP)
	$(BIN)/lint-imports

# The compiled report's test converts the .docx with LibreOffice; CI installs it when root.
test-sqlite: $(STAMP)
	@command -v libreoffice >/dev/null || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null || \
	  { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    libreoffice-writer-nogui poppler-utils >/dev/null; }
	$(BIN)/pytest

test-postgres: $(STAMP)
	@status=0; scripts/with-postgres.sh $(BIN)/pytest || status=$$?; \
	if [ $$status -eq 3 ] && [ -z "$$CI" ]; then \
	  echo "!! PostgreSQL not available: the suite ran on SQLite only"; \
	else exit $$status; fi

# Every benchmark, beside its ceiling, into BENCHMARKS.md (see bench/; --quick for CI size).
$(VENV)/.bench-installed: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

bench: $(VENV)/.bench-installed
	$(BIN)/python -m bench
	$(BIN)/python -m bench.grouping --write
	$(BIN)/python -m bench.compile_report --write

# Not part of `make bench`: 5.6 million members on a throwaway PostgreSQL (SCALE=0.1 for a
# tenth), its section written into BENCHMARKS.md. Needs ~25 GB in /tmp at full scale.
SCALE ?= 1
bench-national: $(VENV)/.bench-installed
	$(BIN)/python -m bench.national --scale $(SCALE)

lint: $(STAMP)
	$(BIN)/ruff check bot handlers storage content web tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) data/*.db data/*.db-*
