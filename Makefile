# Two commands on a fresh machine:  make run  (dashboard on the demo data)  and  make test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= data/demo.duckdb
PORT   ?= 8501
STAMP  := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)

.PHONY: run test bench demo chromium libreoffice clean-demo

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

# the demo database is built from the committed export files, through the real connectors
$(DB): | $(STAMP)
	mkdir -p $(dir $(DB))
	$(BIN)/python cli.py sample --db $(DB) --from-files sample_data/demo

demo: $(DB)

run: $(STAMP) $(DB)
	@$(MAKE) --no-print-directory libreoffice || echo "LibreOffice is not installed: the Board deck page will offer the PPTX without PDF and previews."
	MVD_DB=$(DB) $(BIN)/python cli.py serve --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

libreoffice:
	@command -v soffice >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-impress poppler-utils; }

# pytest exits 5 when it collected no test: that is a failure here, never a pass
test: $(STAMP) chromium libreoffice
	$(BIN)/python -m pytest -q -p no:cacheprovider; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 1; fi; exit $$rc

bench: $(STAMP)
	$(BIN)/python benches/run_all.py

clean-demo:
	rm -f $(DB) $(DB).wal
