# The two set-up commands of the README. Both make a virtual environment in .venv first.
VENV := .venv
PYTHON ?= python3

.PHONY: run test

$(VENV)/bin/pip:
	$(PYTHON) -m venv $(VENV)

# Serve the bot on http://127.0.0.1:5000 with its embedded SQLite database (loaded from data/ when empty).
run: $(VENV)/bin/pip
	$(VENV)/bin/pip install --quiet -e .
	$(VENV)/bin/flask --app bot run

# Install the test dependencies and run the whole suite (on PostgreSQL too when TEST_DATABASE_URL is set).
test: $(VENV)/bin/pip
	$(VENV)/bin/pip install --quiet -e '.[test,postgres]'
	$(VENV)/bin/pytest
