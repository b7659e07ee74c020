// Copy buttons: shown only when the Clipboard API is available (otherwise select and copy).
// The status texts come from the button's data-copied / data-copy-failed, in the page's language.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-copy-target]");
  var status = document.getElementById("copy-status");
  Array.prototype.forEach.call(buttons, function (button) {
    var input = document.getElementById(button.dataset.copyTarget);
    if (!input) {
      return;
    }
    input.addEventListener("focus", function () { input.select(); });
    if (!navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        if (status) { status.textContent = button.dataset.copied || ""; }
      }, function () {
        input.select();
        if (status) { status.textContent = button.dataset.copyFailed || ""; }
      });
    });
  });
})();
