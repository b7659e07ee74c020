# Languages: the message catalogues (web/translations/<lang>/LC_MESSAGES/messages.po, in git) are
# compiled to .mo at set-up; `make translations-update` extracts new texts from booking/ and web/
# into both catalogues (English filled in, Danish kept) and `make translations-check` lists what
# is untranslated or fuzzy.
PYBABEL := $(VENV)/bin/pybabel
TRANSLATIONS_DIR := web/translations
MO_FILES := $(foreach lang,da en,$(TRANSLATIONS_DIR)/$(lang)/LC_MESSAGES/messages.mo)

.PHONY: translations translations-update translations-check

$(TRANSLATIONS_DIR)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS_DIR)/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(PYBABEL) compile --statistics -l $* -i $< -o $@

translations: $(MO_FILES)

translations-update: $(VENV)/.installed
	$(PY) -m web.catalogues update
	$(MAKE) --no-print-directory translations

translations-check: $(VENV)/.installed
	$(PY) -m web.catalogues check

SETUP_EXTRA += $(MO_FILES)
