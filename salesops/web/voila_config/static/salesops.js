/* salesops pages on a phone (README, "On a phone"), for widgets drawn now and later:
   - the keyboard each input needs: ipywidgets' Text has no inputmode attribute, so a
     component marks the widget with a class (widgets.common.keypad: so-keypad-numeric,
     -decimal or -tel) and this sets inputmode on the <input> inside it;
   - the column names of a table's cells: on a phone each row of a .so-table is a card
     that shows every value beside its column's name (data-label, salesops.css); cells
     that do not carry one get it from their column's header.
   A file, not inline code, so a Content-Security-Policy of script-src 'self' lets it run. */
(function () {
  "use strict";
  var MODES = ["numeric", "decimal", "tel"];

  function mark(root) {
    MODES.forEach(function (mode) {
      var inputs = root.querySelectorAll(".so-keypad-" + mode + " input, .so-keypad-" + mode + " textarea");
      inputs.forEach(function (input) {
        if (input.getAttribute("inputmode") !== mode) {
          input.setAttribute("inputmode", mode);
        }
      });
    });
  }

  function label(root) {
    root.querySelectorAll("table.so-table").forEach(function (table) {
      var head = table.querySelector("tr:has(> th)");
      if (!head) return;
      var names = Array.prototype.map.call(head.children, function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tr").forEach(function (tr) {
        Array.prototype.forEach.call(tr.children, function (td, i) {
          if (td.tagName === "TD" && !td.hasAttribute("data-label") && names[i]) {
            td.setAttribute("data-label", names[i]);
          }
        });
      });
    });
  }

  function start() {
    mark(document);
    label(document);
    var pending = false;
    new MutationObserver(function () {
      if (pending) return; // one pass per frame, however many widgets were drawn
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        mark(document);
        label(document);
      });
    }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
