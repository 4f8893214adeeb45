/* The SPARQL editor (/sparql): turns the query textarea into CodeMirror 5 with SPARQL highlighting
   when CodeMirror was installed (scripts/setup.sh); without it the plain textarea form works as it is.
   Ctrl-Enter (Cmd-Enter) runs the query; Tab leaves the editor, so the keyboard is never trapped. */
(function () {
  "use strict";
  var area = document.getElementById("query");
  var form = document.getElementById("editor");
  if (!area || !form) { return; }
  function run() {
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }
  if (typeof window.CodeMirror !== "function") {
    area.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
    });
    return;
  }
  var editor = window.CodeMirror.fromTextArea(area, {
    mode: "application/sparql-query",
    lineNumbers: true,
    inputStyle: "contenteditable",  // the editable text inside the scrolled area: reachable by keyboard and screen readers
    lineWrapping: true,
    indentUnit: 2,
    viewportMargin: Infinity,
    screenReaderLabel: "SPARQL query",
    extraKeys: { "Ctrl-Enter": run, "Cmd-Enter": run, "Tab": false, "Shift-Tab": false }
  });
  form.addEventListener("submit", function () { editor.save(); });
  window.zkgEditor = editor;
}());
