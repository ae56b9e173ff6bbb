/* salesops pages: the phone keyboard each input needs (README, "On a phone").
   ipywidgets' Text has no inputmode attribute, so a component marks the widget with a
   class (widgets.common.keypad: so-keypad-numeric, -decimal or -tel) and this sets
   inputmode on the <input> inside it, for widgets drawn now and later. A file, not inline
   code, so a Content-Security-Policy of script-src 'self' lets it run. */
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

  function start() {
    mark(document);
    var pending = false;
    new MutationObserver(function () {
      if (pending) return; // one pass per frame, however many widgets were drawn
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        mark(document);
      });
    }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
