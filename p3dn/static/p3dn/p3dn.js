// The little behaviour the pages need, here rather than in inline handlers, which the
// Content-Security-Policy forbids. Listeners on the document also serve content htmx swaps in.
//   <button data-print>                   prints the page
//   <select data-submit>, <input type="checkbox" data-submit>
//                                         submits its form when the choice changes
//   <form data-confirm="Question?">       asks before submitting
"use strict";

document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches("select[data-submit], input[type=checkbox][data-submit]") && field.form) {
    field.form.submit();
  }
});

document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
