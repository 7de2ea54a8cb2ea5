// The little behaviour the pages need, here rather than in inline handlers, which the
// Content-Security-Policy forbids. Listeners on the document also serve content htmx swaps in.
//   <button data-print>                   prints the page
//   <select data-submit>, <input type="checkbox" data-submit>
//                                         submits its form when the choice changes
//   <form data-confirm="Question?">       asks before submitting
//   <select data-find="Placeholder">      gets a box above it that keeps only the options
//                                         whose text holds what is typed (a name or a code)
//   <table class="stacked">               each cell without a data-label takes its column's
//                                         heading, shown before it when a phone stacks the rows
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

function addFindBox(select) {
  if (select.dataset.findReady) {
    return;
  }
  select.dataset.findReady = "1";
  var box = document.createElement("input");
  box.type = "search";
  box.className = "find-box";
  box.placeholder = select.getAttribute("data-find") || "";
  box.setAttribute("aria-label", box.placeholder);
  select.parentNode.insertBefore(box, select);
  box.addEventListener("input", function () {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    var first = null;
    Array.prototype.forEach.call(select.options, function (option) {
      var text = option.text.toLowerCase();
      var keep = !option.value || words.every(function (w) { return text.indexOf(w) !== -1; });
      option.hidden = !keep;
      if (keep && option.value && first === null) {
        first = option;
      }
    });
    var current = select.selectedIndex < 0 ? null : select.options[select.selectedIndex];
    if (first !== null && (current === null || current.hidden || !current.value)) {
      select.value = first.value;
      if (!select.hasAttribute("data-submit")) {  // what depends on the choice follows it
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
  });
}

function addFindBoxes(root) {
  Array.prototype.forEach.call(root.querySelectorAll("select[data-find]"), addFindBox);
}

function labelStackedCells(root) {
  Array.prototype.forEach.call(root.querySelectorAll("table.stacked"), function (table) {
    var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (!cell.hasAttribute("data-label") && headings[index] && !cell.hasAttribute("colspan")) {
          cell.setAttribute("data-label", headings[index]);
        }
      });
    });
  });
}

document.addEventListener("DOMContentLoaded", function () {
  addFindBoxes(document);
  labelStackedCells(document);
});
document.addEventListener("htmx:afterSwap", function (event) {
  addFindBoxes(event.target);
  labelStackedCells(document);  // a swap may bring rows into a table outside its target
});
