// Places left for an event (partials/registration_form.html): the page is static, so ask the
// site service. Only an enhancement: without it (or without the service) the form still works,
// and the service says "vol, u komt op de wachtlijst" after posting.
(function () {
  var box = document.querySelector(".registration-places[data-places-url]");
  if (!box || !window.fetch) return;
  fetch(box.getAttribute("data-places-url"), { credentials: "omit" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (d) {
      if (!d || typeof d.left !== "number") return;
      if (!d.open) box.textContent = "Aanmelden is gesloten.";
      else if (d.left > 0) box.textContent = d.left === 1 ? "Nog 1 plaats vrij." : "Nog " + d.left + " plaatsen vrij.";
      else box.textContent = "Vol: wie zich nu aanmeldt, komt op de wachtlijst.";
      box.hidden = false;
    })
    .catch(function () {});
})();
