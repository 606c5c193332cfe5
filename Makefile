# plantls: the two set-up commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: demo test lint install install-dev clean
.PHONY: editors vsix e2e editor-tools clean-editors

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
	@echo "Read a rule's doc with: $(BIN)/plantls rules ST401   (all rules: $(BIN)/plantls rules)"

## test: install the dev extras and run linters and the whole test suite
## (with the editor tests: Neovim, Emacs, VS Code; PLANTLS_EDITOR_TESTS=skip leaves them out)
test: $(DEVSTAMP) editor-tools
	$(BIN)/ruff check server tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q

lint: $(DEVSTAMP)
	$(BIN)/ruff check server tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info server/*.egg-info

# -- editors (clients/, tests/editors/) --------------------------------------------------------
VSCODE := clients/vscode
VSCODE_SOURCES := $(wildcard $(VSCODE)/src/*.ts $(VSCODE)/syntaxes/*.json $(VSCODE)/snippets/*.json \
	$(VSCODE)/language-configuration/*.json) $(VSCODE)/package.json $(VSCODE)/README.md \
	$(VSCODE)/esbuild.mjs $(VSCODE)/tsconfig.json $(VSCODE)/.vscodeignore

## editors: the Debian packages the editor tests use (neovim, emacs-nox + elpa-eglot, chromium)
editors:
	bash .ci/editor-packages.sh

## vsix: build the VS Code extension, with its language client bundled: clients/vscode/plantls.vsix
vsix: $(VSCODE)/plantls.vsix

$(VSCODE)/node_modules/.installed: $(VSCODE)/package-lock.json
	cd $(VSCODE) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

$(VSCODE)/plantls.vsix: $(VSCODE)/node_modules/.installed $(VSCODE_SOURCES)
	cd $(VSCODE) && npm run -s typecheck && npm run -s package

## e2e: everything the VS Code end-to-end test needs (code-server 4.100.3, playwright-core)
e2e: editors vsix
	bash tests/editors/vscode/install.sh

editor-tools:
	@bash .ci/editor-tools.sh $(MAKE)

clean-editors:
	rm -rf $(VSCODE)/node_modules $(VSCODE)/dist $(VSCODE)/plantls.vsix \
		tests/editors/vscode/node_modules tests/editors/artifacts

# -- models (models/, server/plantls/train) ------------------------------------------------------
.PHONY: model
TINY_STEPS := 1000
## model: rebuild models/plantls-tiny (from scratch on generated data only, ~18 min on 2 cores)
## and its example-plant adapter models/adapters/bottling-line; CI does not run this
model: $(DEVSTAMP)
	rm -rf build/synth build/models
	$(BIN)/python -m plantls.train.synth build/synth --seed 0 --st 60 --dss 20 --recipes 30 \
		--composed 1000
	$(BIN)/plantls train build/synth --from-scratch --out build/models/plantls-tiny \
		--max-steps $(TINY_STEPS) --seed 0 --threads 2 --no-progress
	# keep the hand-written model cards (README.md) across a rebuild
	cp models/plantls-tiny/README.md models/plantls-tiny/plantls.json build/models/plantls-tiny/ 2>/dev/null || true
	rm -rf models/plantls-tiny
	mv build/models/plantls-tiny models/plantls-tiny
	$(BIN)/plantls train examples/bottling_line --base models/plantls-tiny \
		--out build/models/bottling-line --max-steps 40 --holdout 0.3 --seed 0 --no-progress
	mkdir -p models/adapters
	cp models/adapters/bottling-line/README.md build/models/bottling-line/ 2>/dev/null || true
	rm -rf models/adapters/bottling-line
	mv build/models/bottling-line models/adapters/bottling-line
