/* Progressive enhancement only: every page works without this file.
   The ticket form: offer only the categories of the chosen type and the services of the
   chosen category (the server checks the same rules). */
(function () {
  "use strict";

  function filterCategories(typeSelect, categorySelect) {
    var chosen = typeSelect.value;
    Array.prototype.forEach.call(categorySelect.options, function (option) {
      if (!option.value) { return; }
      var types = (option.getAttribute("data-types") || "").split(" ");
      var fits = !chosen || types.indexOf(chosen) !== -1;
      option.hidden = !fits;
      option.disabled = !fits;
    });
    var selected = categorySelect.options[categorySelect.selectedIndex];
    if (selected && selected.disabled) { categorySelect.value = ""; }
  }

  function filterServices(categorySelect, serviceSelect) {
    var chosen = categorySelect.value;
    Array.prototype.forEach.call(serviceSelect.querySelectorAll("optgroup"), function (group) {
      var fits = !chosen || group.getAttribute("data-category") === chosen;
      group.hidden = !fits;
      group.disabled = !fits;
    });
    var selected = serviceSelect.options[serviceSelect.selectedIndex];
    if (selected && selected.parentNode.disabled) { serviceSelect.value = ""; }
  }

  function enhanceTicketForm() {
    var typeSelect = document.getElementById("f-type");
    var categorySelect = document.getElementById("f-category");
    var serviceSelect = document.getElementById("f-service");
    if (!typeSelect || !categorySelect || !serviceSelect) { return; }
    typeSelect.addEventListener("change", function () {
      filterCategories(typeSelect, categorySelect);
      filterServices(categorySelect, serviceSelect);
    });
    categorySelect.addEventListener("change", function () {
      filterServices(categorySelect, serviceSelect);
    });
    filterCategories(typeSelect, categorySelect);
    filterServices(categorySelect, serviceSelect);
  }

  function focusErrors() {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhanceTicketForm();
    focusErrors();
  });
}());
