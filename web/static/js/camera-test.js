// The camera and microphone test (/camera-test): a live preview and a microphone level.
// Nothing leaves the browser. Texts come from the page (data-* attributes), so they are in the
// page's language; no inline script or style, so the strict CSP holds.
(function () {
  "use strict";
  var start = document.getElementById("camera-start");
  var stop = document.getElementById("camera-stop");
  var status = document.getElementById("camera-status");
  var previewBox = document.getElementById("camera-preview-box");
  var video = document.getElementById("camera-preview");
  var micBox = document.getElementById("mic-box");
  var meter = document.getElementById("mic-level");
  var problems = document.getElementById("camera-problems");
  if (!start || !status) { return; }

  var stream = null;
  var audio = null;
  var timer = null;

  function say(text) { status.textContent = text; }

  function showProblem(name) {
    Array.prototype.forEach.call(problems.querySelectorAll("[data-problem]"), function (item) {
      item.classList.toggle("problem--active", item.getAttribute("data-problem") === name);
    });
    var item = problems.querySelector('[data-problem="' + name + '"]');
    if (item) { say(item.textContent.replace(/\s+/g, " ").trim()); }
  }

  function showPermission(kind, state) {
    var cell = document.getElementById("permission-" + kind);
    if (cell && cell.hasAttribute("data-" + state)) { cell.textContent = cell.getAttribute("data-" + state); }
  }

  function readPermissions() {
    if (!navigator.permissions || !navigator.permissions.query) { return; }
    ["camera", "microphone"].forEach(function (kind) {
      navigator.permissions.query({ name: kind }).then(function (result) {
        showPermission(kind, result.state);
        result.onchange = function () { showPermission(kind, result.state); };
      }).catch(function () { /* this browser cannot tell: the "unknown" text stays */ });
    });
  }

  function problemFor(error) {
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") { return "denied"; }
    if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") { return "missing"; }
    if (name === "NotReadableError" || name === "AbortError" || name === "TrackStartError") { return "busy"; }
    return "unsupported";
  }

  function measure(source) {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context || !source.getAudioTracks().length) { return; }
    audio = new Context();
    var analyser = audio.createAnalyser();
    analyser.fftSize = 1024;
    audio.createMediaStreamSource(source).connect(analyser);
    var samples = new Uint8Array(analyser.fftSize);
    timer = window.setInterval(function () {
      analyser.getByteTimeDomainData(samples);
      var sum = 0;
      for (var i = 0; i < samples.length; i += 1) {
        var centred = (samples[i] - 128) / 128;
        sum += centred * centred;
      }
      meter.value = Math.min(100, Math.round(Math.sqrt(sum / samples.length) * 400));
      meter.textContent = String(meter.value);
    }, 100);
  }

  function halt() {
    if (timer) { window.clearInterval(timer); timer = null; }
    if (audio) { audio.close(); audio = null; }
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
    video.srcObject = null;
    previewBox.hidden = true;
    micBox.hidden = true;
    meter.value = 0;
  }

  start.addEventListener("click", function () {
    showProblem(null);
    say(status.getAttribute("data-starting"));
    navigator.mediaDevices.getUserMedia({ video: true, audio: true }).then(function (media) {
      stream = media;
      video.srcObject = media;
      previewBox.hidden = false;
      micBox.hidden = false;
      measure(media);
      start.hidden = true;
      stop.hidden = false;
      stop.focus();
      say(status.getAttribute("data-ok"));
      readPermissions();
    }).catch(function (error) {
      halt();
      showProblem(problemFor(error));
      readPermissions();
    });
  });

  stop.addEventListener("click", function () {
    halt();
    stop.hidden = true;
    start.hidden = false;
    start.focus();
    say(status.getAttribute("data-stopped"));
  });

  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    showProblem("unsupported");
    return;
  }
  start.hidden = false;
  readPermissions();
})();
