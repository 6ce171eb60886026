# Caseweight: `make demo` sets up everything and serves the demo; `make test` runs every test.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
ADDR ?= 127.0.0.1:8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
# In the data folder settings.py reads: CASEWEIGHT_DATA_DIR, else ./data.
SECRET_KEY_FILE := $(or $(CASEWEIGHT_DATA_DIR),data)/secret-key

.PHONY: install demo serve test test-sqlite test-postgres bench clean messages

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: install $(SECRET_KEY_FILE)
	$(BIN)/caseweight migrate --noinput
	$(BIN)/caseweight demo
	$(BIN)/caseweight serve $(ADDR)

serve: install $(SECRET_KEY_FILE)
	$(BIN)/caseweight migrate --noinput
	$(BIN)/caseweight serve $(ADDR)

# Caseweight refuses to start without a secret key: a random one, made once, readable by its owner only.
$(SECRET_KEY_FILE):
	mkdir -p $(@D)
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@.new && mv $@.new $@

test: test-sqlite test-postgres

# DATABASE_URL is emptied so this run is on SQLite whatever the environment says.
test-sqlite: install
	DATABASE_URL= $(BIN)/pytest -q

# On PostgreSQL when DATABASE_URL is set or a server answers on 127.0.0.1:5432.
test-postgres: install
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== PostgreSQL run ($$DATABASE_URL)"; $(BIN)/pytest -q; \
	elif $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
		echo "== PostgreSQL run ($(PG_URL))"; DATABASE_URL=$(PG_URL) $(BIN)/pytest -q; \
	else \
		echo "== PostgreSQL run skipped: DATABASE_URL is not set and nothing answers on 127.0.0.1:5432"; \
	fi

bench: install
	$(BIN)/python -m bench
	$(BIN)/python -m bench.assignment

clean:
	rm -rf $(VENV) data .pytest_cache

# Refresh the French catalogue from the code, then compile it (needs GNU gettext).
messages: install $(SECRET_KEY_FILE)
	cd caseweight && ../$(BIN)/caseweight makemessages -l fr --no-obsolete --no-location
	cd caseweight && ../$(BIN)/caseweight compilemessages -l fr
