// Live status: while a submission on this page is queued or scoring, ask the API for it
// every 2 s; once one changes, fetch this page again and swap in its fresh table.
(function () {
  var box = document.getElementById("submissions");
  if (!box || !box.dataset.pending) return;
  var pending = box.dataset.pending.split(",").filter(Boolean);
  var api = box.dataset.api.replace(/0\/$/, "");
  function poll() {
    Promise.all(pending.map(function (id) {
      return fetch(api + id + "/", {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; });
    })).then(function (subs) {
      if (subs.some(function (s) { return s && s.status !== "queued" && s.status !== "scoring"; })) {
        return fetch(location.href, {credentials: "same-origin"}).then(function (r) { return r.text(); })
          .then(function (html) {
            var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("submissions");
            if (fresh) { box.replaceWith(fresh); box = fresh; }
            pending = (box.dataset.pending || "").split(",").filter(Boolean);
          });
      }
    }).catch(function () {}).then(function () { if (pending.length) setTimeout(poll, 2000); });
  }
  setTimeout(poll, 1000);
})();
