/* Instant filtering of the partner directory on /partners/.
   Progressive enhancement: without JavaScript the form is hidden (theme/css/nojs.css, in a
   <noscript>) and the filter chips (static pages per kind, district and sector) do the job.
   Each partner <li> carries data-soort, data-stadsdeel, data-sector and data-name. */
(function () {
  "use strict";
  var form = document.getElementById("partner-filter");
  var list = document.getElementById("partner-list");
  var status = document.getElementById("partner-count");
  var empty = document.getElementById("partner-empty");
  if (!form || !list || !status) return;

  var items = Array.prototype.slice.call(list.children);
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-facet]"));
  var nameInput = form.querySelector("input[name=naam]");

  function normalise(text) {
    // Case and accents do not count, as in the build's Dutch collation key.
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function countText(n) {
    return n === 1 ? "1 partner" : n + " partners";
  }

  function apply() {
    var query = nameInput ? normalise(nameInput.value) : "";
    var shown = 0;
    items.forEach(function (item) {
      var match = !query || (item.getAttribute("data-name") || "").indexOf(query) !== -1;
      selects.forEach(function (select) {
        if (match && select.value && item.getAttribute("data-" + select.dataset.facet) !== select.value) {
          match = false;
        }
      });
      item.hidden = !match;
      if (match) shown += 1;
    });
    var filtered = shown !== items.length;
    // "3 van de 13 partners", as on the static filter pages; unfiltered "13 partners".
    status.textContent = filtered ? shown + " van de " + items.length + " partners" : countText(items.length);
    if (empty) empty.hidden = shown !== 0;
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) {
    // The list already shows the result; submitting (the button, or Enter) takes you there.
    event.preventDefault();
    apply();
    status.setAttribute("tabindex", "-1");
    status.focus();
  });
  form.addEventListener("reset", function () {
    window.setTimeout(apply, 0); // after the browser has reset the fields
  });
  status.setAttribute("aria-live", "polite");
  apply();
})();
