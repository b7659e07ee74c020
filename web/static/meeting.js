// The meeting page: embed Jitsi with its IFrame API, or reload when the meeting opens.
(function () {
  "use strict";

  var waiting = document.getElementById("meeting-waiting");
  if (waiting) {
    // Reload when the meeting window opens (capped so a sleeping laptop still re-checks).
    var seconds = parseInt(waiting.getAttribute("data-opens-in"), 10) || 0;
    window.setTimeout(function () { window.location.reload(); },
      Math.min(seconds + 2, 30 * 60) * 1000);
    return;
  }

  var node = document.getElementById("jitsi-meeting");
  if (!node) {
    return;
  }
  if (typeof window.JitsiMeetExternalAPI !== "function") {
    node.textContent = node.dataset.loadFailed || "";
    return;
  }

  var lang = node.getAttribute("data-lang") === "en" ? "en" : "da";
  var options = {
    roomName: node.getAttribute("data-room"),
    parentNode: node,
    width: "100%",
    height: "100%",
    lang: lang,
    userInfo: { displayName: node.getAttribute("data-name") },
    configOverwrite: {
      // Start on the pre-join screen: camera and microphone check before entering.
      prejoinConfig: { enabled: true },
      prejoinPageEnabled: true,
      // Stay in the browser on phones instead of sending people to the app store.
      disableDeepLinking: true,
      // No gravatar or other third-party requests from inside the meeting.
      disableThirdPartyRequests: true,
      defaultLanguage: lang
    },
    interfaceConfigOverwrite: {
      MOBILE_APP_PROMO: false,
      SHOW_JITSI_WATERMARK: false
    }
  };
  var jwt = node.getAttribute("data-jwt");
  if (jwt) {
    options.jwt = jwt;
  }
  // The token has been handed to the API; do not leave it in the page.
  node.removeAttribute("data-jwt");

  var api = new window.JitsiMeetExternalAPI(node.getAttribute("data-domain"), options);
  api.addListener("readyToClose", function () {
    api.dispose();
    node.hidden = true;
    var ended = document.getElementById("meeting-ended");
    if (ended) {
      ended.hidden = false;
    }
  });
}());
