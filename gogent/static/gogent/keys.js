// Keyboard shortcuts for the console: j/k move through the patterns list, o (or Enter)
// opens the current pattern, m/r mute/resolve it, s snoozes it (on its page), ? shows the
// help. Keys typed into a field, or with Ctrl/Alt/Meta, are left alone.
(function () {
  "use strict";

  var current = -1;

  function rows() {
    return Array.prototype.slice.call(
      document.querySelectorAll("#pattern-results tbody tr[data-pattern]")
    );
  }

  function mark(index) {
    var list = rows();
    if (!list.length) return;
    current = Math.max(0, Math.min(index, list.length - 1));
    list.forEach(function (row, i) {
      row.classList.toggle("current", i === current);
      row.setAttribute("aria-selected", i === current ? "true" : "false");
    });
    list[current].scrollIntoView({ block: "nearest" });
  }

  function currentRow() {
    var list = rows();
    return current >= 0 && current < list.length ? list[current] : null;
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

  // The list is redrawn in place (filters, bulk changes, pages): keep the current row.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "pattern-results" && current >= 0) mark(current);
  });

  document.addEventListener("DOMContentLoaded", function () {
    var close = document.getElementById("keys-help-close");
    if (close) {
      close.addEventListener("click", function () {
        document.getElementById("keys-help").close();
      });
    }
  });
})();
