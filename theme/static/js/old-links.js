// Old WordPress addresses such as /?p=12 or /index.php?page_id=7 land on the home page or the
// 404 page of a static host. If the address has a query, look it up in the redirect map
// (plugins/redirects) and go on to the new page. Without JavaScript the visitor stays where
// they are, which still works. No other queries are touched.
(function () {
  var params = new URLSearchParams(window.location.search);
  var keys = [];
  params.forEach(function (value, name) { keys.push(name + "=" + value); });
  if (!keys.length) return;
  var script = document.currentScript;
  fetch(script.getAttribute("data-map"))
    .then(function (response) { return response.ok ? response.json() : {}; })
    .then(function (map) {
      for (var i = 0; i < keys.length; i++) {
        if (Object.prototype.hasOwnProperty.call(map, keys[i])) {
          window.location.replace(map[keys[i]]);
          return;
        }
      }
    })
    .catch(function () {});
})();
