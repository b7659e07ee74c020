// The citizen chat widget: talks to Rasa's REST channel (POST {RASA_URL}/webhooks/rest/webhook).
// No inline script and no innerHTML with bot text, so it works under a strict CSP.
(function () {
  "use strict";
  var root = document.getElementById("chat");
  if (!root) { return; }
  var endpoint = root.getAttribute("data-rasa-url").replace(/\/+$/, "") + "/webhooks/rest/webhook";
  var log = document.getElementById("chat-log");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-input");
  var status = document.getElementById("chat-status");

  function senderId() {
    var key = "borgerbooking-chat-sender";
    var id = window.sessionStorage.getItem(key);
    if (!id) {
      id = window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID()
        : String(Date.now()) + Math.random().toString(16).slice(2);
      window.sessionStorage.setItem(key, id);
    }
    return id;
  }

  // Text with links made clickable, built from DOM nodes (never parsed as HTML).
  function appendText(parent, text) {
    var parts = String(text).split(/(https?:\/\/[^\s]+)/);
    parts.forEach(function (part) {
      if (/^https?:\/\//.test(part)) {
        var a = document.createElement("a");
        a.href = part;
        a.textContent = part;
        a.rel = "noopener";
        a.target = "_blank";
        parent.appendChild(a);
      } else if (part) {
        parent.appendChild(document.createTextNode(part));
      }
    });
  }

  function addMessage(who, text) {
    var li = document.createElement("li");
    li.className = "chat__msg chat__msg--" + who;
    appendText(li, text);
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
    return li;
  }

  function addButtons(buttons) {
    var li = document.createElement("li");
    var list = document.createElement("ul");
    list.className = "chat__buttons";
    buttons.forEach(function (b) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = b.title;
      button.addEventListener("click", function () {
        list.querySelectorAll("button").forEach(function (x) { x.disabled = true; });
        send(b.payload, b.title);
      });
      item.appendChild(button);
      list.appendChild(item);
    });
    li.appendChild(list);
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  }

  function send(message, shown) {
    addMessage("user", shown || message);
    status.textContent = "Assistenten skriver … / The assistant is typing …";
    return fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: senderId(), message: message })
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (replies) {
      status.textContent = "";
      replies.forEach(function (reply) {
        if (reply.text) { addMessage("bot", reply.text); }
        if (reply.buttons && reply.buttons.length) { addButtons(reply.buttons); }
      });
    }).catch(function () {
      status.textContent = "";
      addMessage("bot", "Assistenten svarer ikke lige nu. Prøv igen om lidt. / " +
        "The assistant is not answering right now. Please try again shortly.");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send(text);
    input.focus();
  });
})();
