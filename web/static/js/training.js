// The training page follows its training: progress and log are fetched every few seconds while
// it runs, and the page reloads once it has finished (to show the evaluation). Without
// JavaScript the page has a reload link instead.
(function () {
  "use strict";
  var box = document.getElementById("training-progress");
  if (!box || box.getAttribute("data-running") !== "yes" || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("progress-bar");
  function field(name) { return box.querySelector('[data-field="' + name + '"]'); }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (training) {
        if (!training) { return; }
        var percent = Math.round(training.progress * 100);
        bar.value = percent;
        bar.textContent = percent + " %";
        field("percent").textContent = percent + " %";
        field("log").textContent = training.log_tail || "–";
        if (training.status === "succeeded" || training.status === "failed") {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, 3000);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, 2000);
})();
