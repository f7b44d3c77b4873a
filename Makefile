# Two commands set up and use everything from nothing: `make site` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CONTENT ?= content
OUTPUT  ?= output

.PHONY: site test serve check clean system-deps

site: $(VENV)/.installed-site
	$(BIN)/sitegen build $(CONTENT) -o $(OUTPUT)

check: $(VENV)/.installed-site
	$(BIN)/sitegen check $(CONTENT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

# Reserved for the live preview server.
serve: $(VENV)/.installed-site
	$(BIN)/sitegen serve $(CONTENT)

system-deps:
	sh tools/system-deps.sh

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

clean:
	rm -rf $(VENV) $(OUTPUT) .sitegen-cache .pytest_cache
