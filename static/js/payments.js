// Finance dashboard charts (Apache ECharts, vendored). Data comes from <script type="application/json"
// id="payments-charts"> written by json_script; no inline scripts (the Content-Security-Policy forbids them).
(function () {
  "use strict";
  var source = document.getElementById("payments-charts");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var blue = "#1f4e8c", grey = "#c9d3e0", green = "#198754", red = "#b02a37", orange = "#fd7e14";
  var bandColours = ["rgba(25,135,84,0.10)", "rgba(13,110,253,0.08)", "rgba(255,193,7,0.12)",
    "rgba(253,126,20,0.12)", "rgba(220,53,69,0.10)", "rgba(108,117,125,0.12)"];
  var charts = [];

  function money(v) {
    return "¥" + Number(v || 0).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  function init(el, option) {
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
    el.setAttribute("data-rendered", "true");
  }

  var parts = document.querySelector('[data-chart="parts"]');
  if (parts) {
    init(parts, {
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { data: ["满分", "得分"], top: 0 },
      grid: { left: 8, right: 44, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: "value", max: function (v) { return Math.max(v.max, 30); } },
      yAxis: { type: "category", inverse: true, data: data.parts.labels },
      series: [
        { name: "满分", type: "bar", data: data.parts.weights, itemStyle: { color: grey }, barGap: "-100%", z: 1 },
        { name: "得分", type: "bar", data: data.parts.scores, itemStyle: { color: blue }, z: 2,
          label: { show: true, position: "right", formatter: function (p) { return p.value === null ? "待定" : p.value.toFixed(2); } } }
      ]
    });
  }

  var trend = document.querySelector('[data-chart="trend"]');
  if (trend) {
    var lows = data.tiers.map(function (t) { return t.min; });
    var floor = Math.max(0, Math.min.apply(null, lows.filter(function (v) { return v > 0; }).concat([60])) - 10);
    var bands = data.tiers.map(function (t, i) {
      return [{ yAxis: Math.max(t.min, floor), name: t.ratio + "%", itemStyle: { color: bandColours[i % bandColours.length] } },
        { yAxis: t.max }];
    });
    init(trend, {
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v.toFixed(2); } },
      legend: { data: ["月度得分"], top: 0 },
      grid: { left: 8, right: 64, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.trend.labels, axisLabel: { interval: 0, rotate: data.trend.labels.length > 8 ? 40 : 0 } },
      yAxis: { type: "value", min: floor, max: 100 },
      series: [{
        name: "月度得分", type: "line", data: data.trend.totals, connectNulls: false, symbolSize: 7,
        itemStyle: { color: blue }, lineStyle: { width: 2 },
        markArea: { silent: true, label: { position: "right", color: "#495057", fontSize: 11 }, data: bands },
        markLine: data.trend.final === null ? undefined : {
          silent: true, symbol: "none", lineStyle: { color: green, type: "dashed" },
          label: { formatter: "全期 " + data.trend.final.toFixed(2), position: "insideEndTop" },
          data: [{ yAxis: data.trend.final }]
        }
      }]
    });
  }

  var pay = document.querySelector('[data-chart="payments"]');
  if (pay) {
    init(pay, {
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: money },
      legend: { data: ["已付", "未付", "违约金"], top: 0, itemWidth: 12 },
      grid: { left: 8, right: 8, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.payments.labels },
      yAxis: { type: "value", axisLabel: { formatter: function (v) { return (v / 10000) + "万"; } } },
      series: [
        { name: "已付", type: "bar", stack: "due", data: data.payments.paid, itemStyle: { color: green } },
        { name: "未付", type: "bar", stack: "due", data: data.payments.outstanding, itemStyle: { color: orange } },
        { name: "违约金", type: "bar", data: data.payments.fees, itemStyle: { color: red } }
      ]
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();
