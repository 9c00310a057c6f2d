// Live status: while a submission on this page is queued or scoring, ask the API for it
// every 2 s; once one changes, fetch this page again and swap in its fresh table, update the
// notice that said it was queued, and announce the change (aria-live).
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
      var done = subs.filter(function (s) { return s && s.status !== "queued" && s.status !== "scoring"; });
      done.forEach(announce);
      if (done.length) {
        return fetch(location.href, {credentials: "same-origin"}).then(function (r) { return r.text(); })
          .then(function (html) {
            var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("submissions");
            if (fresh) { box.replaceWith(fresh); box = fresh; }
            pending = (box.dataset.pending || "").split(",").filter(Boolean);
          });
      }
    }).catch(function () {}).then(function () { if (pending.length) setTimeout(poll, 2000); });
  }
  // The "queued for scoring" notice follows the status, and screen readers hear the change.
  function announce(s) {
    var words = "Submission #" + s.id + " (" + s.system_name + ") is " + s.status + ".";
    if (s.status === "failed") words = "Submission #" + s.id + " (" + s.system_name + ") failed: see why below.";
    document.querySelectorAll(".messages li").forEach(function (li) {
      if (li.textContent.indexOf("Submission #" + s.id + " ") === 0) {
        li.textContent = words;
        li.className = s.status === "failed" ? "error" : "success";
      }
    });
    var live = document.getElementById("live-status");
    if (live) live.textContent = words;
  }
  setTimeout(poll, 1000);
})();
