// Draws every [data-chart] element with Apache ECharts (vendor/echarts.min.js). The
// option comes from the server (web/charts.py) as JSON: nothing is computed here, and
// the same numbers are in the table beside each chart.
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") return;
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    try {
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(JSON.parse(el.getAttribute("data-chart")));
      el.setAttribute("data-drawn", "true");
      charts.push(chart);
    } catch (err) {
      el.setAttribute("data-drawn", "failed");
      throw err;
    }
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
  window.addEventListener("beforeprint", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
