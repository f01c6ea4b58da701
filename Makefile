# Two commands on a fresh machine: `make build` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ARGS   ?=

PIP    := $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes

.PHONY: build serve check import test lint golden audit audit-deps lock bench clean system-deps tools wheel cms

## build: create the virtual environment, install pinned dependencies, build output/
build: $(VENV)/.runtime
	$(PY) build.py build $(ARGS)

check: $(VENV)/.runtime
	$(PY) build.py check $(ARGS)

## serve: live preview on http://127.0.0.1:8000/ that rebuilds and reloads as you edit, with
## the web editor at /admin/ saving to this working copy (its local backend from tools/cms/)
serve: $(VENV)/.runtime cms
	$(PY) build.py serve $(ARGS)

## import: turn a signed document into a draft record: make import FILE=protocollo.pdf
## (ARGS="--id milano-lisbona-2025" to choose its id)
import: $(VENV)/.runtime
	@test -n "$(FILE)" || { echo 'usage: make import FILE=path/to/signed.pdf [ARGS="--id ..."]' >&2; exit 2; }
	$(PY) build.py import "$(FILE)" $(ARGS)

# Every file pip installs must match a hash in requirements*.txt (see `make lock`).
$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements-build.txt requirements.txt $(VENV)/.runtime
	$(PIP) -r requirements.txt -r requirements-build.txt -r requirements-dev.txt
	touch $@

# The build backend and front end, pinned and hashed like everything else: the wheel is
# built offline from them (no isolated environment fetched at build time).
$(VENV)/.build: requirements-build.txt $(VENV)/.runtime
	$(PIP) -r requirements.txt -r requirements-build.txt
	touch $@

## wheel: the installable package (dist/accordi-<version>-py3-none-any.whl), built offline
wheel: $(VENV)/.build
	rm -rf dist
	$(PY) -P -m build --wheel --no-isolation --outdir dist .  # -P: build.py here is not `build`

## system-deps: Chromium (browser tests), a Java runtime (HTML checker), Tesseract with its
## Italian and English data (importing scans), the DejaVu fonts (the test documents) and
## strace (disk faults injected into real builds), ShellCheck (the scripts of the CI
## templates, through actionlint)
OCR_DATA := /usr/share/tesseract-ocr/5/tessdata
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v java >/dev/null || \
	    ! command -v tesseract >/dev/null || ! test -f $(OCR_DATA)/ita.traineddata || \
	    ! test -f $(OCR_DATA)/eng.traineddata || \
	    ! test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || ! command -v strace >/dev/null || \
	    ! command -v shellcheck >/dev/null; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium \
	    default-jre-headless tesseract-ocr tesseract-ocr-ita tesseract-ocr-eng fonts-dejavu-core \
	    strace shellcheck; \
	fi

## tools: npm packages the gates use (axe-core, vnu-jar, lighthouse), under tools/
tools: tools/node_modules/.installed
tools/node_modules/.installed: tools/package.json tools/package-lock.json
	cd tools && npm ci --no-audit --no-fund --loglevel=error
	touch $@

## cms: the web editor's local backend for the preview (decap-server), under tools/cms/
cms: tools/cms/node_modules/.installed
tools/cms/node_modules/.installed: tools/cms/package.json tools/cms/package-lock.json
	cd tools/cms && npm ci --no-audit --no-fund --loglevel=error
	touch $@

## test: install everything the tests need, then run the linter, the type checker and every test
test: $(VENV)/.dev system-deps tools cms
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(PY) -m pytest

## audit: Lighthouse on key pages of both languages (scores in test-artifacts/lighthouse/)
audit: $(VENV)/.dev system-deps tools
	$(PY) -m pytest -s tests/audit_lighthouse.py

## bench: cold, warm and one-file-edit builds of 1,000 and 10,000 synthetic agreements
bench: $(VENV)/.runtime
	$(PY) -m bench.run $(ARGS)

## lock: re-resolve requirements*.in into requirements*.txt with hashes (after editing a .in)
lock:
	test -x .venv-lock/bin/pip-compile || ($(PYTHON) -m venv .venv-lock && \
	  .venv-lock/bin/pip install --quiet --disable-pip-version-check pip-tools==7.6.2)
	for name in requirements requirements-build requirements-dev requirements-audit; do \
	  .venv-lock/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	    --no-emit-index-url --no-emit-find-links --output-file $$name.txt $$name.in || exit 1; \
	done

## audit-deps: known vulnerabilities in the pinned Python and npm packages (needs the
## advisory services: PyPI's JSON API and npm's audit endpoint)
audit-deps:
	test -x .venv-audit/bin/pip-audit || ($(PYTHON) -m venv .venv-audit && \
	  .venv-audit/bin/python -m pip install --quiet --disable-pip-version-check \
	    --require-hashes -r requirements-audit.txt)
	.venv-audit/bin/pip-audit --strict --disable-pip --require-hashes --progress-spinner off \
	  -r requirements.txt -r requirements-dev.txt -r requirements-audit.txt
	cd tools && npm audit
	cd tools/cms && npm audit

## golden: regenerate tests/golden/ from tests/fixtures/site/ (review the diff!)
golden: $(VENV)/.runtime
	$(PY) -m tests.regen_golden

clean:
	rm -rf output dist .pytest_cache test-artifacts
