// kneeguard dashboard: the pain-against-load chart, drawn with the vendored uPlot from the JSON block
// the server embeds (#pain-load-data, made by kneeguard.web.pain_load_chart). Nothing is computed here
// but the placing of points: every number comes from the server.
"use strict";

(function () {
  var source = document.getElementById("pain-load-data");
  var box = document.getElementById("pain-load-chart");
  if (!source || !box || typeof uPlot === "undefined") return;
  var d = JSON.parse(source.textContent);
  var readout = document.getElementById("pain-load-readout");
  var n = d.days.length;
  var DAY = 86400;

  function empty() { var a = new Array(n); for (var i = 0; i < n; i++) a[i] = null; return a; }
  function worse(a, i, v) { if (v !== null && v !== undefined && (a[i] === null || v > a[i])) a[i] = v; }

  // pain series: the latest check-in of a day; the worst tick pain of a day
  var checkinPain = empty(), checkinOf = {}, during = empty(), morning = empty(), ticksOf = {};
  d.checkins.forEach(function (c) { if (c.pain !== null) checkinPain[c.i] = c.pain; checkinOf[c.i] = c; });
  d.ticks.forEach(function (t) {
    worse(during, t.i, t.pain_during); worse(morning, t.i, t.pain_morning);
    (ticksOf[t.i] = ticksOf[t.i] || []).push(t);
  });
  var bands = Object.keys(d.bands), spikeSeries = {}, spikesOf = {};
  bands.forEach(function (b) { spikeSeries[b] = empty(); });
  d.spikes.forEach(function (s) { worse(spikeSeries[s.band], s.i, s.km); (spikesOf[s.i] = spikesOf[s.i] || []).push(s); });
  var changesOf = {};
  d.changes.forEach(function (c, k) { c.n = k + 1; (changesOf[c.i] = changesOf[c.i] || []).push(c); });
  var weekOf = {};
  d.weeks.forEach(function (w) { weekOf[w.t] = w; });

  var view = d.default_view;
  var noLine = function () { return null; };
  var dayKm = d.day_km.map(function (v) { return v ? v : null; });  // no bar on a day without a run
  var data = [d.days, dayKm, d.week_km, checkinPain, during, morning];
  var series = [
    {},
    { label: "km that day", scale: "km", show: view === "daily", fill: d.colours.km, stroke: d.colours.km,
      paths: uPlot.paths.bars({ size: [0.8, 24] }), points: { show: false } },
    { label: "km that week", scale: "km", show: view === "weekly", fill: d.colours.km + "99", stroke: d.colours.km,
      width: 1, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } },
    { label: "check-in pain", scale: "pain", stroke: d.colours.checkin_pain, width: 2, spanGaps: true,
      points: { show: true, size: 7, fill: d.colours.checkin_pain } },
    { label: "pain during", scale: "pain", stroke: d.colours.pain_during, paths: noLine,
      points: { show: true, size: 8, fill: d.colours.pain_during } },
    { label: "pain next morning", scale: "pain", stroke: d.colours.pain_morning, paths: noLine,
      points: { show: true, size: 8, fill: d.colours.pain_morning } }
  ];
  bands.forEach(function (b) {
    data.push(spikeSeries[b]);
    series.push({ label: d.bands[b].label, scale: "km", stroke: "#333", paths: noLine,
      points: { show: true, size: 10, width: 1, fill: d.bands[b].colour, stroke: "#333" } });
  });

  // spike runs sit at their own distance on the km axis, in both views.
  // plan changes: a dashed vertical line with its number (the list under the chart says what changed)
  function changeMarkers() {
    return { hooks: { draw: [function (u) {
      var ctx = u.ctx, top = u.bbox.top, height = u.bbox.height, dpr = window.devicePixelRatio || 1;
      ctx.save();
      ctx.strokeStyle = d.colours.change; ctx.fillStyle = d.colours.change;
      ctx.lineWidth = dpr; ctx.setLineDash([4 * dpr, 3 * dpr]);
      ctx.font = (11 * dpr) + "px system-ui, sans-serif";
      d.changes.forEach(function (c) {
        var x = Math.round(u.valToPos(d.days[c.i] + DAY / 2, "x", true));
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
        ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke();
        ctx.fillText(String(c.n), x + 3 * dpr, top + 12 * dpr);
      });
      ctx.restore();
    }] } };
  }

  function fmtDay(t) {
    var day = new Date(t * 1000);
    return day.toLocaleDateString(undefined, { weekday: "short", day: "2-digit", month: "short", year: "numeric",
      timeZone: "UTC" });
  }
  function km(v) { return v === null || v === undefined ? "–" : v.toFixed(1) + " km"; }

  function describe(i) {
    var t = d.days[i], parts = [fmtDay(t)];
    var monday = t - ((new Date(t * 1000).getUTCDay() + 6) % 7) * DAY, w = weekOf[monday];
    if (view === "weekly" && w) {
      parts.push("week from " + fmtDay(monday) + ": " + km(w.km) + " in " + w.runs + " run" + (w.runs === 1 ? "" : "s") +
        (w.change_pct !== null ? " (" + (w.change_pct >= 0 ? "+" : "") + Math.round(w.change_pct) + " % on the week before)" : "") +
        (w.complete ? "" : " so far"));
    } else {
      parts.push(km(d.day_km[i]) + " run");
    }
    var c = checkinOf[i];
    if (c) parts.push("check-in pain " + (c.pain === null ? "not given" : c.pain + "/10") + (c.level ? " (" + c.level + ")" : ""));
    (ticksOf[i] || []).forEach(function (tk) {
      var p = [];
      if (tk.pain_during !== null) p.push(tk.pain_during + "/10 during");
      if (tk.pain_morning !== null) p.push(tk.pain_morning + "/10 next morning");
      parts.push(tk.kind.replace(/_/g, " ") + " done" + (p.length ? ", pain " + p.join(", ") : ""));
    });
    (spikesOf[i] || []).forEach(function (s) {
      parts.push(d.bands[s.band].label + ": " + km(s.km) + (s.reference_km !== null
        ? " against " + km(s.reference_km) + " (" + (s.ratio_pct >= 0 ? "+" : "") + s.ratio_pct + " %)" : ""));
    });
    (changesOf[i] || []).forEach(function (ch) { parts.push("[" + ch.n + "] " + ch.text); });
    return parts.join(" · ");
  }

  var shortDate = uPlot.fmtDate("{D} {MMM}"), monthYear = uPlot.fmtDate("{MMM} {YYYY}");
  function dateLabels(u, splits) {
    var span = (u.scales.x.max - u.scales.x.min) / DAY;
    return splits.map(function (t) {
      var day = uPlot.tzDate(new Date(t * 1000), "Etc/UTC");
      return span > 400 ? monthYear(day) : shortDate(day);
    });
  }

  var hint = readout ? readout.textContent : "";
  function onCursor(u) {
    if (!readout) return;
    var i = u.cursor.idx;
    readout.textContent = i === null || i === undefined ? hint : describe(i);
  }

  function size() {
    var width = Math.max(box.clientWidth, 240);
    return { width: width, height: width < 500 ? 240 : 320 };
  }

  var dims = size();
  var u = new uPlot({
    width: dims.width, height: dims.height, series: series, legend: { show: false },
    plugins: [changeMarkers()],
    tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
    cursor: { drag: { x: true, y: false, setScale: true }, points: { size: 8 } },
    scales: { x: { time: true }, km: { range: function (self, lo, hi) { return [0, Math.max(hi || 0, 1) * 1.1]; } },
      pain: { range: [0, 10] } },
    axes: [
      { stroke: "#525a63", grid: { stroke: "#e4e7eb" }, size: 40, values: dateLabels },
      { scale: "km", label: "km", stroke: "#525a63", grid: { stroke: "#e4e7eb" }, size: 46 },
      { scale: "pain", side: 1, label: "pain (0–10)", stroke: "#525a63", grid: { show: false }, size: 46,
        splits: function () { return [0, 2, 4, 6, 8, 10]; } }
    ],
    hooks: { setCursor: [onCursor] }
  }, data, box);
  box.classList.add("drawn");

  function setView(next) {
    view = next;
    u.batch(function () {
      u.setSeries(1, { show: view === "daily" });
      u.setSeries(2, { show: view === "weekly" });
    });
    document.querySelectorAll(".view-toggle button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.view === view));
    });
  }
  document.querySelectorAll(".view-toggle button").forEach(function (b) {
    b.addEventListener("click", function () { setView(b.dataset.view); });
  });

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () { u.setSize(size()); });
  });
})();
