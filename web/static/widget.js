/*
 * Borgerbooking's chat widget. A municipality embeds it with one line:
 *
 *   <script src="https://<booking host>/widget.js" async data-lang="da"></script>
 *
 * It adds a launcher button and a chat panel inside a Shadow DOM (no CSS leaks in or out),
 * reads its configuration and texts from the booking host (/widget/config.json, which only
 * answers allowed embedding origins), and talks to the assistant over Rasa's REST channel.
 * No inline script or style, and no HTML parsing: bot text is always set as text, so it works
 * under a strict Content-Security-Policy. The conversation (sender id and what was shown) is
 * kept in sessionStorage, so it survives page loads in the same tab.
 *
 * Optional attributes: data-lang="da|en" (default: the page's <html lang>), data-rasa-url
 * (overrides the assistant's address the booking host gives), data-open="true".
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.borgerbookingWidget) { return; }
  window.borgerbookingWidget = { version: 1 };

  var LANGUAGES = ["da", "en"];
  var TIMEOUT_MS = 20000;
  var base = new URL(script.src, window.location.href).origin;
  var storageKey = "borgerbooking-widget:" + base;

  function primary(lang) { return String(lang || "").toLowerCase().split("-")[0]; }
  function known(lang) { return LANGUAGES.indexOf(primary(lang)) >= 0 ? primary(lang) : null; }

  var pageLang = known(document.documentElement.lang) || "da";
  var initialLang = known(script.getAttribute("data-lang")) || pageLang;

  // --- State, kept for the tab ------------------------------------------------------------

  function newSender() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function loadState() {
    try {
      var raw = window.sessionStorage.getItem(storageKey);
      var saved = raw ? JSON.parse(raw) : null;
      if (saved && saved.sender && Array.isArray(saved.history)) { return saved; }
    } catch (e) { /* storage disabled or corrupt: start a new conversation */ }
    return { sender: newSender(), lang: initialLang, open: false, history: [], transcript: false };
  }

  var state = loadState();

  function saveState() {
    try { window.sessionStorage.setItem(storageKey, JSON.stringify(state)); } catch (e) { /* full or disabled */ }
  }

  // --- Small DOM helpers (text only, never HTML) ------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function safeUrl(raw) {
    try {
      var url = new URL(raw, base);
      return (url.protocol === "https:" || url.protocol === "http:" || url.protocol === "tel:" ||
        url.protocol === "mailto:") ? url.href : null;
    } catch (e) { return null; }
  }

  // Markdown links [title](url) and bare http(s) URLs become links; the rest stays text.
  var LINK = /\[([^\]]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?])/g;

  function appendText(parent, text) {
    var last = 0;
    var match;
    text = String(text);
    LINK.lastIndex = 0;
    while ((match = LINK.exec(text)) !== null) {
      if (match.index > last) { parent.appendChild(document.createTextNode(text.slice(last, match.index))); }
      var href = safeUrl(match[2] || match[3]);
      var label = match[1] || match[3];
      if (href) {
        var a = el("a", "bb-link", label);
        a.href = href;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        parent.appendChild(a);
      } else {
        parent.appendChild(document.createTextNode(match[0]));
      }
      last = LINK.lastIndex;
    }
    if (last < text.length) { parent.appendChild(document.createTextNode(text.slice(last))); }
  }

  // Which language a bot message is written in: the conversation's, unless the text clearly
  // reads as the other one (the assistant follows what the citizen writes).
  var DANISH = /[æøå]|\b(og|jeg|du|dig|ikke|med|til|har|kan|vil|mødet|tak|hvad|hvornår)\b/i;
  var ENGLISH = /\b(the|you|your|and|with|meeting|please|what|when|can|will|thank)\b/i;

  function detectLang(text, fallback) {
    var da = DANISH.test(text);
    var en = ENGLISH.test(text);
    if (da && !en) { return "da"; }
    if (en && !da) { return "en"; }
    return fallback;
  }

  // --- Building the widget ------------------------------------------------------------------

  function start(config) {
    var texts = config.texts || {};
    var rasaUrl = (script.getAttribute("data-rasa-url") || config.rasa_url || "").replace(/\/+$/, "");
    var endpoint = rasaUrl + "/webhooks/rest/webhook";
    if (!texts[state.lang]) { state.lang = initialLang; }
    function t(key) { return (texts[state.lang] || texts.da || {})[key] || key; }

    var host = el("div");
    host.id = "borgerbooking-widget";
    var shadow = host.attachShadow({ mode: "open" });
    var sheet = el("link");
    sheet.rel = "stylesheet";
    sheet.href = config.stylesheet;
    shadow.appendChild(sheet);

    var root = el("div", "bb");
    var launcher = el("button", "bb-launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-controls", "bb-panel");
    launcher.setAttribute("aria-expanded", "false");
    var launcherIcon = el("span", "bb-launcher__icon", "\uD83D\uDCAC");
    launcherIcon.setAttribute("aria-hidden", "true");
    var launcherText = el("span", "bb-launcher__text");
    launcher.appendChild(launcherIcon);
    launcher.appendChild(launcherText);

    var panel = el("section", "bb-panel");
    panel.id = "bb-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-modal", "false");
    panel.setAttribute("aria-labelledby", "bb-title");
    panel.hidden = true;

    var header = el("div", "bb-header");
    var title = el("h2", "bb-title");
    title.id = "bb-title";
    var close = el("button", "bb-icon-button bb-close");
    close.type = "button";
    var closeIcon = el("span", null, "\u00D7");
    closeIcon.setAttribute("aria-hidden", "true");
    var closeText = el("span", "bb-visually-hidden");
    close.appendChild(closeIcon);
    close.appendChild(closeText);
    header.appendChild(title);
    header.appendChild(close);

    var tools = el("div", "bb-tools");
    var langButton = el("button", "bb-tool");
    langButton.type = "button";
    var restart = el("button", "bb-tool");
    restart.type = "button";
    var bookLink = el("a", "bb-tool bb-tool--link");
    bookLink.href = config.book_url;
    bookLink.target = "_blank";
    bookLink.rel = "noopener";
    tools.appendChild(langButton);
    tools.appendChild(restart);
    tools.appendChild(bookLink);

    var privacy = el("p", "bb-privacy");
    // The optional chat_transcript consent: off until the citizen turns it on; the assistant's
    // reply shows the consent text in force, and turning it off withdraws the consent.
    var consent = el("div", "bb-consent");
    var transcript = el("input", "bb-consent__box");
    transcript.type = "checkbox";
    transcript.id = "bb-transcript";
    var transcriptLabel = el("label", "bb-consent__label");
    transcriptLabel.htmlFor = "bb-transcript";
    consent.appendChild(transcript);
    consent.appendChild(transcriptLabel);
    var logBox = el("div", "bb-log-box");
    logBox.setAttribute("tabindex", "0");
    logBox.setAttribute("role", "region");
    var log = el("ol", "bb-log");
    logBox.appendChild(log);
    var typing = el("p", "bb-typing");
    typing.hidden = true;

    var form = el("form", "bb-form");
    form.setAttribute("novalidate", "");
    var label = el("label", "bb-label");
    label.htmlFor = "bb-input";
    var row = el("div", "bb-row");
    var input = el("input", "bb-input");
    input.id = "bb-input";
    input.type = "text";
    input.name = "message";
    input.maxLength = 500;
    input.autocomplete = "off";
    var send = el("button", "bb-send");
    send.type = "submit";
    row.appendChild(input);
    row.appendChild(send);
    form.appendChild(label);
    form.appendChild(row);

    var live = el("div", "bb-visually-hidden");
    live.setAttribute("aria-live", "polite");
    live.setAttribute("aria-atomic", "true");

    [header, tools, privacy, consent, logBox, typing, form].forEach(function (n) { panel.appendChild(n); });
    root.appendChild(panel);
    root.appendChild(launcher);
    root.appendChild(live);
    shadow.appendChild(root);
    document.body.appendChild(host);

    // --- Texts in the conversation's language -------------------------------------------

    function applyTexts() {
      root.lang = state.lang;
      launcherText.textContent = t("launcher");
      title.textContent = t("title");
      closeText.textContent = t("close");
      var other = state.lang === "da" ? "en" : "da";
      langButton.textContent = (texts[other] || {}).language_name || other;
      langButton.lang = other;
      restart.textContent = t("restart");
      bookLink.textContent = t("book_without_chat");
      privacy.textContent = "";
      privacy.appendChild(document.createTextNode(t("privacy") + " "));
      var privacyLink = el("a", "bb-link", t("privacy_link"));
      privacyLink.href = config.privacy_url;
      privacyLink.target = "_blank";
      privacyLink.rel = "noopener";
      privacy.appendChild(privacyLink);
      transcriptLabel.textContent = t("transcript_switch");
      transcript.checked = !!state.transcript;
      logBox.setAttribute("aria-label", t("log_label"));
      typing.textContent = t("typing");
      label.textContent = t("input_label");
      send.textContent = t("send");
    }

    // --- Rendering the history ------------------------------------------------------------

    function announce(text) {
      live.textContent = "";
      window.setTimeout(function () { live.textContent = text; }, 50);
    }

    function scrollToEnd() { logBox.scrollTop = logBox.scrollHeight; }

    function renderEntry(entry, index) {
      var li = el("li", "bb-msg bb-msg--" + entry.kind);
      if (entry.lang && entry.lang !== state.lang) { li.lang = entry.lang; }
      var who = entry.kind === "user" ? t("you_said") : t("bot_said");
      li.appendChild(el("span", "bb-visually-hidden", who + " "));
      if (entry.kind === "error") {
        li.appendChild(el("span", null, t("failed")));
        if (!entry.used) {
          var retry = el("button", "bb-choice bb-retry", t("retry"));
          retry.type = "button";
          retry.addEventListener("click", function () { retryEntry(index); });
          li.appendChild(document.createTextNode(" "));
          li.appendChild(retry);
        }
        return li;
      }
      if (entry.text) {
        var body = el("p", "bb-text");
        appendText(body, entry.text);
        li.appendChild(body);
      }
      if (entry.image) {
        var img = el("img", "bb-image");
        img.src = entry.image;
        img.alt = t("image_alt");
        li.appendChild(img);
      }
      if (entry.buttons && entry.buttons.length) {
        var list = el("ul", "bb-choices");
        list.setAttribute("aria-label", t("choices"));
        entry.buttons.forEach(function (b, i) {
          var item = el("li");
          var button = el("button", "bb-choice", b.title);
          button.type = "button";
          if (entry.used) {
            button.disabled = true;
            if (entry.chosen === i) {
              button.className += " bb-choice--chosen";
              button.appendChild(el("span", "bb-visually-hidden", " " + t("chosen")));
            }
          } else {
            button.addEventListener("click", function () { choose(index, i); });
          }
          item.appendChild(button);
          list.appendChild(item);
        });
        li.appendChild(list);
      }
      return li;
    }

    // The whole log is rebuilt only when the conversation starts, restarts or changes language;
    // otherwise new entries are appended and changed ones replaced, so focus is never lost.
    function render() {
      log.textContent = "";
      state.history.forEach(function (entry, index) { log.appendChild(renderEntry(entry, index)); });
      scrollToEnd();
    }

    function append(entry) {
      state.history.push(entry);
      log.appendChild(renderEntry(entry, state.history.length - 1));
      scrollToEnd();
    }

    function refresh(index) {
      var old = log.children[index];
      if (old) { log.replaceChild(renderEntry(state.history[index], index), old); }
    }

    function spokenText(entry) {
      var parts = [];
      if (entry.text) { parts.push(entry.text); }
      if (entry.image) { parts.push(t("image_alt")); }
      if (entry.buttons && entry.buttons.length) {
        parts.push(t("choices") + ": " + entry.buttons.map(function (b) { return b.title; }).join(", "));
      }
      return parts.join(" ");
    }

    // --- Talking to the assistant -------------------------------------------------------------

    var busy = false;

    function retireButtons() {
      state.history.forEach(function (entry, index) {
        var live = (entry.buttons && entry.buttons.length) || entry.kind === "error";
        if (live && !entry.used) { entry.used = true; refresh(index); }
      });
    }

    function post(message) {
      var controller = window.AbortController ? new AbortController() : null;
      var timer = controller ? window.setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
      return fetch(endpoint, {
        method: "POST",
        mode: "cors",
        credentials: "omit",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: state.sender, message: message, metadata: { language: state.lang } }),
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        if (timer) { window.clearTimeout(timer); }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      }, function (error) {
        if (timer) { window.clearTimeout(timer); }
        throw error;
      });
    }

    function receive(replies, quiet) {
      var added = [];
      (Array.isArray(replies) ? replies : []).forEach(function (reply) {
        var text = typeof reply.text === "string" ? reply.text : "";
        var image = typeof reply.image === "string" ? safeUrl(reply.image) : null;
        var buttons = Array.isArray(reply.buttons) ? reply.buttons.filter(function (b) {
          return b && typeof b.title === "string" && typeof b.payload === "string";
        }).map(function (b) { return { title: b.title, payload: b.payload }; }) : [];
        if (quiet || (!text && !image && !buttons.length)) { return; }
        var entry = { kind: "bot", text: text, image: image, buttons: buttons, lang: detectLang(text, state.lang) };
        append(entry);
        added.push(entry);
      });
      saveState();
      if (added.length) { announce(added.map(spokenText).join(" ")); }
    }

    // `shown` is what the log shows for the citizen (null: nothing, e.g. the greeting request).
    function converse(message, shown, options) {
      options = options || {};
      retireButtons();
      if (shown !== null && shown !== undefined) {
        append({ kind: "user", text: shown, lang: state.lang });
      }
      saveState();
      busy = true;
      typing.hidden = false;
      scrollToEnd();
      return post(message).then(function (replies) {
        typing.hidden = true;
        receive(replies, options.quiet);
      }, function () {
        typing.hidden = true;
        append({ kind: "error", retry: { message: message, quiet: !!options.quiet } });
        saveState();
        announce(t("failed"));
      }).then(function () {
        busy = false;
        syncTranscript();
      });
    }

    function greet() {
      var first = state.lang === "en"
        ? converse('/choose_language{"language":"en"}', null, { quiet: true })
        : Promise.resolve();
      return first.then(function () { return converse("/greet", null); });
    }

    function choose(entryIndex, buttonIndex) {
      var entry = state.history[entryIndex];
      if (!entry || entry.used || busy) { return; }
      var button = entry.buttons[buttonIndex];
      entry.chosen = buttonIndex;
      converse(button.payload, button.title);
      // The chosen button is now disabled: keep focus in the panel, where the citizen answers.
      input.focus();
    }

    function retryEntry(index) {
      var entry = state.history[index];
      if (!entry || busy) { return; }
      state.history.splice(index, 1);
      render();
      input.focus();
      converse(entry.retry.message, null, { quiet: entry.retry.quiet });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text || busy) { return; }
      input.value = "";
      converse(text, text);
    });

    // --- Open, close, language, start over ----------------------------------------------------

    function setOpen(open, focusTarget) {
      state.open = open;
      saveState();
      panel.hidden = !open;
      launcher.setAttribute("aria-expanded", open ? "true" : "false");
      root.classList.toggle("bb--open", open);
      if (open) {
        (focusTarget || input).focus();
        if (!state.history.length && !busy) { greet(); }
      } else {
        launcher.focus();
      }
    }

    launcher.addEventListener("click", function () { setOpen(panel.hidden); });
    close.addEventListener("click", function () { setOpen(false); });
    root.addEventListener("keydown", function (event) {
      if ((event.key === "Escape" || event.key === "Esc") && !panel.hidden) {
        event.preventDefault();
        setOpen(false);
      }
    });

    // A switch turned while the assistant is still answering stays where the citizen put it and
    // is sent as soon as the answer has arrived.
    function syncTranscript() {
      if (busy || transcript.checked === !!state.transcript) { return; }
      state.transcript = transcript.checked;
      saveState();
      converse(state.transcript ? "/keep_transcript" : "/drop_transcript",
        t(state.transcript ? "transcript_kept" : "transcript_dropped"));
    }
    transcript.addEventListener("change", syncTranscript);

    langButton.addEventListener("click", function () {
      state.lang = state.lang === "da" ? "en" : "da";
      saveState();
      applyTexts();
      render();
      converse('/choose_language{"language":"' + state.lang + '"}', null);
      langButton.focus();
    });

    restart.addEventListener("click", function () {
      state = { sender: newSender(), lang: state.lang, open: true, history: [], transcript: false };
      saveState();
      transcript.checked = false;
      render();
      announce(t("restarted"));
      input.focus();
      greet();
    });

    applyTexts();
    render();
    if (state.open || script.getAttribute("data-open") === "true") {
      panel.hidden = false;
      launcher.setAttribute("aria-expanded", "true");
      root.classList.add("bb--open");
      state.open = true;
      saveState();
      if (!state.history.length) { greet(); }
    }
    window.borgerbookingWidget.ready = true;
  }

  function boot() {
    fetch(base + "/widget/config.json", { mode: "cors", credentials: "omit" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(start)
      .catch(function (error) {
        if (window.console) { window.console.warn("Borgerbooking widget: not loaded", error); }
      });
  }

  if (document.body) { boot(); } else { document.addEventListener("DOMContentLoaded", boot); }
})();
