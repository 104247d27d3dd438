// Keyboard shortcuts for the console: j/k move through the patterns list, o (or Enter)
// opens the current pattern, m/r mute/resolve it, s snoozes it (on the list a dialog with
// the pattern page's choices; on its page, its snooze form), ? shows the help. Keys typed
// into a field, with Ctrl/Alt/Meta, or while a dialog other than the help is open are
// left alone. The current row is held by pattern id, so rows that a live update
// (live.js) adds or redraws do not move it.
(function () {
  "use strict";

  var current = -1;
  var currentId = null;

  function rows() {
    return Array.prototype.slice.call(
      document.querySelectorAll("#pattern-results tbody tr[data-pattern]")
    );
  }

  function mark(index, scroll) {
    var list = rows();
    if (!list.length) return;
    current = Math.max(0, Math.min(index, list.length - 1));
    currentId = list[current].dataset.pattern;
    list.forEach(function (row, i) {
      row.classList.toggle("current", i === current);
      row.setAttribute("aria-selected", i === current ? "true" : "false");
    });
    if (scroll !== false) list[current].scrollIntoView({ block: "nearest" });
  }

  // After a redraw: the same pattern if it is still listed, else the same place.
  function restore(scroll) {
    if (current < 0) return;
    var list = rows();
    for (var i = 0; i < list.length; i++) {
      if (list[i].dataset.pattern === currentId) return mark(i, scroll);
    }
    mark(current, scroll);
  }

  function currentRow() {
    if (current < 0) return null;
    return document.querySelector(
      '#pattern-results tbody tr[data-pattern="' + currentId + '"]'
    );
  }

  // On the list: the snooze dialog for the current row (the pattern page's choices); the
  // answer redraws the row in place and closes the dialog (gogent:snoozed).
  function snoozeOnList() {
    var row = currentRow();
    var dialog = document.getElementById("snooze-dialog");
    if (!row || !dialog) return false;
    var form = dialog.querySelector("form");
    var url = form.dataset.url.replace(/\/0\/snooze$/, "/" + row.dataset.pattern + "/snooze");
    form.reset();
    form.setAttribute("action", url);
    form.setAttribute("hx-post", url);
    htmx.process(form);
    var sort = document.getElementById("id_sort");
    form.querySelector('input[name="sort"]').value = sort ? sort.value : "";
    document.getElementById("snooze-error").textContent = "";
    document.getElementById("snooze-dialog-pattern").textContent = "#" + row.dataset.pattern;
    var template = row.querySelector("td.template a");
    document.getElementById("snooze-dialog-template").textContent = template
      ? template.textContent
      : "";
    dialog.showModal();
    form.querySelector("select").focus();
    return true;
  }

  // On the list: tick only the current row and press the bulk form's button, so the list
  // is redrawn in place as for any bulk change.
  function setStatusOnList(status) {
    var row = currentRow();
    var bulk = document.getElementById("bulk");
    if (!row || !bulk) return false;
    var button = bulk.querySelector('button[name="set_status"][value="' + status + '"]');
    if (!button) return false;
    bulk.querySelectorAll('input[name="pattern"]').forEach(function (box) {
      box.checked = box.value === row.dataset.pattern;
    });
    button.click();
    return true;
  }

  // On a pattern's page: press its own status button.
  function setStatusOnPage(status) {
    var button = document.querySelector(
      '#pattern-status button[name="status"][value="' + status + '"]'
    );
    if (!button) return false;
    button.click();
    return true;
  }

  function toggleHelp() {
    var help = document.getElementById("keys-help");
    if (!help) return;
    if (help.open) help.close();
    else help.showModal();
  }

  function typing(target) {
    var tag = (target && target.tagName) || "";
    return tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) return;
    if (document.querySelector("dialog[open]:not(#keys-help)")) return;
    var handled = true;
    switch (event.key) {
      case "j":
        mark(current + 1);
        break;
      case "k":
        mark(current < 0 ? 0 : current - 1);
        break;
      case "Enter":
        // Enter on a focused link or button is that element's, not ours.
        if (event.target !== document.body) {
          handled = false;
          break;
        }
      // falls through
      case "o": {
        var row = currentRow();
        var link = row && row.querySelector("a[href]");
        if (link) window.location.assign(link.href);
        else handled = false;
        break;
      }
      case "m":
        handled = setStatusOnList("muted") || setStatusOnPage("muted");
        break;
      case "r":
        handled = setStatusOnList("resolved") || setStatusOnPage("resolved");
        break;
      case "s": {
        if (snoozeOnList()) break;
        var snooze = document.querySelector("#pattern-status form.snooze select");
        if (snooze) snooze.focus();
        else handled = false;
        break;
      }
      case "?":
        toggleHelp();
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  });

  // The list is redrawn in place (filters, bulk changes, pages: scroll to the row) or rows
  // of it (live updates, a snooze: leave the scroll alone): keep the current row.
  document.addEventListener("htmx:afterSettle", function (event) {
    var redrawn = event.target && event.target.id === "pattern-results";
    restore(redrawn);
  });

  document.addEventListener("gogent:snoozed", function () {
    var dialog = document.getElementById("snooze-dialog");
    if (dialog && dialog.open) dialog.close();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var close = document.getElementById("keys-help-close");
    if (close) {
      close.addEventListener("click", function () {
        document.getElementById("keys-help").close();
      });
    }
    var cancel = document.getElementById("snooze-dialog-cancel");
    if (cancel) {
      cancel.addEventListener("click", function () {
        document.getElementById("snooze-dialog").close();
      });
    }
  });
})();
