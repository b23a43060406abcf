// Turn the lab's <textarea data-editor="python"> into a CodeMirror 6 editor (vendored bundle,
// global CM). The textarea stays in the form and is kept in sync on every change, so plain and
// htmx submissions send exactly what the editor shows; with JavaScript off it is the editor.
(function () {
  "use strict";
  function attach(textarea) {
    if (typeof CM === "undefined") return;
    var readOnly = textarea.hasAttribute("readonly");
    var view = new CM.EditorView({
      doc: textarea.value,
      extensions: [
        CM.basicSetup,
        CM.python(),
        CM.indentUnit.of("    "),
        CM.keymap.of([CM.indentWithTab]),
        CM.EditorState.readOnly.of(readOnly),
        CM.EditorView.contentAttributes.of({
          "aria-label": textarea.labels && textarea.labels[0] ? textarea.labels[0].textContent : "Code",
          "aria-describedby": textarea.getAttribute("aria-describedby") || "",
        }),
        CM.EditorView.updateListener.of(function (update) {
          if (update.docChanged) textarea.value = update.state.doc.toString();
        }),
      ],
    });
    textarea.parentNode.insertBefore(view.dom, textarea);
    textarea.hidden = true;
    view.dom.classList.add("code-editor");
    if (textarea.labels && textarea.labels[0]) {
      textarea.labels[0].addEventListener("click", function () {
        view.focus();
      });
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-editor=python]").forEach(attach);
  });
})();
