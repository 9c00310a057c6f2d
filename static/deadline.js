// The next deadline in the reader's own time zone, beside the UTC the page states, and a
// countdown that stays current while the page is open.
(function () {
  function left(ms) {
    if (ms <= 0) return "now";
    var m = Math.floor(ms / 60000), d = Math.floor(m / 1440), h = Math.floor(m / 60) % 24;
    m = m % 60;
    var parts = [[d, "day"], [h, "hour"], [m, "minute"]].filter(function (p) { return p[0]; })
      .map(function (p) { return p[0] + " " + p[1] + (p[0] === 1 ? "" : "s"); });
    return parts.length ? parts.slice(0, 2).join(" ") : "less than a minute";
  }
  document.querySelectorAll(".local[data-when]").forEach(function (el) {
    var when = new Date(el.dataset.when);
    el.textContent = "(" + when.toLocaleString(undefined, {dateStyle: "medium", timeStyle: "short"}) +
      " your time)";
  });
  function tick() {
    document.querySelectorAll(".countdown[data-when]").forEach(function (el) {
      el.textContent = left(new Date(el.dataset.when) - new Date());
    });
  }
  tick();
  setInterval(tick, 30000);
})();
