# Lighthouse accessibility scores of /, /book and the manage page (not part of `make test`:
# the axe-core browser tests are the gate). Lighthouse is installed on demand, without touching
# package.json; it drives the Debian Chromium (CHROME_PATH).
LIGHTHOUSE_VERSION := 12.8.2
CHROME_PATH ?= /usr/bin/chromium

.PHONY: lighthouse
node_modules/lighthouse/cli/index.js: | node_modules/.installed
	npm install --no-save --no-audit --no-fund --loglevel=error lighthouse@$(LIGHTHOUSE_VERSION)

lighthouse: $(VENV)/.installed $(STAMPS)/system-deps node_modules/lighthouse/cli/index.js
	CHROME_PATH=$(CHROME_PATH) $(PY) -m bench.lighthouse
