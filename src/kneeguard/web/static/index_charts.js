// Charts whose x-axis is a count (the load page's weeks, the gait page's steps), drawn with the vendored
// uPlot from each <figure class="ichart">'s JSON block (kneeguard.web.index_chart.IndexChart). Every text
// a person reads (axis labels, the read-out of each position) comes from the server; this file places the
// marks, zooms on a drag and zooms back out on a double-click (uPlot's own gestures).
"use strict";

(function () {
  var GRID = { stroke: "#e4e7eb" }, INK = "#525a63";
  var noLine = function () { return null; };

  function seriesOptions(s) {
    var o = { label: s.label, scale: s.scale, stroke: s.colour, points: { show: false } };
    if (s.kind === "bars") {
      o.fill = s.colour; o.width = 0;
      o.paths = uPlot.paths.bars({ size: [0.76, 64] });
    } else if (s.kind === "line") {
      o.width = 2; o.spanGaps = true; o.points = { show: true, size: 5, fill: s.colour };
    } else {
      o.paths = noLine;
      o.points = { show: true, size: 9, width: s.hollow ? 2 : 1, stroke: s.colour, fill: s.hollow ? "#fff" : s.colour };
    }
    return o;
  }

  function drawOne(figure) {
    var source = figure.querySelector("script.chart-data"), box = figure.querySelector(".ichart-plot");
    var readout = figure.querySelector(".chart-readout");
    if (!source || !box || figure.classList.contains("drawn")) return;
    var d = JSON.parse(source.textContent), n = d.x_labels.length, xs = [];
    for (var i = 1; i <= n; i++) xs.push(i);
    var data = [xs], series = [{}];
    d.series.forEach(function (s) { data.push(s.values); series.push(seriesOptions(s)); });
    // x positions are 1..n; a tick shows its position's label, whole positions only
    function xLabels(u, splits) {
      return splits.map(function (v) { return v === Math.round(v) && v >= 1 && v <= n ? d.x_labels[v - 1] : ""; });
    }
    var scales = { x: { time: false, range: function (u, lo, hi) { return [lo - 0.5, hi + 0.5]; } } };
    if (d.y_from_zero) scales.y = { range: function (u, lo, hi) { return [0, Math.max(hi || 0, 1) * 1.1]; } };
    scales.y2 = { range: function (u, lo, hi) { return [0, Math.max(hi || 0, 1) * 1.1]; } };
    var axes = [
      { stroke: INK, grid: GRID, size: 36, space: 64, values: xLabels,
        incrs: [1, 2, 4, 5, 10, 13, 26, 52, 104, 260] },
      { scale: "y", label: d.y_label, stroke: INK, grid: GRID, size: 48 }
    ];
    if (d.y2_label) axes.push({ scale: "y2", side: 1, label: d.y2_label, stroke: INK, grid: { show: false }, size: 48 });
    var hint = readout ? readout.textContent : "";
    function size() {
      var width = Math.max(box.clientWidth, 200);
      return { width: width, height: width < 500 ? Math.min(d.height, 220) : d.height };
    }
    var dims = size();
    var u = new uPlot({
      width: dims.width, height: dims.height, series: series, scales: scales, axes: axes, legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: true }, points: { size: 10 } },
      hooks: { setCursor: [function (u) {
        if (!readout) return;
        var idx = u.cursor.idx;
        readout.textContent = idx === null || idx === undefined ? hint : d.tips[idx];
      }] }
    }, data, box);
    figure.classList.add("drawn");
    var pending = null;
    window.addEventListener("resize", function () {
      if (pending) cancelAnimationFrame(pending);
      pending = requestAnimationFrame(function () { u.setSize(size()); });
    });
  }

  function draw(root) {
    if (typeof uPlot === "undefined") return;
    root.querySelectorAll("figure.ichart").forEach(drawOne);
  }
  window.kneeguardIndexCharts = { draw: draw };  // kneeguard.js draws the charts of a page it shows in place
  draw(document);
})();
