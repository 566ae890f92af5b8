// Behaviour of the on-site staff pages. No inline scripts (the Content-Security-Policy forbids them).
(function () {
  "use strict";
  // Formsets: <button data-formset-add="prefix"> appends a copy of <template id="prefix-empty">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-formset-add]");
    if (!button) { return; }
    event.preventDefault();
    var prefix = button.getAttribute("data-formset-add");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty");
    var body = document.getElementById(prefix + "-rows");
    if (!total || !template || !body) { return; }
    var index = parseInt(total.value, 10) || 0;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
  });
  // Print buttons: <button data-print>.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });
  // A reject button needs a reason: <button name="decision" value="reject" data-needs-note="#id">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-needs-note]");
    if (!button) { return; }
    var field = button.form && button.form.querySelector(button.getAttribute("data-needs-note"));
    if (field && !field.value.trim()) {
      event.preventDefault();
      field.classList.add("is-invalid");
      field.focus();
    }
  });
})();
// A search box over a list of checkboxes: <input data-filter-target="id_of_the_list"> hides the
// choices whose text does not contain what was typed (checked ones stay visible).
(function () {
  "use strict";
  document.addEventListener("input", function (event) {
    var box = event.target.closest && event.target.closest("[data-filter-target]");
    if (!box) { return; }
    var list = document.getElementById(box.getAttribute("data-filter-target"));
    if (!list) { return; }
    var query = box.value.trim().toLowerCase();
    list.querySelectorAll("input[type=checkbox]").forEach(function (input) {
      var row = input.closest(".form-check") || input.parentElement;
      var text = (row.textContent || "").toLowerCase();
      row.hidden = Boolean(query) && !input.checked && text.indexOf(query) === -1;
    });
  });
})();
