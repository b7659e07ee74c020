# Front-end assets from package.json (via npm), copied into web/static/vendor/ at set-up and
# served by Flask from there (no CDN): FullCalendar 6 for the caseworker calendar, Chart.js 4
# for the admin insight charts.

VENDOR := web/static/vendor/fullcalendar
CHARTJS := web/static/vendor/chartjs

$(VENDOR)/.copied: node_modules/.installed
	mkdir -p $(VENDOR)
	cp node_modules/fullcalendar/index.global.min.js $(VENDOR)/index.global.min.js
	cp node_modules/@fullcalendar/core/locales/da.global.min.js $(VENDOR)/da.global.min.js
	touch $@

$(CHARTJS)/.copied: node_modules/.installed
	mkdir -p $(CHARTJS)
	cp node_modules/chart.js/dist/chart.umd.min.js $(CHARTJS)/chart.umd.min.js
	touch $@

.PHONY: frontend
frontend: $(VENDOR)/.copied $(CHARTJS)/.copied

SETUP_EXTRA += $(VENDOR)/.copied $(CHARTJS)/.copied
