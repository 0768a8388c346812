// The activity page's stream charts, drawn by the vendored uPlot (static/vendor/uplot): one chart per
// stream, stacked, with linked cursors (one read-out line for all), drag-to-zoom applied to every chart,
// and a time or distance x-axis. The data come from <script type="application/json" id="activity-streams">
// (web/activity_streams.py), already downsampled by the server.
"use strict";

(function () {
  var source = document.getElementById("activity-streams");
  var holder = document.getElementById("stream-charts");
  if (!source || !holder || typeof uPlot === "undefined") return;
  var payload = JSON.parse(source.textContent);
  var readout = document.getElementById("stream-readout");
  var reset = document.getElementById("stream-reset");
  var COLOURS = { heart_rate: "#b00020", pace: "#0b5cad", speed: "#0b5cad", cadence: "#6b4a9a",
                  elevation: "#1e6b34", power: "#8a5a00" };
  var charts = [];
  var axis = "time";
  var syncing = false;

  function two(n) { return (n < 10 ? "0" : "") + n; }
  // h:mm:ss like the page's tables (fmt_duration in web/common.py)
  function clock(seconds) {
    var s = Math.round(seconds);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return (h ? h + ":" + two(m) : String(m)) + ":" + two(s % 60);
  }
  // mirrors kneeguard.numbers.pace_text: minutes:seconds per kilometre
  function paceText(secondsPerKm) {
    var s = Math.round(secondsPerKm);
    return Math.floor(s / 60) + ":" + two(s % 60) + " /km";
  }
  function valueText(series, v) {
    if (v === null || v === undefined) return "—";
    if (series.key === "pace") return paceText(v);
    return v.toFixed(series.digits) + " " + series.unit;
  }
  // tick steps people count in: whole minutes of a run, whole or half kilometres, 15 s of pace
  var TIME_STEPS = [60, 120, 300, 600, 900, 1200, 1800, 3600, 5400, 7200, 10800, 14400];
  var PACE_STEPS = [5, 10, 15, 30, 60, 120, 180, 240, 300, 600];
  function xTick(v) { return axis === "distance" ? String(Math.round(v * 100) / 100) : clock(v); }
  function yTick(s, v) {
    if (s.key === "pace") return paceText(v).replace(" /km", "");
    return v.toFixed(s.digits > 0 && Math.abs(v) < 100 ? s.digits : 0);
  }
  function xValues() { return axis === "distance" && payload.km ? payload.km : payload.seconds; }
  function xText(v) { return axis === "distance" ? v.toFixed(2) + " km" : clock(v); }

  function showReadout(idx) {
    if (!readout || idx === null || idx === undefined) return;
    var parts = [clock(payload.seconds[idx]) + " elapsed"];
    if (payload.km) parts.push(payload.km[idx].toFixed(2) + " km");
    payload.series.forEach(function (s) { parts.push(s.label + " " + valueText(s, s.values[idx])); });
    readout.textContent = parts.join(" · ");
  }

  function chartWidth() { return Math.max(240, holder.clientWidth); }
  function chartHeight() { return window.matchMedia("(max-width: 700px)").matches ? 125 : 140; }

  function zoomAll(source, min, max) {
    if (syncing) return;
    syncing = true;
    charts.forEach(function (u) { if (u !== source) u.setScale("x", { min: min, max: max }); });
    syncing = false;
    var xs = xValues(), whole = xs[xs.length - 1] - xs[0];
    if (reset) reset.hidden = max - min >= whole * 0.999;  // zoomed in: offer the way back
  }

  function build() {
    charts.forEach(function (u) { u.destroy(); });
    charts = [];
    holder.textContent = "";
    var xs = xValues();
    var sync = uPlot.sync("activity-" + axis);
    payload.series.forEach(function (s) {
      var box = document.createElement("div");
      box.className = "stream-chart";
      box.dataset.stream = s.key;
      var title = document.createElement("h3");
      title.textContent = s.label + " (" + s.unit + ")";
      box.appendChild(title);
      holder.appendChild(box);
      var opts = {
        width: chartWidth(),
        height: chartHeight(),
        legend: { show: false },
        cursor: { sync: { key: sync.key }, drag: { x: true, y: false }, points: { size: 7 } },
        scales: { x: { time: false }, y: s.range ? { dir: s.invert ? -1 : 1, range: function () { return s.range; } }
                                                   : { dir: s.invert ? -1 : 1 } },
        axes: [
          { values: function (u, ticks) { return ticks.map(xTick); }, space: 60, size: 30,
            incrs: axis === "distance" ? [0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 20, 50] : TIME_STEPS },
          { values: function (u, ticks) { return ticks.map(function (v) { return yTick(s, v); }); }, size: 52, space: 24,
            incrs: s.key === "pace" ? PACE_STEPS : undefined },
        ],
        series: [{}, { label: s.label, stroke: COLOURS[s.key] || "#1b1f24", width: 1.5, spanGaps: false,
                       value: function (u, v) { return valueText(s, v); } }],
        hooks: {
          setCursor: [function (u) { showReadout(u.cursor.idx); }],
          setScale: [function (u, key) { if (key === "x") zoomAll(u, u.scales.x.min, u.scales.x.max); }],
        },
      };
      charts.push(new uPlot(opts, [xs, s.values], box));
    });
    if (reset) reset.hidden = true;
  }

  document.querySelectorAll('input[name="stream-x"]').forEach(function (radio) {
    radio.addEventListener("change", function () { if (radio.checked) { axis = radio.value; build(); } });
  });
  if (reset) {
    reset.addEventListener("click", function () {
      var xs = xValues();
      charts.forEach(function (u) { u.setScale("x", { min: xs[0], max: xs[xs.length - 1] }); });
      reset.hidden = true;
    });
  }
  var resizing = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(function () {
      charts.forEach(function (u) { u.setSize({ width: chartWidth(), height: chartHeight() }); });
    }, 100);
  });
  build();
})();
