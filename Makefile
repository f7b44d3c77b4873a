# Two commands set up and use everything from nothing: `make site` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CONTENT ?= content
OUTPUT  ?= output

.PHONY: site test serve check clean system-deps test-deps fonts axe bench dist

site: $(VENV)/.installed-site system-deps fonts
	$(BIN)/sitegen build $(CONTENT) -o $(OUTPUT)

check: $(VENV)/.installed-site system-deps fonts
	$(BIN)/sitegen check $(CONTENT)

test: $(VENV)/.installed-test test-deps fonts axe
	$(BIN)/python -m pytest

# Live preview on http://127.0.0.1:8000/: rebuilds on change, the browser reloads by itself.
serve: $(VENV)/.installed-site system-deps fonts
	$(BIN)/sitegen serve $(CONTENT)

system-deps:
	sh tools/system-deps.sh

# Also what only the tests use: poppler-utils (read PDFs), Chromium and a CJK system font.
test-deps:
	sh tools/system-deps.sh test

# The poster font (Noto Sans SC, OFL), fetched by `sitegen fonts` at a pinned version into the
# per-user font folder and checked by sha256; never committed. A quick no-op when it is in place;
# npm (which fetches it) is installed from Debian only when the font is missing.
fonts: $(VENV)/.installed-site
	@$(BIN)/sitegen fonts --check 2>/dev/null || { command -v npm >/dev/null || sh tools/system-deps.sh npm; $(BIN)/sitegen fonts; }

# axe-core for the browser tests (tests/test_browser.py), pinned and checked by sha256 the same way.
axe:
	sh tools/fetch-axe.sh

$(VENV)/.created:
	$(MAKE) system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.installed-site: pyproject.toml $(VENV)/.created
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.created
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-site

# A release: dist/sitegen-<version>.tar.gz and the wheel built from it (the version is
# sitegen/__init__.py's __version__; say what changed in CHANGELOG.md first).
dist: $(VENV)/.installed-test
	rm -rf dist
	$(BIN)/python -m build --outdir dist .

clean:
	rm -rf $(VENV) $(OUTPUT) .sitegen-cache .pytest_cache dist

# One table: sitegen (cold, cache kept, no-op, one-file edit, posters) against Hugo and Pelican.
bench: $(VENV)/.installed-bench system-deps fonts
	$(BIN)/python bench/run.py

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.created
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@
