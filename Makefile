# The two commands: `make run` starts the whole service desk, `make test` runs every test.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PACKAGES := libs/common services/intake services/triage services/escalation services/sla \
            services/survey services/knowledge gateway
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test unit lint bench venv browser imap pgbouncer ldap clean

$(VENV)/.installed: requirements.lock $(addsuffix /pyproject.toml,$(PACKAGES))
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	# The packages are used from the working tree: a path entry per package (like an
	# editable install, but a regular package on a path entry always wins over a same-named
	# folder in the working directory, such as the repository's gateway/).
	printf '%s\n' $(abspath $(PACKAGES)) > "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/servicedesk.pth"
	touch $@

venv: $(VENV)/.installed

# Debian's Chromium for the browser tests (Playwright drives it; it downloads no browser).
browser:
	@test -x $(CHROMIUM) || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

# Debian's Dovecot for the mail tests (they start it themselves, unprivileged, on a free port).
DOVECOT ?= /usr/sbin/dovecot
imap:
	@test -x $(DOVECOT) || { \
	  echo "installing Debian's dovecot-imapd for the mail tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq dovecot-imapd >/dev/null; fi; }

# Debian's PgBouncer for the tests of the database behind a transaction pooler (the tests start
# their own on a free port; the packaged service is not used).
pgbouncer:
	@test -x /usr/sbin/pgbouncer || { \
	  echo "installing Debian's pgbouncer for the tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq pgbouncer >/dev/null; fi; }

# Debian's slapd and ldap-utils for the directory sign-in tests (they start their own slapd,
# unprivileged, on a free port; the packaged service is not used).
ldap:
	@test -x /usr/sbin/slapd && command -v ldapadd >/dev/null || { \
	  echo "installing Debian's slapd and ldap-utils for the directory tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slapd ldap-utils >/dev/null; \
	  else sudo apt-get update -qq && \
	    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slapd ldap-utils >/dev/null; fi; }

run: venv
	$(PY) deploy/run.py

test: venv browser imap pgbouncer ldap
	$(PY) -m pytest

unit: venv
	$(PY) -m pytest -m "not integration"

lint: venv
	$(VENV)/bin/ruff check .

# Benchmarks (bench/run.py; BENCH_ARGS=--quick for a short run); Debian's wrk is the load generator.
bench: venv
	@command -v wrk >/dev/null || { \
	  echo "installing Debian's wrk for the benchmarks"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null; fi; }
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf var .pytest_cache test-artifacts
