/* salesops pages on a phone (README, "On a phone"), for widgets drawn now and later:
   - the keyboard each input needs: ipywidgets' Text has no inputmode attribute, so a
     component marks the widget with a class (widgets.common.keypad: so-keypad-numeric,
     -decimal or -tel) and this sets inputmode on the <input> inside it;
   - the column names of a table's cells: on a phone each row of a .so-table is a card
     that shows every value beside its column's name (data-label, salesops.css); cells
     that do not carry one get it from their column's header.
   - the landing page's word that it is shown: the page builds its other tabs' apps only
     once the browser has shown the first tab (widgets/landing.py), so this clicks the
     page's hidden so-landing-shown button, once, when the day's numbers are visible and
     a frame with them has been painted.
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

  function announce(root) {
    root.querySelectorAll(".so-landing-shown:not([data-so-shown])").forEach(function (button) {
      button.setAttribute("data-so-shown", "waiting");
      var page = button.closest(".so-landing-tabs") || document;
      (function check() {
        if (!button.isConnected) return; // re-rendered: its new element is told instead
        var numbers = page.querySelector(".so-landing-orders");
        if (!numbers || !numbers.getClientRects().length) {
          window.setTimeout(check, 50);
          return;
        }
        window.requestAnimationFrame(function () {
          window.setTimeout(function () { // after the frame that shows them is painted
            button.setAttribute("data-so-shown", "told");
            button.click();
          }, 0);
        });
      })();
    });
  }

  function start() {
    mark(document);
    label(document);
    announce(document);
    var pending = false;
    new MutationObserver(function () {
      if (pending) return; // one pass per frame, however many widgets were drawn
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        mark(document);
        label(document);
        announce(document);
      });
    }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
