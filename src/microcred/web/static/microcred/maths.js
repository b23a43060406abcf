// Typeset the maths the server marked up (span.math.inline, div.math.block) with the local
// KaTeX, on page load and in every fragment htmx swaps in. Lessons, resources and assessments
// share it; the text stays readable as LaTeX source when JavaScript is off.
(function () {
  "use strict";
  function typeset(root) {
    if (typeof katex === "undefined") return;
    root.querySelectorAll(".math:not([data-typeset])").forEach(function (el) {
      try {
        katex.render(el.textContent, el, {
          displayMode: el.classList.contains("block"),
          throwOnError: false,
        });
        el.setAttribute("data-typeset", "");
      } catch (e) {
        /* keep the source visible */
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    typeset(document);
  });
  document.addEventListener("htmx:after:swap", function () {
    typeset(document);
  });
})();
