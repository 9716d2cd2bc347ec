# Two commands for a new user: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
MODEL  ?=
FROM   ?= en
TO     ?= fr

.PHONY: demo demo-offline test lint bench browser clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# The main job on the example transcript with a real Argos model.
# MODEL=path.argosmodel installs that file first (air-gapped machines).
demo: $(STAMP)
ifneq ($(MODEL),)
	$(BIN)/pipeline models install --file "$(MODEL)"
endif
	@$(BIN)/python -c "import sys; from pipeline.mt.models import find_model; sys.exit(find_model('$(FROM)', '$(TO)') is None)" \
	  || $(BIN)/pipeline models install $(FROM) $(TO) \
	  || { echo; echo "No $(FROM)→$(TO) model is installed and the Argos index cannot be reached."; \
	       echo "  Online:  make demo                 (downloads the model from the Argos index)"; \
	       echo "  Offline: make demo MODEL=translate-$(FROM)_$(TO).argosmodel   (a file carried over)"; \
	       echo "  Toy run: make demo-offline         (a word-by-word test model built locally, not a real translation)"; \
	       exit 1; }
	$(BIN)/pipeline run examples/transcript.txt --from $(FROM) --to $(TO)
	@echo; echo "PO file:   translations/$(TO)/examples/transcript.po  (open it in Poedit, Lokalize or Weblate)"
	@echo "Documents: output/$(TO)/examples/transcript.txt, output/$(FROM)-$(TO)/examples/transcript.html, output/index.html"

# The same job with the locally built word-by-word test model (no network, not a real translation).
demo-offline: $(STAMP)
	ARGOS_PACKAGES_DIR=$(CURDIR)/.models $(BIN)/python -m pipeline.testing install-demo-model examples/transcript.txt
	ARGOS_PACKAGES_DIR=$(CURDIR)/.models $(BIN)/pipeline run examples/transcript.txt --to fr

# Ray (optional extra) for the distributed-executor tests; skipped with a reason if unavailable.
$(VENV)/.ray-installed: $(STAMP)
	@$(BIN)/python -m pip install --quiet -e '.[ray]' \
	  || echo "ray could not be installed: tests/test_distributed.py will be skipped"
	@touch $@

browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
	  || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] \
	       && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	       || echo "chromium not installed: browser tests will be skipped"; }

test: $(STAMP) $(VENV)/.ray-installed browser
	$(BIN)/ruff check pipeline tests bench
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/translate_speed.py

clean:
	rm -rf $(VENV) output translations .models test-artifacts .pytest_cache
