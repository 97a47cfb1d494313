# Two commands for a fresh machine: `make run` and `make test`. Each builds the
# virtual environment it needs first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test chat bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/gopy run

chat: $(STAMP)
	$(BIN)/gopy chat

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check bot handlers storage content tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) data/*.db data/*.db-*
