// A form answered with errors (422) shows them beside their fields: bring the first into view and put the
// cursor in its field, so that a long form (納品, 仕訳) does not reload at the top as if nothing happened.
(function () {
  function reveal(root) {
    var first = root.querySelector(".field.invalid, [data-error-summary], .alert-error, [data-testid=import-problems]");
    if (!first) return;
    first.scrollIntoView({block: "center"});
    var input = first.matches(".field.invalid") ? first.querySelector("input, select, textarea") : null;
    if (input) input.focus({preventScroll: true});
  }
  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:afterSwap", function (e) { reveal(e.target); });
})();
