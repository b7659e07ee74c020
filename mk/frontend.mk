# Front-end assets for the caseworker calendar: FullCalendar 6 (from package.json via npm) is
# copied into web/static/vendor/ at set-up and served by Flask from there (no CDN).

VENDOR := web/static/vendor/fullcalendar

$(VENDOR)/.copied: node_modules/.installed
	mkdir -p $(VENDOR)
	cp node_modules/fullcalendar/index.global.min.js $(VENDOR)/index.global.min.js
	cp node_modules/@fullcalendar/core/locales/da.global.min.js $(VENDOR)/da.global.min.js
	touch $@

.PHONY: frontend
frontend: $(VENDOR)/.copied

SETUP_EXTRA += $(VENDOR)/.copied
