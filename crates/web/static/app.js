// honbu: live boards and a few keyboard paths. Everything works without
// this file; with it, what another officer records appears here within a
// second, and "n" jumps to the new-entry box.
(function () {
  "use strict";

  // Live regions: an element with data-stream (an SSE URL) and
  // data-refresh (a page URL). On any event, refetch and swap the element.
  document.querySelectorAll("[data-stream]").forEach(function (el) {
    var url = el.getAttribute("data-refresh");
    var pending = false, again = false;
    function refresh() {
      if (pending) { again = true; return; }
      pending = true;
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = el.id ? doc.getElementById(el.id) : null;
          el.innerHTML = fresh ? fresh.innerHTML : doc.body.innerHTML;
          el.dispatchEvent(new CustomEvent("honbu:refreshed", { bubbles: true }));
        })
        .catch(function () {})
        .then(function () { pending = false; if (again) { again = false; refresh(); } });
    }
    var es = new EventSource(el.getAttribute("data-stream"));
    es.onmessage = refresh;
    ["entry_logged", "entry_significance", "entry_released", "task_assigned", "task_status_changed",
     "decision_recorded", "duty_started", "duty_ended", "incident_status_changed", "incident_amended",
     "hq_activated", "hq_member_added", "hq_member_removed", "status_report_filed", "report_cadence_set",
     "handover_issued", "handover_acknowledged", "sitrep_issued", "lagged"].forEach(function (k) {
      es.addEventListener(k, refresh);
    });
    document.documentElement.setAttribute("data-live", "1");
  });

  // "updated 4 s ago"
  function ages() {
    if (document.querySelector(".asof-note")) return;
    document.querySelectorAll("[data-since]").forEach(function (el) {
      var t = Date.parse(el.getAttribute("data-since"));
      if (isNaN(t)) return;
      var s = Math.max(0, Math.round((Date.now() - t) / 1000));
      var out = el.querySelector("output") || el.appendChild(document.createElement("output"));
      // Unit names come from the page's catalogue: "s,min,h,d,y".
      var u = (el.getAttribute("data-units") || "s,min,h,d,y").split(",");
      var age = s < 90 ? s + " " + u[0]
        : s < 90 * 60 ? Math.round(s / 60) + " " + u[1]
        : s < 48 * 3600 ? Math.round(s / 3600) + " " + u[2]
        : s < 730 * 86400 ? Math.round(s / 86400) + " " + u[3]
        : Math.round(s / (365.25 * 86400)) + " " + u[4];
      out.textContent = " (" + age + ")";
    });
  }
  setInterval(ages, 1000); ages();

  // Ticking clocks in their zones.
  function clocks() {
    document.querySelectorAll("time[data-clock]").forEach(function (el) {
      if (document.querySelector(".asof-note")) return;
      try {
        var z = el.getAttribute("data-clock");
        var f = new Intl.DateTimeFormat("sv-SE", { timeZone: z, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
        // Keep the server's zone abbreviation (JST, -05, UTC).
        var abbr = el.getAttribute("data-abbr") || "";
        el.textContent = f.format(new Date()) + (abbr ? " " + abbr : "");
      } catch (e) {}
    });
  }
  setInterval(clocks, 1000);

  // "n" focuses the new-entry box unless typing already.
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var tag = (e.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || e.target.isContentEditable) return;
    var box = document.querySelector('[data-shortcut="' + e.key + '"]');
    if (box) { e.preventDefault(); box.focus(); }
  });

  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
})();
