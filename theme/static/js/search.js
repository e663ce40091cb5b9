/* The search page: runs ?q= on load, keeps the address in step with the query, and sorts
   by date on request. Uses Pagefind's component UI (window.PagefindComponents). */
(function () {
  "use strict";
  var components = window.PagefindComponents;
  var page = document.querySelector("[data-search-page]");
  if (!components || !page) return;
  var search = components.getInstanceManager().getInstance("default");
  var tools = page.querySelector(".search-tools");
  var select = document.getElementById("search-sort");
  var order = "";

  if (tools) tools.hidden = false;

  // Sorting: the component UI searches by relevance only, so pass the date sort to the
  // Pagefind instance it loads. Every indexed page carries the "date" sort key.
  var wrapped = false;
  function wrapSearch() {
    var pagefind = search.__pagefind__;
    if (wrapped || !pagefind) return;
    var plain = pagefind.search.bind(pagefind);
    pagefind.search = function (term, options) {
      var extra = order ? { sort: { date: order } } : {};
      return plain(term, Object.assign({}, options || {}, extra));
    };
    wrapped = true;
  }
  if (select) {
    select.addEventListener("change", function () {
      order = select.value;
      search.triggerLoad().then(function () {
        wrapSearch();
        if (search.searchTerm) search.triggerSearch(search.searchTerm);
      });
    });
  }

  search.on("search", function (term) {
    var url = new URL(window.location.href);
    if (term) url.searchParams.set("q", term);
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
  });

  var query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  if (query) {
    search.triggerLoad().then(function () {
      wrapSearch();
      search.triggerSearch(query);
    });
  }
})();
