# The two commands a newcomer needs:  `make book`  and  `make test`.
# Both create .venv on first use and install the pinned requirements and mlpkit.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard chapters/*.ipynb))
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/book/nbval_sanitize.cfg
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider

.DEFAULT_GOAL := help
.PHONY: help install book test check lint format test-portable execute lab serve bench pdf clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q --upgrade pip
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q --no-deps --no-build-isolation -e .
	@touch $@

install: $(STAMP)  ## create .venv and install everything (done by the other targets)

book: $(STAMP)  ## build the website into _build/html (warnings are errors)
	$(BIN)/jupyter-book build . -W --keep-going
	@echo "The book is at file://$(CURDIR)/_build/html/index.html"
	@test -f _build/html/book.pdf || echo "('make pdf' adds the whole book as one PDF to its Download menu, in about 65 s)"

test: $(STAMP)  ## everything: unit tests, nbval on every notebook, strict book build, browser test
	$(PYTEST) tests $(NOTEBOOKS) $(NBVAL)

check: $(STAMP)  ## the fast loop: the package's unit tests only (under 30 s)
	$(PYTEST) tests/unit -q

lint: $(STAMP)  ## ruff: lint and format check of the whole repository, notebooks included
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)  ## ruff: fix what can be fixed and format the whole repository
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test-portable: $(STAMP)  ## nbval under simulated machines: 3 OpenBLAS kernels x 1, 2, 4 threads
	$(BIN)/python tests/book/portable.py $(NOTEBOOKS)

execute: $(STAMP)  ## re-run every notebook top to bottom in a fresh kernel, in place
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.kernel_name=python3 \
		--ExecutePreprocessor.timeout=600 \
		--ExecutePreprocessor.record_timing=False \
		$(NOTEBOOKS)

lab: $(STAMP)  ## open the chapters in JupyterLab with the venv's kernel
	$(BIN)/jupyter lab chapters/

serve:  ## serve the built website on http://127.0.0.1:8000
	@test -f _build/html/index.html || { echo "Run 'make book' first."; exit 1; }
	$(BIN)/python -m http.server 8000 --bind 127.0.0.1 --directory _build/html

bench: $(STAMP)  ## time one training epoch (see bench/README.md)
	$(BIN)/python bench/train_epoch.py

pdf: $(STAMP)  ## the whole book as one PDF (headless Chromium, offline): _build/pdf/book.pdf, also offered by the website
	$(BIN)/python tools/book_pdf.py --out _build/pdf/book.pdf --site _build/html

clean:  ## remove the built website (keeps .venv)
	rm -rf _build
