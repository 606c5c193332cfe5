# plantls: the two set-up commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: demo test lint install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

# torch is pinned here (not in pyproject.toml, which keeps an open range for users) so that
# CI and fresh clones get the CPU build instead of a multi-GB CUDA download.
TORCH_PIN := torch==2.13.0

$(DEVSTAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q $(TORCH_PIN)
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(STAMP)
install-dev: $(DEVSTAMP)

## demo: install plantls and check the example plant (findings are expected: it has mistakes)
demo: $(STAMP)
	-$(BIN)/plantls check examples/
	@echo
	@echo "The findings above are the example plant's deliberate mistakes."
	@echo "Explain one with: $(BIN)/plantls rules ST201"

## test: install the dev extras and run linters and the whole test suite
test: $(DEVSTAMP)
	$(BIN)/ruff check server tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q

lint: $(DEVSTAMP)
	$(BIN)/ruff check server tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info server/*.egg-info
