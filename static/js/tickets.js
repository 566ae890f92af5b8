// Service request form: show the fields of the chosen kind only (the server validates them anyway).
(function () {
  "use strict";
  var kind = document.getElementById("id_kind");
  if (!kind) { return; }
  function update() {
    document.querySelectorAll(".kind-field").forEach(function (el) {
      var kinds = (el.getAttribute("data-kinds") || "").split(" ");
      el.hidden = kinds.indexOf(kind.value) === -1;
    });
  }
  kind.addEventListener("change", update);
  update();
})();
