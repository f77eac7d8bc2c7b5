/* The staff console's small enhancements; every page works without them.
   1. Semua Tiket: new tickets appear without a reload (polls the list's feed every 10 s).
   2. Edit: the priority the matrix gives for the chosen urgency and impact, as you choose. */
(function () {
  "use strict";
  var POLL_MS = 10000;
  var PRIORITY = { 1: "Tinggi", 2: "Menengah", 3: "Rendah" };

  function pollNewTickets(table) {
    var status = document.getElementById("feed-status");
    var body = table.tBodies[0];
    var busy = false;

    function known(number) {
      return body.querySelector('tr[data-number="' + CSS.escape(number) + '"]') !== null;
    }

    function tick() {
      if (busy || document.hidden) { return; }
      busy = true;
      var url = new URL(table.dataset.feed, window.location.href);
      if (table.dataset.newest) { url.searchParams.set("after", table.dataset.newest); }
      fetch(url.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { rows: [] }; })
        .then(function (data) {
          var added = 0;
          (data.rows || []).slice().reverse().forEach(function (row) {
            if (known(row.number)) { return; }
            body.insertAdjacentHTML("afterbegin", row.html);
            body.rows[0].classList.add("fresh");
            added += 1;
            if (!table.dataset.newest || row.created_at > table.dataset.newest) {
              table.dataset.newest = row.created_at;
            }
          });
          if (added) {
            var empty = document.getElementById("feed-empty");
            if (empty) { empty.remove(); }
            if (status) { status.textContent = added + " tiket baru masuk."; }
          }
        })
        .catch(function () { /* offline for a moment: the next tick tries again */ })
        .then(function () { busy = false; });
    }
    window.setInterval(tick, Number(table.dataset.interval) || POLL_MS);
  }

  function livePriority(form) {
    var matrix;
    try { matrix = JSON.parse(form.dataset.matrix || "{}"); } catch (e) { return; }
    var out = document.getElementById("priority-computed");
    if (!out) { return; }
    function update() {
      var u = form.querySelector('input[name="urgency"]:checked');
      var i = form.querySelector('input[name="impact"]:checked');
      var p = u && i && matrix[u.value] ? matrix[u.value][i.value] : null;
      out.textContent = p ? p + " · " + PRIORITY[p] : "belum dapat dihitung";
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "urgency" || event.target.name === "impact") { update(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var table = document.querySelector("table[data-feed]");
    if (table && window.fetch) { pollNewTickets(table); }
    var edit = document.getElementById("edit-form");
    if (edit) { livePriority(edit); }
  });
}());
