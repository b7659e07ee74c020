// Draws every <canvas data-chart="<id of a JSON block>"> made by the `chart` macro
// (web/templates/_charts.html) with the vendored Chart.js. The same figures are in the table
// beside each chart, so nothing is lost when scripts or canvas are unavailable.
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }
  // Colours with at least 3:1 contrast against white (WCAG 1.4.11), told apart by pattern too.
  var COLOURS = ["#1f5fa8", "#b3361d", "#2d7a3a", "#6b3fa0", "#8a5a00", "#00707a"];
  var DASHES = [[], [6, 3], [2, 2], [8, 4, 2, 4]];
  Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var datasets = spec.datasets.map(function (dataset, index) {
      var colour = COLOURS[index % COLOURS.length];
      return Object.assign({
        backgroundColor: colour,
        borderColor: colour,
        borderDash: DASHES[index % DASHES.length],
        borderWidth: 2
      }, dataset);
    });
    var ticks = spec.percent ? { callback: function (value) { return value + " %"; } } : { precision: 0 };
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { position: "bottom" } },
        scales: { y: { beginAtZero: true, ticks: ticks } }
      }
    });
  });
}());
