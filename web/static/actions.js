// Small behaviours bound by data attributes, because the CSP (script-src 'self') refuses
// inline handlers: [data-print] prints the page, [data-back] goes back a page. Without
// script the print button stays hidden (.needs-js) and a back link keeps its href.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
    } else if (target.closest("[data-back]") && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
