// Live Patterns and Logs lists: every CONSOLE_LIVE_INTERVAL seconds the list's live
// element ([data-live], rendered by the server with its filters and marks) asks what
// changed since it was drawn; the answer swaps rows in by id (hx-swap-oob) and replaces
// the element with one holding the new marks, or is a 204 when nothing changed.
// Paused while the operator selects rows, types, has a dialog or a log open, or the tab
// is hidden; the element says so, and the next poll goes out as soon as it may.
(function () {
  "use strict";
  if (window.gogentLive) return; // loaded again by a history restore
  window.gogentLive = true;

  var lastPoll = 0;
  var inFlight = null; // the live element whose poll is on its way
  var aborting = false;
  var failed = false;

  function liveElement() {
    return document.querySelector("[data-live]");
  }

  function isTextField(element) {
    var tag = (element && element.tagName) || "";
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag !== "INPUT") return !!(element && element.isContentEditable);
    var type = (element.getAttribute("type") || "text").toLowerCase();
    return ["checkbox", "radio", "button", "submit", "reset", "hidden"].indexOf(type) < 0;
  }

  // Why polling waits now, or "" when it may go on.
  function pauseReason() {
    if (document.visibilityState === "hidden") return "while the tab is hidden";
    if (document.querySelector("dialog[open]")) return "while a dialog is open";
    if (document.querySelector('#pattern-rows input[name="pattern"]:checked')) {
      return "while selecting";
    }
    if (isTextField(document.activeElement)) return "while typing";
    if (document.querySelector("#log-rows details[open]")) return "while a log is open";
    return "";
  }

  function showState(element, reason) {
    var state = element.querySelector(".live-state");
    if (!state) return;
    var text = element.dataset.liveLabel || "Live";
    if (reason) text = "Live · paused " + reason;
    else if (failed) text = "Live · no answer from the server, trying again";
    if (state.textContent !== text) state.textContent = text;
    element.classList.toggle("paused", !!reason);
  }

  function tick() {
    var element = liveElement();
    if (!element) return;
    var interval = Number(element.dataset.live) * 1000;
    if (!interval) return; // off, or stopped: the element says why
    var reason = pauseReason();
    showState(element, reason);
    // A poll whose element was redrawn meanwhile, or that hangs, no longer holds the next.
    if (inFlight && (inFlight !== element || Date.now() - lastPoll > 30000)) inFlight = null;
    if (reason || inFlight || Date.now() - lastPoll < interval) return;
    lastPoll = Date.now();
    htmx.trigger(element, "gogent:poll");
  }

  // The rows the list shows, with the version each was drawn at.
  function seen() {
    return Array.prototype.slice
      .call(document.querySelectorAll("#pattern-rows tr[data-pattern][data-version]"))
      .map(function (row) {
        return row.dataset.pattern + ":" + row.dataset.version;
      })
      .join(",");
  }

  function sortKey(row) {
    return [Number(row.dataset.sort || 0), Number(row.dataset.pattern || 0)];
  }

  // Patterns added at the top go where the list's order puts them (largest first).
  function placeAddedRows() {
    var body = document.getElementById("pattern-rows");
    if (!body) return;
    body.querySelectorAll("tr[data-live-place]").forEach(function (row) {
      row.removeAttribute("data-live-place");
      var key = sortKey(row);
      var rows = body.querySelectorAll("tr[data-sort]");
      for (var i = 0; i < rows.length; i++) {
        if (rows[i] === row || rows[i].hasAttribute("data-live-place")) continue;
        var other = sortKey(rows[i]);
        if (other[0] < key[0] || (other[0] === key[0] && other[1] < key[1])) {
          body.insertBefore(row, rows[i]);
          return;
        }
      }
      body.appendChild(row);
    });
  }

  function dropEmptyRows() {
    ["pattern-rows", "log-rows"].forEach(function (id) {
      var body = document.getElementById(id);
      if (!body || !body.querySelector("tr:not([data-empty])")) return;
      body.querySelectorAll("tr[data-empty]").forEach(function (row) {
        row.remove();
      });
    });
  }

  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt === liveElement() && document.getElementById("pattern-rows")) {
      event.detail.parameters.seen = seen();
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var element = liveElement();
    if (!element) return;
    if (event.detail.elt === element) {
      inFlight = element;
      return;
    }
    // A filter, page or bulk change redraws the list: an answer for the old one is void.
    if (inFlight) {
      aborting = true;
      htmx.trigger(inFlight, "htmx:abort");
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var element = liveElement();
    if (event.detail.elt !== element) return;
    // Something began while the answer was on its way: keep the marks and ask again later.
    if (pauseReason()) event.detail.shouldSwap = false;
    // Signed out meanwhile: the answer is the sign-in page, which must not land in the list.
    var xhr = event.detail.xhr;
    var asked = event.detail.pathInfo && event.detail.pathInfo.requestPath;
    if (xhr && xhr.responseURL && asked) {
      var answered = new URL(xhr.responseURL).pathname;
      if (answered !== new URL(asked, window.location.href).pathname) {
        event.detail.shouldSwap = false;
        element.dataset.live = "0";
        var state = element.querySelector(".live-state");
        if (state) state.textContent = "Live stopped: signed out. Reload the page.";
      }
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (!event.detail.elt.hasAttribute || !event.detail.elt.hasAttribute("data-live")) return;
    inFlight = null;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    failed = !aborting && (status === 0 || status >= 400);
    aborting = false;
    var element = liveElement();
    if (element) showState(element, pauseReason());
  });

  document.addEventListener("htmx:afterSettle", function () {
    placeAddedRows();
    dropEmptyRows();
    var element = liveElement();
    if (element) showState(element, pauseReason());
  });

  ["change", "focusin", "focusout", "toggle", "close", "visibilitychange"].forEach(function (name) {
    document.addEventListener(
      name,
      function () {
        // After the event's own work (a dialog closing, focus moving): then re-check.
        window.setTimeout(tick, 0);
      },
      true
    );
  });

  window.setInterval(tick, 500);
  document.addEventListener("DOMContentLoaded", function () {
    lastPoll = Date.now(); // the page was just drawn: the first poll comes an interval later
    tick();
  });
})();
