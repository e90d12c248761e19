// honbu: live boards, a few keyboard paths and attaching files. Everything
// but attaching a file from the entry page works without this file; with
// it, what another officer records appears here within a second, and "n"
// jumps to the new-entry box.
(function () {
  "use strict";

  // Live regions: an element with data-stream (an SSE URL) and
  // data-refresh (a page URL). On any event, refetch and swap the element.
  var failedSince = null;
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
    // The connection's state, shown: live, reconnecting, or offline since
    // the first failure (after 5 s of failing), so that a board whose
    // server is gone does not look like a calm one.
    var conn = document.querySelector("[data-conn]");
    var words = conn ? (conn.getAttribute("data-words") || "").split("|") : [];
    var opened = false;
    function show(state) {
      document.documentElement.setAttribute("data-conn", state);
      if (!conn) return;
      conn.className = "conn conn-" + state;
      conn.textContent = state === "live" ? words[0]
        : state === "reconnecting" ? words[1]
        : (words[2] || "").replace("{}", hhmm(failedSince));
    }
    function connect() {
      var es = new EventSource(el.getAttribute("data-stream"));
      es.onopen = function () {
        failedSince = null;
        show("live");
        // Back after a break: what changed meanwhile.
        if (opened) refresh();
        opened = true;
      };
      es.onerror = function () {
        if (failedSince === null) failedSince = new Date();
        show(Date.now() - failedSince.getTime() > 5000 ? "offline" : "reconnecting");
        // Closed for good (refused, not found): try again, more slowly.
        if (es.readyState === 2) setTimeout(connect, 3000);
      };
      es.onmessage = refresh;
      ["entry_logged", "entry_significance", "entry_released", "attachment_added", "task_assigned", "task_status_changed",
       "decision_recorded", "duty_started", "duty_ended", "incident_status_changed", "incident_amended",
       "hq_activated", "hq_member_added", "hq_member_removed", "status_report_filed", "report_cadence_set",
       "handover_issued", "handover_acknowledged", "sitrep_issued", "person_recorded", "person_amended",
       "person_status_reported", "person_status_settled", "personal_data_erased", "lagged"].forEach(function (k) {
        es.addEventListener(k, refresh);
      });
    }
    connect();
    setInterval(function () {
      if (failedSince !== null && Date.now() - failedSince.getTime() > 5000) show("offline");
    }, 1000);
    document.documentElement.setAttribute("data-live", "1");
  });

  function hhmm(d) {
    if (!d) return "";
    var p = function (n) { return (n < 10 ? "0" : "") + n; };
    return p(d.getHours()) + ":" + p(d.getMinutes());
  }

  // What falls due turns overdue on time, without waiting for an event:
  // an element with data-due (an instant) gains the class "overdue" and
  // the word of data-overdue-word once that instant has passed, and the
  // board's count of overdue tasks follows.
  function due() {
    if (document.querySelector(".asof-note")) return;
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var t = Date.parse(el.getAttribute("data-due"));
      if (isNaN(t) || now < t || el.classList.contains("overdue")) return;
      el.classList.add("overdue");
      var w = el.getAttribute("data-overdue-word");
      if (w) {
        var s = document.createElement("span");
        s.className = "alert";
        s.textContent = " — " + w;
        (el.querySelector(".hint") || el).appendChild(s);
      }
    });
    var c = document.querySelector("[data-overdue-count]");
    if (c) {
      var k = String(document.querySelectorAll("ul.tasks li.overdue").length);
      if (c.textContent !== k) c.textContent = k;
      if (c.parentNode && k !== "0") c.parentNode.classList.add("alert");
    }
  }
  setInterval(due, 1000); due();

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

  // The "based on" picker: find entries by their words through the log's
  // search (the session reads the API), add their numbers to the field.
  document.querySelectorAll("[data-entry-picker]").forEach(function (box) {
    var field = document.getElementById(box.getAttribute("data-target"));
    var find = box.querySelector("input[type=search]");
    var list = box.querySelector("ul");
    if (!field || !find || !list) return;
    box.hidden = false;
    var timer = null, asked = 0;
    function numbers() {
      return field.value.split(/[\s,#]+/).filter(function (n) { return n !== ""; });
    }
    function show(items) {
      list.textContent = "";
      if (!items.length) {
        var li = document.createElement("li");
        li.className = "hint";
        li.textContent = box.getAttribute("data-none");
        list.appendChild(li);
        return;
      }
      items.forEach(function (e) {
        var li = document.createElement("li");
        var b = document.createElement("button");
        b.type = "button";
        var n = String(e.number);
        var added = numbers().indexOf(n) >= 0;
        b.textContent = added ? box.getAttribute("data-added") : box.getAttribute("data-add");
        b.disabled = added;
        b.addEventListener("click", function () {
          if (numbers().indexOf(n) < 0) field.value = numbers().concat([n]).join(", ");
          b.textContent = box.getAttribute("data-added");
          b.disabled = true;
        });
        var t = document.createElement("span");
        t.textContent = " #" + n + " " + (e.text.length > 160 ? e.text.slice(0, 160) + "…" : e.text);
        li.appendChild(b);
        li.appendChild(t);
        list.appendChild(li);
      });
    }
    find.addEventListener("input", function () {
      clearTimeout(timer);
      var q = find.value.trim();
      if (!q) { list.textContent = ""; return; }
      timer = setTimeout(function () {
        var mine = ++asked;
        fetch(box.getAttribute("data-api") + "?limit=8&q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (page) { if (mine === asked) show(page.items || []); })
          .catch(function () {});
      }, 250);
    });
  });

  // The place picker: type a city, choose it, and the country, the
  // coordinates and the zone fill in (from the gazetteer honbu ships).
  document.querySelectorAll("[data-place-picker]").forEach(function (box) {
    var find = box.querySelector("input");
    var list = box.querySelector("ul");
    var form = box.closest("form");
    if (!find || !list || !form) return;
    var timer = null, asked = 0;
    function set(name, value) {
      var el = form.querySelector('[name="' + name + '"]');
      if (el) el.value = value;
    }
    function show(places) {
      list.textContent = "";
      if (!places.length) {
        var li = document.createElement("li");
        li.className = "hint";
        li.textContent = box.getAttribute("data-none");
        list.appendChild(li);
        return;
      }
      places.forEach(function (p) {
        var li = document.createElement("li");
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = p.name + (p.name !== p.ascii && p.ascii ? " (" + p.ascii + ")" : "") + ", " + p.country_name + " — " + p.time_zone;
        b.addEventListener("click", function () {
          find.value = p.name;
          set("country", p.country);
          set("lat", p.lat);
          set("lon", p.lon);
          set("time_zone", p.time_zone);
          list.textContent = "";
        });
        li.appendChild(b);
        list.appendChild(li);
      });
    }
    find.addEventListener("input", function () {
      clearTimeout(timer);
      var q = find.value.trim();
      if (!q) { list.textContent = ""; return; }
      timer = setTimeout(function () {
        var mine = ++asked;
        fetch(box.getAttribute("data-api") + "?limit=8&q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (places) { if (mine === asked) show(places || []); })
          .catch(function () {});
      }, 200);
    });
  });

  // A form's times are read in the zone of the HQ it acts for: the labels
  // follow the HQ chosen.
  document.querySelectorAll("select[data-zone-select]").forEach(function (sel) {
    var form = sel.closest("form");
    if (!form) return;
    sel.addEventListener("change", function () {
      var o = sel.options[sel.selectedIndex];
      var z = o && o.getAttribute("data-zone");
      if (!z) return;
      form.querySelectorAll("[data-zone-label]").forEach(function (l) { l.textContent = z; });
    });
  });

  // Attaching a file (the entry page): the chosen file goes as the body of
  // the request, as it is, its name in X-Filename and the session's CSRF
  // token in X-CSRF-Token; once attached, the entry page again. Without
  // this script the form stays hidden and the page says so.
  document.querySelectorAll("form[data-attach]").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    var button = form.querySelector("button");
    var status = form.querySelector("[data-attach-status]");
    if (!input) return;
    form.hidden = false;
    function say(text) { if (status) status.textContent = text; }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var file = input.files && input.files[0];
      if (!file) return;
      var max = Number(form.getAttribute("data-max") || "0");
      if (max && file.size > max) { say(form.getAttribute("data-too-large")); return; }
      if (button) button.disabled = true;
      say(form.getAttribute("data-sending"));
      fetch(form.getAttribute("data-attach"), {
        method: "POST",
        credentials: "same-origin",
        redirect: "error",
        headers: {
          "Content-Type": file.type || "application/octet-stream",
          "X-Filename": encodeURIComponent(file.name),
          "X-CSRF-Token": form.getAttribute("data-csrf")
        },
        body: file
      }).then(function (r) {
        if (r.status === 201) { location.href = form.getAttribute("data-done"); return; }
        return r.json().then(function (b) {
          throw (b && b.error && b.error.message) || String(r.status);
        }, function () { throw String(r.status); });
      }).catch(function (e) {
        say(form.getAttribute("data-failed") + " " + (typeof e === "string" ? e : ""));
        if (button) button.disabled = false;
      });
    });
  });

  // Importing a list of people (the lists page): the chosen file as the
  // body, the choices in the query, the session's CSRF token in
  // X-CSRF-Token; the report said on the page, refused rows by line and
  // field. Without this script the page offers to paste the list instead.
  document.querySelectorAll("form[data-list-upload]").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    var status = form.querySelector("[data-list-status]");
    var button = form.querySelector("button");
    var words = (form.getAttribute("data-words") || "").split("|");
    if (!input) return;
    form.hidden = false;
    function say(nodes) {
      status.textContent = "";
      nodes.forEach(function (n) { status.appendChild(typeof n === "string" ? document.createTextNode(n) : n); });
    }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var file = input.files && input.files[0];
      if (!file) return;
      var max = Number(form.getAttribute("data-max") || "0");
      if (max && file.size > max) { say([form.getAttribute("data-too-large")]); return; }
      var q = new URLSearchParams();
      q.set("source", form.querySelector("[name=source]").value);
      q.set("role", form.querySelector("[name=role]").value);
      q.set("take_good", form.querySelector("[name=take_good]").checked ? "true" : "false");
      button.disabled = true;
      say([form.getAttribute("data-sending")]);
      var xml = /\.xml$/i.test(file.name) || /xml/.test(file.type);
      fetch(form.getAttribute("data-list-upload") + "?" + q.toString(), {
        method: "POST",
        credentials: "same-origin",
        redirect: "error",
        headers: { "Content-Type": xml ? "application/xml" : "text/csv", "X-CSRF-Token": form.getAttribute("data-csrf") },
        body: file
      }).then(function (r) {
        return r.json().then(function (b) { return { status: r.status, body: b }; });
      }).then(function (res) {
        var b = res.body || {};
        var report = b.report || b;
        if (res.status === 201 || res.status === 200) {
          say([report.duplicate ? words[3] : report.linked + " " + words[0] + " · " + report["new"] + " " + words[1] + " · " + report.review + " " + words[2]]);
          setTimeout(function () { location.reload(); }, 1200);
          return;
        }
        var nodes = [(b.error && b.error.message) || String(res.status)];
        if (report && report.refused && report.refused.length) {
          var ul = document.createElement("ul");
          report.refused.slice(0, 20).forEach(function (x) {
            var li = document.createElement("li");
            li.textContent = words[4] + " " + x.line + " · " + x.field + ": " + x.message;
            ul.appendChild(li);
          });
          nodes.push(ul);
        }
        say(nodes);
        button.disabled = false;
      }).catch(function (e) {
        say([form.getAttribute("data-failed") + " " + String(e)]);
        button.disabled = false;
      });
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
})();
