/* The search page (/zoeken/): our own small result list over Pagefind's JS API.

   Nothing of Pagefind loads with the page. The first query imports pagefind.js, which
   fetches its worker, the Dutch WebAssembly and only the index chunks that query needs;
   result details are fetched ten at a time. The filters and their counts are in the HTML
   from the build (plugins/search/records.py), so the page does not move when results come.

   Address: ?q=term&sorteren=nieuwste&Type=Partner... runs on load, and follows every query,
   so a search can be shared or bookmarked. */
(function () {
  "use strict";
  var root = document.querySelector("[data-search-page]");
  if (!root) return;

  var form = root.querySelector("form");
  var input = form.elements.q;
  var sort = document.getElementById("search-sort");
  var status = root.querySelector("[data-search-status]");
  var list = root.querySelector("[data-search-results]");
  var more = root.querySelector("[data-search-more]");
  var reset = root.querySelector("[data-search-reset]");
  var toggle = root.querySelector("[data-search-filters-toggle]");
  var panel = document.getElementById(toggle.getAttribute("aria-controls"));
  var boxes = Array.prototype.slice.call(panel.querySelectorAll(".search-option input"));
  var PAGE = 10;
  var SORTS = { nieuwste: "desc", oudste: "asc" };

  var loading = null; // the Pagefind module, once imported
  var serial = 0; // the latest query; older answers are dropped
  var results = []; // Pagefind's results of the current query
  var shown = 0;
  var timer = null;

  function pagefind() {
    if (!loading) {
      loading = import(root.getAttribute("data-bundle") + "pagefind.js").then(function (pf) {
        var base = new URL(root.getAttribute("data-base"), window.location.href).pathname;
        return pf.options({ baseUrl: base, excerptLength: 24 }).then(function () { return pf; });
      });
    }
    return loading;
  }

  // {name: {any: [values]}} for every filter: a page matches any ticked value of a filter.
  // Filters without a ticked value go along empty, so Pagefind counts their values too.
  function chosen() {
    var filters = {};
    boxes.forEach(function (box) {
      filters[box.name] = filters[box.name] || { any: [] };
      if (box.checked) filters[box.name].any.push(box.value);
    });
    return filters;
  }

  function anyChosen() {
    return boxes.some(function (box) { return box.checked; });
  }

  function syncAddress(term) {
    var params = new URLSearchParams();
    if (term) params.set("q", term);
    if (sort.value) params.set("sorteren", sort.value);
    boxes.forEach(function (box) { if (box.checked) params.append(box.name, box.value); });
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  }

  function readAddress() {
    var params = new URLSearchParams(window.location.search);
    input.value = (params.get("q") || "").trim();
    if (SORTS[params.get("sorteren")]) sort.value = params.get("sorteren");
    boxes.forEach(function (box) { box.checked = params.getAll(box.name).indexOf(box.value) >= 0; });
  }

  function node(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  // Pagefind's excerpt is escaped text with <mark> around matches; rebuild it from text
  // nodes and <mark> only, so nothing else from the index can become markup.
  function excerpt(html) {
    var p = node("p", "search-result-excerpt");
    var template = document.createElement("template");
    template.innerHTML = html;
    template.content.childNodes.forEach(function (child) {
      if (child.nodeName === "MARK") p.appendChild(node("mark", "", child.textContent));
      else p.appendChild(document.createTextNode(child.textContent));
    });
    return p;
  }

  function item(data) {
    var li = node("li", "search-result");
    var heading = node("h3", "search-result-title");
    var link = node("a", "search-result-link", data.meta.title || data.url);
    link.href = data.url;
    heading.appendChild(link);
    li.appendChild(heading);
    if (data.meta.type) {
      var meta = node("p", "search-result-meta");
      meta.appendChild(node("span", "label", data.meta.type));
      if (data.meta.datum) meta.appendChild(document.createTextNode(" " + data.meta.datum));
      li.appendChild(meta);
    }
    if (data.excerpt) li.appendChild(excerpt(data.excerpt));
    return li;
  }

  // The next ten results as list items (their details fetched together), or null when a
  // newer query has started meanwhile.
  function nextItems(query) {
    var batch = results.slice(shown, shown + PAGE);
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (data) {
      if (query !== serial) return null;
      shown += data.length;
      more.hidden = shown >= results.length;
      return data.map(item);
    });
  }

  function showMore() {
    return nextItems(serial).then(function (items) {
      if (!items) return;
      items.forEach(function (li) { list.appendChild(li); });
      if (items.length) items[0].querySelector("a").focus();
    });
  }

  function say(count, term, filtered) {
    var what = count === 1 ? "1 resultaat" : (count ? count + " resultaten" : "Geen resultaten");
    var text = what + (term ? " voor ‘" + term + "’" : "") + (filtered ? ", met filters" : "");
    if (!count) text += ". Probeer een ander woord" + (filtered ? " of wis de filters." : ".");
    status.textContent = text;
  }

  // Counts next to the filters: how many results of this term have each value (all pages
  // without a term), so they do not change while the visitor ticks boxes.
  function updateCounts(counts) {
    boxes.forEach(function (box) {
      var n = (counts[box.name] || {})[box.value] || 0;
      box.parentNode.querySelector("[data-search-count]").textContent = "(" + n + ")";
    });
  }

  function run() {
    clearTimeout(timer);
    var term = input.value.trim();
    var filters = chosen();
    var filtered = anyChosen();
    var query = ++serial;
    var ticked = boxes.filter(function (box) { return box.checked; }).length;
    toggle.textContent = "Filteren" + (ticked ? " (" + ticked + " gekozen)" : "");
    syncAddress(term);
    if (!term && !filtered) {
      results = [];
      shown = 0;
      list.textContent = "";
      more.hidden = true;
      status.textContent = "";
      return Promise.resolve();
    }
    var options = { filters: filters };
    if (SORTS[sort.value]) options.sort = { date: SORTS[sort.value] };
    return pagefind()
      .then(function (pf) { return pf.search(term || null, options); })
      .then(function (search) {
        if (query !== serial || !search) return;
        results = search.results;
        shown = 0;
        updateCounts(search.totalFilters || {});
        return nextItems(query).then(function (items) {
          if (!items) return;
          list.replaceChildren.apply(list, items);
          say(results.length, term, filtered);
        });
      });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(run, 300);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
  input.addEventListener("input", later);
  sort.addEventListener("change", run);
  boxes.forEach(function (box) { box.addEventListener("change", run); });
  reset.addEventListener("click", function () {
    boxes.forEach(function (box) { box.checked = false; });
    run();
  });
  more.addEventListener("click", showMore);
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    panel.classList.toggle("is-open", open);
  });

  readAddress();
  if (input.value || anyChosen()) run();
})();
